import { parseFormRules } from '../../runtime/src/handlers/form-validation';
import { validateProtoJson } from './support/proto-json';
import { TestRuntime, cxRequest, esRequest, replyParameters, startRuntime, validReply } from './support/runtime-harness';

/**
 * What Dialogflow does with our replies, beyond their being valid protos: CX form validation
 * (parameter states), ES output contexts (a reply's contexts replace the session's), and
 * retried turns (the first reply, byte for byte).
 */

const FORM_RULES = {
  version: 1,
  parameters: {
    amount: { type: 'number', min: 1, max: 10_000, reprompt: 'How much would you like to send, between 1 and 10,000?' },
    account: { type: 'string', pattern: '[0-9]{8}', reprompt: 'Your account number has 8 digits.' },
    currency: { type: 'string', allowed: ['EUR', 'USD', 'GBP'] },
    travel_date: { type: 'date', min: '2026-01-01', max: '2027-12-31' },
    installments: { type: 'integer', min: 1, max: 12 },
  },
};

const SESSION = 'projects/p/locations/global/agents/a/sessions/form-1';

function formRequest(parameters: { displayName: string; value?: unknown; state?: string; justCollected?: boolean }[]) {
  const parameterInfo = parameters.map(({ displayName, value, state, justCollected }) => ({
    displayName,
    required: true,
    state: state ?? (value === undefined ? 'EMPTY' : 'FILLED'),
    ...(value !== undefined && { value }),
    ...(justCollected && { justCollected }),
  }));
  const values = Object.fromEntries(parameters.filter((p) => p.value !== undefined).map((p) => [p.displayName, p.value]));
  return cxRequest('50000', 'validate-form', {
    pageInfo: {
      currentPage: 'projects/p/locations/global/agents/a/flows/f/pages/transfer',
      displayName: 'Transfer',
      formInfo: { parameterInfo },
    },
    sessionInfo: { session: SESSION, parameters: values },
  });
}

const session = 'projects/p/agent/sessions/ctx-1';

describe('protocol fidelity', () => {
  let runtime: TestRuntime;
  beforeAll(async () => {
    runtime = await startRuntime(
      { FORM_RULES_JSON: JSON.stringify(FORM_RULES), RATE_LIMIT_PER_MINUTE: '10000' },
      {
        registerHandlers: (registry) =>
          registry
            .register('end-order-context', {
              sideEffects: false,
              handle: () => ({ messages: ['Order placed.'], contexts: [{ name: 'order-followup', lifespanCount: 0 }] }),
            })
            .register('set-context', {
              sideEffects: false,
              handle: () => ({ contexts: [{ name: 'awaiting-receipt', lifespanCount: 2, parameters: { receipt: 'R-1' } }] }),
            }),
      },
    );
  });
  afterAll(async () => {
    await runtime.close();
  });

  describe('CX form validation (validate-form)', () => {
    test('the request fixtures are valid CX WebhookRequests', () => {
      const request = formRequest([
        { displayName: 'amount', value: 50_000, justCollected: true },
        { displayName: 'currency', value: 'eur' },
      ]);
      expect(validateProtoJson('cx', 'WebhookRequest', request)).toEqual([]);
    });

    test('an out-of-range value is INVALID: cleared in the session, reprompted, and the reply is a valid WebhookResponse', async () => {
      const reply = await validReply(
        await runtime.post('/webhook/cx', formRequest([{ displayName: 'amount', value: 50_000, justCollected: true }])),
        'cx',
      );
      expect(reply.pageInfo.formInfo.parameterInfo).toEqual([{ displayName: 'amount', state: 'INVALID' }]);
      expect(replyParameters(reply)).toHaveProperty('amount', null);
      expect(reply.fulfillmentResponse.messages).toEqual([{ text: { text: [FORM_RULES.parameters.amount.reprompt] } }]);
      expect(replyParameters(reply).webhook_degraded).toBe(false);
    });

    test('a value that only needs normalizing is FILLED with the canonical value, in the form and the session', async () => {
      const reply = await validReply(
        await runtime.post(
          '/webhook/cx',
          formRequest([
            { displayName: 'currency', value: 'eur', justCollected: true },
            { displayName: 'amount', value: '1,200' },
          ]),
        ),
        'cx',
      );
      expect(reply.pageInfo.formInfo.parameterInfo).toEqual([
        { displayName: 'currency', state: 'FILLED', value: 'EUR' },
        { displayName: 'amount', state: 'FILLED', value: 1200 },
      ]);
      expect(replyParameters(reply)).toMatchObject({ currency: 'EUR', amount: 1200 });
      expect(reply.fulfillmentResponse.messages).toEqual([]);
    });

    test('several invalid values: each is INVALID, and only the first one is reprompted', async () => {
      const reply = await validReply(
        await runtime.post(
          '/webhook/cx',
          formRequest([
            { displayName: 'account', value: '1234' },
            { displayName: 'travel_date', value: { year: 2025, month: 2, day: 3 } },
            { displayName: 'installments', value: 2.5 },
            { displayName: 'currency', value: 'JPY' },
          ]),
        ),
        'cx',
      );
      expect(reply.pageInfo.formInfo.parameterInfo.map((p: { displayName: string; state: string }) => [p.displayName, p.state])).toEqual([
        ['account', 'INVALID'],
        ['travel_date', 'INVALID'],
        ['installments', 'INVALID'],
        ['currency', 'INVALID'],
      ]);
      expect(reply.fulfillmentResponse.messages).toEqual([{ text: { text: [FORM_RULES.parameters.account.reprompt] } }]);
    });

    test('valid values, empty parameters and parameters without a rule are left alone: no pageInfo in the reply', async () => {
      const reply = await validReply(
        await runtime.post(
          '/webhook/cx',
          formRequest([
            { displayName: 'amount', value: 250 },
            { displayName: 'account', value: '12345678' },
            { displayName: 'travel_date', value: { year: 2026, month: 7, day: 14 } },
            { displayName: 'installments' },
            { displayName: 'nickname', value: '((' },
          ]),
        ),
        'cx',
      );
      expect(reply.pageInfo).toBeUndefined();
      expect(replyParameters(reply)).not.toHaveProperty('amount');
    });

    test('a date the calendar does not have is INVALID', async () => {
      const reply = await validReply(
        await runtime.post('/webhook/cx', formRequest([{ displayName: 'travel_date', value: { year: 2026, month: 2, day: 30 } }])),
        'cx',
      );
      expect(reply.pageInfo.formInfo.parameterInfo).toEqual([{ displayName: 'travel_date', state: 'INVALID' }]);
    });

    test('hostile form shapes never break the reply', async () => {
      for (const formInfo of [
        { parameterInfo: 'x' },
        { parameterInfo: [null, 1, { state: 'FILLED' }] },
        { parameterInfo: [{ displayName: 'amount', state: 'FILLED', value: { nested: [1] } }] },
      ]) {
        const request = cxRequest('x', 'validate-form', {
          pageInfo: { currentPage: 'projects/p/locations/global/agents/a/flows/f/pages/t', formInfo },
        });
        await validReply(await runtime.post('/webhook/cx', request), 'cx');
      }
    });

    test('rules that cannot mean anything are refused at start-up, naming the parameter and the fix', () => {
      expect(() => parseFormRules({ version: 1, parameters: { amount: { type: 'number', min: 10, max: 1 } } }, 'FORM_RULES_JSON')).toThrow(
        /parameters\.amount: min is greater than max/,
      );
      expect(() => parseFormRules({ version: 1, parameters: { code: { type: 'string', pattern: '(a+)+$' } } }, 'FORM_RULES_JSON')).toThrow(
        /parameters\.code\.pattern: may take exponential time/,
      );
      expect(() => parseFormRules({ version: 1, parameters: { n: { type: 'number', pattern: '[0-9]+' } } }, 'FORM_RULES_JSON')).toThrow(
        /only apply to type string/,
      );
      expect(() => parseFormRules({ version: 1, parameters: { d: { type: 'date', min: 5 } } }, 'FORM_RULES_JSON')).toThrow(
        /parameters\.d\.min/,
      );
      expect(() => parseFormRules({ version: 1, parameters: { d: { type: 'string', maxlength: 5 } } }, 'FORM_RULES_JSON')).toThrow(
        /Unrecognized key/,
      );
      expect(() => parseFormRules({ version: 2, parameters: {} }, 'FORM_RULES_JSON')).toThrow(/version/);
    });

    test('a runtime configured with bad rules does not start, and says which variable', async () => {
      await expect(startRuntime({ FORM_RULES_JSON: '{"version":1,' })).rejects.toThrow(/FORM_RULES_JSON: not JSON/);
      await expect(startRuntime({ FORM_RULES_FILE: '/nonexistent/rules.json' })).rejects.toThrow(/FORM_RULES_FILE: cannot read/);
    });
  });

  describe('ES output contexts', () => {
    const agentContexts = [
      { name: `${session}/contexts/order-followup`, lifespanCount: 4, parameters: { order: 'A-17', 'order.original': 'A 17' } },
      { name: `${session}/contexts/__system_counters__`, lifespanCount: 1, parameters: { 'no-input': 0, 'no-match': 1 } },
      { name: `${session}/contexts/convai-session`, lifespanCount: 49, parameters: { nlp_negative_turns: 1 } },
    ];
    const request = (action: string) => {
      const base = esRequest('where is my card', action, { session });
      (base.queryResult as Record<string, unknown>).outputContexts = agentContexts;
      return base;
    };

    test('the request fixture is a valid ES WebhookRequest', () => {
      expect(validateProtoJson('es', 'WebhookRequest', request('enrich'))).toEqual([]);
    });

    test('every context the request carried goes back with its lifespan and parameters, ours refreshed', async () => {
      const reply = await validReply(await runtime.post('/webhook/es', request('enrich')), 'es');
      const byId = Object.fromEntries(reply.outputContexts.map((c: { name: string }) => [c.name.split('/contexts/')[1], c]));
      expect(Object.keys(byId).sort()).toEqual(['__system_counters__', 'convai-session', 'order-followup']);
      expect(byId['order-followup']).toEqual(agentContexts[0]);
      expect(byId.__system_counters__).toEqual(agentContexts[1]);
      expect(byId['convai-session'].lifespanCount).toBe(50);
      expect(replyParameters(reply).nlp_negative_turns).toBe(1);
    });

    test('a handler can end a context (lifespan 0) and set a new one; the others stay', async () => {
      const ended = await validReply(await runtime.post('/webhook/es', request('end-order-context')), 'es');
      expect(ended.outputContexts).toContainEqual({ ...agentContexts[0], lifespanCount: 0 });
      expect(ended.outputContexts).toContainEqual(agentContexts[1]);

      const set = await validReply(await runtime.post('/webhook/es', request('set-context')), 'es');
      expect(set.outputContexts).toContainEqual({
        name: `${session}/contexts/awaiting-receipt`,
        lifespanCount: 2,
        parameters: { receipt: 'R-1' },
      });
      expect(set.outputContexts).toContainEqual(agentContexts[0]);
    });
  });

  test('ES: session parameters persist across turns whatever the next handler sets, as they do on CX', async () => {
    const first = await validReply(
      await runtime.post('/webhook/es', esRequest('I sent 250 euros to my landlord on Friday', 'capture-entities', { session })),
      'es',
    );
    expect(replyParameters(first).captured_date).toBe('Friday');
    const next = esRequest('thanks', 'enrich', { session });
    (next.queryResult as Record<string, unknown>).outputContexts = first.outputContexts;
    const second = await validReply(await runtime.post('/webhook/es', next), 'es');
    expect(replyParameters(second).captured_date).toBe('Friday');
  });

  describe('retried turns', () => {
    test('a repeated turn on a handler without side effects gets the first reply byte for byte, and is recorded once', async () => {
      const first = cxRequest('This is awful and I am furious', 'sentiment-escalation', {
        sessionInfo: { session: 'projects/p/locations/global/agents/a/sessions/retry-1', parameters: {} },
      });
      const before = runtime.logs.events('webhook.turn').length;
      const a = await (await runtime.post('/webhook/cx', first)).text();
      const b = await (await runtime.post('/webhook/cx', first)).text();
      expect(b).toBe(a);
      expect(runtime.logs.events('webhook.turn').length - before).toBe(1);
    });

    test('a different tag on the same response id is a different turn', async () => {
      const request = cxRequest('hello', 'enrich');
      const a = await (await runtime.post('/webhook/cx', request)).text();
      const b = await (await runtime.post('/webhook/cx', { ...request, fulfillmentInfo: { tag: 'capture-entities' } })).text();
      expect(b).not.toBe(a);
    });
  });

  test('an unknown tag is not a degradation', async () => {
    const reply = await validReply(await runtime.post('/webhook/cx', cxRequest('hello', 'no-such-tag')), 'cx');
    expect(replyParameters(reply).webhook_degraded).toBe(false);
    expect(replyParameters(reply).webhook_degraded_reasons).toEqual([]);
  });
});
