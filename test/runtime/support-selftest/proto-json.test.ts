/**
 * The strict proto3-JSON validator, on realistic CX and ES webhook messages. Every verdict is cross-checked with
 * protobufjs's own ProtoJSON parser (protobufjs/ext/protojson), so the validator can't drift into accepting what a
 * real proto3 JSON parser would reject, or the other way round.
 */
import * as protobuf from 'protobufjs';
import * as protojson from 'protobufjs/ext/protojson';
import {
  loadWebhookTypes,
  validateMessageJson,
  validateProtoJson,
  webhookType,
  WebhookFlavor,
  WebhookMessageName,
} from '../support/proto-json';

const AGENT = 'projects/demo-project/locations/global/agents/6a1c1b9e-0d1f-4a55-9c2b-1f7b5d3a0e11';
const SESSION = `${AGENT}/sessions/2f6b0c1e-4b1a-4f0e-a7f3-9c1d2e3f4a5b`;

const CX_RESPONSE = {
  fulfillmentResponse: {
    messages: [
      { text: { text: ['Thanks Jane, I found your order.', 'It ships tomorrow.'] } },
      { payload: { richContent: [[{ type: 'chips', options: [{ text: 'Track it' }, { text: 'Talk to an agent' }] }]] } },
      { liveAgentHandoff: { metadata: { reason: 'negative_sentiment', score: -0.8 } }, channel: 'telephony' },
      { endInteraction: {} },
      { outputAudioText: { ssml: '<speak>Goodbye</speak>' } },
      { conversationSuccess: { metadata: { resolved: true } }, responseType: 'HANDLER_PROMPT' },
    ],
    mergeBehavior: 'REPLACE',
  },
  sessionInfo: {
    session: SESSION,
    parameters: {
      order_id: '1234',
      amount: 49.99,
      escalate: true,
      cleared_param: null,
      nlp: { sentiment: { score: -0.6, magnitude: 1.4 }, entities: [{ name: 'Acme Corp', type: 'ORGANIZATION' }], degraded: false },
    },
  },
  pageInfo: {
    currentPage: `${AGENT}/flows/00000000-0000-0000-0000-000000000000/pages/7c2f1a90-aaaa-4bbb-8ccc-0d1e2f3a4b5c`,
    formInfo: { parameterInfo: [{ displayName: 'order_id', required: true, state: 'FILLED', value: '1234' }] },
  },
  payload: { traceId: 'abc123' },
  targetPage: `${AGENT}/flows/00000000-0000-0000-0000-000000000000/pages/END_SESSION`,
};

const CX_REQUEST = {
  detectIntentResponseId: '2b3a8f8e-1d4c-4b1e-9f3e-7a6b5c4d3e2f',
  intentInfo: {
    lastMatchedIntent: `${AGENT}/intents/4b2a3c1d-5e6f-4a7b-8c9d-0e1f2a3b4c5d`,
    displayName: 'order.status',
    parameters: { order_id: { originalValue: 'one two three four', resolvedValue: 1234 } },
    confidence: 0.87,
  },
  pageInfo: { currentPage: `${AGENT}/flows/00000000-0000-0000-0000-000000000000/pages/START_PAGE`, displayName: 'Start Page' },
  sessionInfo: { session: SESSION, parameters: { order_id: 1234, customer: { name: 'Jane' } } },
  fulfillmentInfo: { tag: 'order-status' },
  messages: [{ text: { text: ['Let me check that for you.'], allowPlaybackInterruption: false }, responseType: 'ENTRY_PROMPT' }],
  text: 'where is my order one two three four',
  languageCode: 'en',
  sentimentAnalysisResult: { score: -0.2, magnitude: 0.2 },
  languageInfo: { inputLanguageCode: 'en', resolvedLanguageCode: 'en', confidenceScore: 0.99 },
};

const ES_RESPONSE = {
  fulfillmentText: 'Your order 1234 ships tomorrow.',
  fulfillmentMessages: [
    { text: { text: ['Your order 1234 ships tomorrow.'] } },
    { quickReplies: { title: 'Anything else?', quickReplies: ['Track it', 'No thanks'] }, platform: 'TELEGRAM' },
    { payload: { google: { expectUserResponse: true } } },
  ],
  source: 'webhook.example.com',
  payload: { google: { richResponse: { items: [{ simpleResponse: { textToSpeech: 'Done' } }] } } },
  outputContexts: [
    {
      name: 'projects/demo-project/agent/sessions/abc/contexts/order-followup',
      lifespanCount: 5,
      parameters: { order_id: '1234', 'order_id.original': 'one two three four', amount: 49.99 },
    },
  ],
  followupEventInput: { name: 'ORDER_FOUND', languageCode: 'en-US', parameters: { order_id: '1234' } },
  sessionEntityTypes: [
    {
      name: 'projects/demo-project/agent/sessions/abc/entityTypes/product',
      entityOverrideMode: 'ENTITY_OVERRIDE_MODE_OVERRIDE',
      entities: [{ value: 'laptop', synonyms: ['laptop', 'notebook'] }],
    },
  ],
};

const clone = <T>(v: T): T => structuredClone(v);

/** The oracle: does protobufjs's ProtoJSON parser accept it? */
function oracleAccepts(type: protobuf.Type, json: unknown): boolean {
  try {
    protojson.fromJson(type, json);
    return true;
  } catch {
    return false;
  }
}

function expectValid(flavor: WebhookFlavor, name: WebhookMessageName, json: unknown): void {
  // JSON round trip first: what goes on the wire, not the JS object (undefined-valued keys vanish).
  const wire: unknown = JSON.parse(JSON.stringify(json));
  expect(validateProtoJson(flavor, name, wire)).toEqual([]);
  expect(oracleAccepts(webhookType(flavor, name), wire)).toBe(true);
}

function problemsOf(flavor: WebhookFlavor, name: WebhookMessageName, json: unknown): string[] {
  const problems = validateProtoJson(flavor, name, json);
  // Whatever we flag, a real proto3 JSON parser must reject too.
  expect(oracleAccepts(webhookType(flavor, name), json)).toBe(false);
  return problems;
}

describe('loading', () => {
  test('loads both webhook protos with their imports, once', () => {
    const types = loadWebhookTypes();
    expect(loadWebhookTypes()).toBe(types);
    expect(types.cx.lookupType('google.cloud.dialogflow.cx.v3.WebhookResponse').fields.fulfillment_response.jsonName).toBe(
      'fulfillmentResponse',
    );
    expect(types.es.lookupType('google.cloud.dialogflow.v2.WebhookResponse').fields.output_contexts.resolvedType!.fullName).toBe(
      '.google.cloud.dialogflow.v2.Context',
    );
    expect(types.cx.lookupType('google.protobuf.Struct')).toBeDefined();
  });
});

describe('valid messages pass', () => {
  test('a realistic CX WebhookResponse', () => expectValid('cx', 'WebhookResponse', CX_RESPONSE));
  test('a realistic CX WebhookRequest', () => expectValid('cx', 'WebhookRequest', CX_REQUEST));
  test('a realistic ES WebhookResponse', () => expectValid('es', 'WebhookResponse', ES_RESPONSE));
  test('an empty response is valid proto3 JSON', () => expectValid('cx', 'WebhookResponse', {}));

  test('snake_case field names are accepted, as proto3 JSON parsers do', () => {
    expectValid('cx', 'WebhookResponse', {
      fulfillment_response: { messages: [{ text: { text: ['hi'] } }], merge_behavior: 'APPEND' },
      target_flow: `${AGENT}/flows/x`,
    });
  });

  test('enums as numbers, int64 as decimal strings, null as "unset", NaN as a string', () => {
    const type = loadWebhookTypes().es.lookupType('google.cloud.dialogflow.v2.Context');
    expect(validateMessageJson(type, { name: 'c', lifespanCount: '5', parameters: null })).toEqual([]);
    expectValid('cx', 'WebhookResponse', { fulfillmentResponse: { mergeBehavior: 2 }, pageInfo: null });
    const sentiment = webhookType('cx', 'WebhookRequest').lookupType('SentimentAnalysisResult');
    expect(validateMessageJson(sentiment, { score: 'NaN', magnitude: '0.5' })).toEqual([]);
  });

  test('objects from another realm (structuredClone, fetch in jest) count as JSON objects', () => {
    expect(validateProtoJson('cx', 'WebhookResponse', structuredClone(CX_RESPONSE))).toEqual([]);
  });

  test('undefined-valued keys are treated as absent, as JSON.stringify drops them', () => {
    expect(validateProtoJson('cx', 'WebhookResponse', { targetPage: undefined, sessionInfo: { parameters: { x: undefined } } })).toEqual(
      [],
    );
  });
});

describe('invalid messages fail, naming the path', () => {
  test('unknown fields, top-level and nested', () => {
    expect(problemsOf('cx', 'WebhookResponse', { ...CX_RESPONSE, fulfilmentResponse: {} })).toEqual([
      expect.stringMatching(
        /^fulfilmentResponse: unknown field \(google\.cloud\.dialogflow\.cx\.v3\.WebhookResponse has fulfillmentResponse, /,
      ),
    ]);
    const nested = clone(CX_RESPONSE);
    (nested.fulfillmentResponse.messages[0] as Record<string, unknown>).txt = 'oops';
    expect(problemsOf('cx', 'WebhookResponse', nested)).toEqual([
      expect.stringMatching(/^fulfillmentResponse\.messages\[0\]\.txt: unknown field/),
    ]);
  });

  test('a real CX request passes, and the same request with an extra field fails (strict, unlike the runtime)', () => {
    expectValid('cx', 'WebhookRequest', CX_REQUEST);
    expect(problemsOf('cx', 'WebhookRequest', { ...CX_REQUEST, undocumentedFlag: true })).toEqual([
      expect.stringMatching(/^undocumentedFlag: unknown field/),
    ]);
  });

  test('mistyped scalars', () => {
    const bad = clone(CX_RESPONSE) as unknown as { fulfillmentResponse: { messages: Array<{ text: { text: unknown[] } }> } };
    bad.fulfillmentResponse.messages[0].text.text[0] = 42;
    expect(problemsOf('cx', 'WebhookResponse', bad)).toEqual(['fulfillmentResponse.messages[0].text.text[0]: expected string, got number']);
    expect(problemsOf('es', 'WebhookResponse', { outputContexts: [{ name: 'c', lifespanCount: 2.5 }] })).toEqual([
      'outputContexts[0].lifespanCount: expected int32 (number), got number',
    ]);
    expect(problemsOf('es', 'WebhookResponse', { outputContexts: [{ name: 'c', lifespanCount: 'five' }] })).toEqual([
      'outputContexts[0].lifespanCount: expected int32 (number), got string "five"',
    ]);
    expect(problemsOf('cx', 'WebhookRequest', { pageInfo: { formInfo: { parameterInfo: [{ required: 'yes' }] } } })).toEqual([
      'pageInfo.formInfo.parameterInfo[0].required: expected boolean, got string "yes"',
    ]);
    expect(problemsOf('es', 'WebhookResponse', { fulfillmentText: ['a', 'b'] })).toEqual(['fulfillmentText: expected string, got array']);
    expect(problemsOf('es', 'WebhookResponse', { outputContexts: [{ name: 'c', lifespanCount: 2 ** 31 }] })).toEqual([
      'outputContexts[0].lifespanCount: 2147483648 is out of range for int32',
    ]);
  });

  test('unknown enum names', () => {
    expect(problemsOf('cx', 'WebhookResponse', { fulfillmentResponse: { mergeBehavior: 'MERGE' } })).toEqual([
      expect.stringMatching(
        /^fulfillmentResponse\.mergeBehavior: unknown google\.cloud\.dialogflow\.cx\.v3\.WebhookResponse\.FulfillmentResponse\.MergeBehavior value "MERGE"/,
      ),
    ]);
  });

  test('arrays where messages belong, and messages where arrays belong', () => {
    expect(problemsOf('cx', 'WebhookResponse', { fulfillmentResponse: [{ messages: [] }] })).toEqual([
      'fulfillmentResponse: expected object (google.cloud.dialogflow.cx.v3.WebhookResponse.FulfillmentResponse), got array',
    ]);
    expect(problemsOf('cx', 'WebhookResponse', { fulfillmentResponse: { messages: { text: { text: ['hi'] } } } })).toEqual([
      'fulfillmentResponse.messages: expected array (repeated ResponseMessage), got object',
    ]);
    // The classic mistake: text as a string rather than { text: [...] }.
    expect(problemsOf('cx', 'WebhookResponse', { fulfillmentResponse: { messages: [{ text: 'hi' }] } })).toEqual([
      'fulfillmentResponse.messages[0].text: expected object (google.cloud.dialogflow.cx.v3.ResponseMessage.Text), got string "hi"',
    ]);
    expect(problemsOf('cx', 'WebhookResponse', { fulfillmentResponse: { messages: [null] } })).toEqual([
      'fulfillmentResponse.messages[0]: expected ResponseMessage (null is not a valid list element), got null',
    ]);
  });

  test('two members of a oneof', () => {
    expect(problemsOf('cx', 'WebhookResponse', { targetPage: `${AGENT}/flows/f/pages/p`, targetFlow: `${AGENT}/flows/f` })).toEqual([
      '(root): oneof transition has more than one member set: targetPage, targetFlow',
    ]);
    expect(
      problemsOf('cx', 'WebhookResponse', { fulfillmentResponse: { messages: [{ text: { text: ['hi'] }, payload: { a: 1 } }] } }),
    ).toEqual(['fulfillmentResponse.messages[0]: oneof message has more than one member set: text, payload']);
  });

  test('the same field under both of its names', () => {
    expect(problemsOf('cx', 'WebhookResponse', { targetPage: 'a', target_page: 'a' })).toEqual([
      'target_page: field set twice (also as "targetPage")',
    ]);
  });

  test('Struct and Value: objects only, JSON values only', () => {
    expect(problemsOf('cx', 'WebhookResponse', { sessionInfo: { parameters: [] } })).toEqual([
      'sessionInfo.parameters: expected object (map<string, google.protobuf.Value>), got array',
    ]);
    expect(problemsOf('cx', 'WebhookResponse', { payload: 'text' })).toEqual([
      'payload: expected object (google.protobuf.Struct), got string "text"',
    ]);
    // Not JSON.parse output, but what a handler might build before serialising: NaN would go out as null.
    expect(validateProtoJson('cx', 'WebhookResponse', { sessionInfo: { parameters: { score: NaN, when: new Date(0) } } })).toEqual([
      'sessionInfo.parameters.score: expected a JSON value (google.protobuf.Value has no NaN/Infinity), got NaN',
      'sessionInfo.parameters.when: expected a JSON value, got Date',
    ]);
  });
});

describe('well-known types', () => {
  test('google.protobuf.Duration (the CX Webhook resource timeout)', () => {
    const webhook = loadWebhookTypes().cx.lookupType('google.cloud.dialogflow.cx.v3.Webhook');
    const base = { displayName: 'nlp', genericWebService: { uri: 'https://hook.example.com/cx' } };
    for (const timeout of ['5s', '1.5s', '0.000000001s', '-2s', '30s']) {
      expect(validateMessageJson(webhook, { ...base, timeout })).toEqual([]);
      expect(oracleAccepts(webhook, { ...base, timeout })).toBe(true);
    }
    for (const timeout of ['5', '5 s', '1.5m', '1.1234567891s', 5]) {
      expect(validateMessageJson(webhook, { ...base, timeout })).toEqual([
        expect.stringMatching(/^timeout: expected (string|duration) like "1.5s"/),
      ]);
      expect(oracleAccepts(webhook, { ...base, timeout })).toBe(false);
    }
    expect(validateMessageJson(webhook, { ...base, timeout: '315576000001s' })).toEqual([
      expect.stringMatching(/^timeout: duration .* is out of range/),
    ]);
  });

  describe('Timestamp, FieldMask, wrappers, Any, bytes', () => {
    // Not in the webhook messages, but the validator handles them; a small schema exercises each mapping.
    const root = new protobuf.Root();
    root.loadSync([
      'google/protobuf/timestamp.proto',
      'google/protobuf/field_mask.proto',
      'google/protobuf/wrappers.proto',
      'google/protobuf/any.proto',
    ]);
    protobuf.parse(
      `syntax = "proto3";
       package t;
       import "google/protobuf/timestamp.proto";
       import "google/protobuf/field_mask.proto";
       import "google/protobuf/wrappers.proto";
       import "google/protobuf/any.proto";
       message M {
         google.protobuf.Timestamp at = 1;
         google.protobuf.FieldMask mask = 2;
         google.protobuf.Int64Value big = 3;
         google.protobuf.BoolValue flag = 4;
         bytes blob = 5;
         google.protobuf.Any any = 6;
         map<int32, string> by_id = 7;
         uint64 count = 8;
       }`,
      root,
      { keepCase: true },
    );
    root.resolveAll();
    const M = root.lookupType('t.M');
    const check = (json: Record<string, unknown>, oracleAgrees = true) => {
      const problems = validateMessageJson(M, json);
      if (oracleAgrees) expect(oracleAccepts(M, json)).toBe(problems.length === 0);
      return problems;
    };

    test('valid forms', () => {
      expect(
        check({
          at: '2026-11-25T03:04:05.123456789Z',
          mask: 'fulfillmentResponse.messages,sessionInfo',
          big: '9007199254740993',
          flag: false,
          blob: 'aGVsbG8=',
          any: { '@type': 'type.googleapis.com/google.protobuf.Int64Value', value: '7' },
          byId: { '1': 'one', '-2': 'minus two' },
          count: '18446744073709551615',
        }),
      ).toEqual([]);
      expect(check({ at: '2026-11-25T03:04:05+01:00', any: { '@type': 'type.googleapis.com/t.M', flag: true } })).toEqual([]);
    });

    test('invalid forms', () => {
      expect(check({ at: '2026-11-25 03:04:05Z' })).toEqual([expect.stringMatching(/^at: expected RFC 3339 timestamp/)]);
      expect(check({ at: '2026-02-30T00:00:00Z' })).toEqual(['at: "2026-02-30T00:00:00Z" is not a valid date/time']);
      expect(check({ at: 1764039845 })).toEqual([expect.stringMatching(/^at: expected RFC 3339 timestamp.*got number$/)]);
      expect(check({ mask: ['a', 'b'] })).toEqual([expect.stringMatching(/^mask: expected string of comma-separated/)]);
      expect(check({ mask: 'fulfillment_response' })).toEqual([
        'mask: field mask path "fulfillment_response" is not a dotted lowerCamelCase path',
      ]);
      expect(check({ big: 1.5 })).toEqual(['big: expected int64 (number or decimal string), got number']);
      expect(check({ flag: 'true' })).toEqual(['flag: expected boolean, got string "true"']);
      expect(check({ blob: 'not base64!' })).toEqual([expect.stringMatching(/^blob: expected base64/)]);
      expect(check({ byId: { one: 'x' } })).toEqual(['byId.one: map key must be a decimal int32']);
      expect(check({ count: -1 })).toEqual(['count: -1 is out of range for uint64']);
      // protobufjs's parser lets an Any without "@type" through; Go's and Java's reject it (only {} may omit it).
      expect(check({ any: { value: '7' } }, false)).toEqual([expect.stringMatching(/^any\["@type"\]: expected type URL string/)]);
      expect(check({ any: {} })).toEqual([]);
      expect(check({ any: { '@type': 'type.googleapis.com/t.M', nope: 1 } })).toEqual([expect.stringMatching(/^any\.nope: unknown field/)]);
    });
  });
});
