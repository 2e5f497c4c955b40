/**
 * A fake Google Cloud Natural Language **v2** gRPC server for tests.
 *
 * The runtime's NLP enrichment is tested against the real `@google-cloud/language` client talking to this server
 * (never a mocked module, see DESIGN.md "Runtime facts"), so the client's own timeout, retry and error mapping are
 * part of what the tests exercise. Answers are deterministic functions of the input text, so tests can assert on
 * them, and the controls model the failure modes the webhook has to survive inside its 5 s budget: slowness,
 * error statuses, and an outage where the server accepts a call and never answers.
 *
 * Connect the real client with `new v2.LanguageServiceClient(fake.clientOptions())`, i.e.
 * `{ apiEndpoint: '127.0.0.1', port, sslCreds: grpc.credentials.createInsecure(), universeDomain: 'googleapis.com' }`.
 */
import * as path from 'node:path';
import * as fs from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { billedUnits } from '../../../runtime/src/nlp/billing';

export type LanguageRpc = 'AnalyzeSentiment' | 'AnalyzeEntities' | 'ClassifyText' | 'ModerateText' | 'AnnotateText';
/** Billing units: the API charges per feature, whichever RPC carried it. */
export type LanguageFeature = 'sentiment' | 'entities' | 'classification' | 'moderation';
export type EncodingType = 'NONE' | 'UTF8' | 'UTF16' | 'UTF32';

export const LANGUAGE_RPCS: readonly LanguageRpc[] = [
  'AnalyzeSentiment',
  'AnalyzeEntities',
  'ClassifyText',
  'ModerateText',
  'AnnotateText',
];
export const LANGUAGE_FEATURES: readonly LanguageFeature[] = ['sentiment', 'entities', 'classification', 'moderation'];

// ---- wire shapes (proto-loader with keepCase: false, enums: String, defaults: true, oneofs: true) ----

export interface TextSpan {
  content: string;
  beginOffset: number;
}
export interface Sentiment {
  magnitude: number;
  score: number;
}
export interface Sentence {
  text: TextSpan;
  sentiment: Sentiment;
}
export type EntityType =
  | 'UNKNOWN'
  | 'PERSON'
  | 'LOCATION'
  | 'ORGANIZATION'
  | 'EVENT'
  | 'WORK_OF_ART'
  | 'CONSUMER_GOOD'
  | 'OTHER'
  | 'PHONE_NUMBER'
  | 'ADDRESS'
  | 'DATE'
  | 'NUMBER'
  | 'PRICE';
export interface EntityMention {
  text: TextSpan;
  type: 'TYPE_UNKNOWN' | 'PROPER' | 'COMMON';
  probability: number;
}
export interface Entity {
  name: string;
  type: EntityType;
  metadata: Record<string, string>;
  mentions: EntityMention[];
}
export interface ClassificationCategory {
  name: string;
  confidence: number;
  /** Only filled for moderation with MODEL_VERSION_2, as the real API does; 0 (unset on the wire) otherwise. */
  severity: number;
}

interface Document {
  type: 'TYPE_UNSPECIFIED' | 'PLAIN_TEXT' | 'HTML';
  content?: string;
  gcsContentUri?: string;
  source?: 'content' | 'gcsContentUri';
  languageCode: string;
}
interface AnnotateFeatures {
  extractEntities: boolean;
  extractDocumentSentiment: boolean;
  classifyText: boolean;
  moderateText: boolean;
}
/** Union of the five request messages; each RPC reads the fields its message has. */
interface LanguageRequest {
  document?: Document | null;
  encodingType?: EncodingType;
  features?: AnnotateFeatures | null;
  modelVersion?: 'MODEL_VERSION_UNSPECIFIED' | 'MODEL_VERSION_1' | 'MODEL_VERSION_2';
}
type LanguageResponse = Record<string, unknown>;
type UnaryCall = grpc.ServerUnaryCall<LanguageRequest, LanguageResponse>;

// ---- controls and counters ----

export interface FakeLanguageServerOptions {
  /** Added to every call before it is answered (default 0). */
  latencyMs?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /** Default 0: an ephemeral port, read it back from `server.port`. */
  port?: number;
}

// A type alias, not an interface, so it is assignable to gax's index-signature ClientOptions.
export type LanguageClientOptions = {
  apiEndpoint: string;
  port: number;
  sslCreds: grpc.ChannelCredentials;
  universeDomain: string;
};

export interface FeatureCounters {
  /** Requests that asked for the feature, whether or not they were then answered. */
  calls: number;
  /** Unicode code points of `document.content` received for the feature: the unit the API bills by. */
  characters: number;
  /** Calls answered successfully that asked for the feature (what the API bills). */
  answered: number;
  /** Billed units of those answered calls, per call: ceil(chars / 1,000), moderation per 100. */
  billedUnits: number;
}

export interface FakeLanguageCounters {
  calls: Record<LanguageRpc, number>;
  totalCalls: number;
  features: Record<LanguageFeature, FeatureCounters>;
  /** Calls answered with an error, injected (failWith) or from request validation. */
  failedCalls: number;
  /** Calls the client gave up on (deadline or cancel) before the fake answered. */
  cancelledCalls: number;
  /** Metadata of the most recent call, keys lower-cased by gRPC (e.g. 'x-goog-api-client', 'x-goog-request-params'). */
  lastMetadata: Record<string, string> | undefined;
  /** The deadline (epoch ms) the client propagated on the most recent call; Infinity when it set none. */
  lastDeadlineMs: number | undefined;
  lastRequest: { rpc: LanguageRpc; request: LanguageRequest } | undefined;
}

/** Long enough to outlast any client deadline a test sets, short enough to be obviously a bug if ever reached. */
const OUTAGE_HANG_MS = 60 * 60 * 1000;

function protosDir(pkg: string): string {
  // The packages' `exports` hide package.json (google-gax), so locate build/protos from the resolved main entry
  // (build/src/index.js) rather than from a hard-coded node_modules path.
  const dir = path.resolve(path.dirname(require.resolve(pkg)), '..', 'protos');
  if (!fs.existsSync(dir)) throw new Error(`fake-language-server: no protos directory for ${pkg} at ${dir}`);
  return dir;
}

function loadLanguageService(): grpc.ServiceDefinition {
  const definition = protoLoader.loadSync('google/cloud/language/v2/language_service.proto', {
    includeDirs: [protosDir('@google-cloud/language'), protosDir('google-gax')],
    keepCase: false,
    longs: String,
    enums: String,
    // defaults + oneofs give handlers a complete request (features all present, `source` names the oneof member).
    defaults: true,
    oneofs: true,
  });
  const service = (grpc.loadPackageDefinition(definition) as unknown as Record<string, unknown> & LanguagePackage).google.cloud.language.v2
    .LanguageService.service;
  return service;
}
interface LanguagePackage {
  google: { cloud: { language: { v2: { LanguageService: { service: grpc.ServiceDefinition } } } } };
}

function emptyCounters(): FakeLanguageCounters {
  return {
    calls: { AnalyzeSentiment: 0, AnalyzeEntities: 0, ClassifyText: 0, ModerateText: 0, AnnotateText: 0 },
    totalCalls: 0,
    features: {
      sentiment: { calls: 0, characters: 0, answered: 0, billedUnits: 0 },
      entities: { calls: 0, characters: 0, answered: 0, billedUnits: 0 },
      classification: { calls: 0, characters: 0, answered: 0, billedUnits: 0 },
      moderation: { calls: 0, characters: 0, answered: 0, billedUnits: 0 },
    },
    failedCalls: 0,
    cancelledCalls: 0,
    lastMetadata: undefined,
    lastDeadlineMs: undefined,
    lastRequest: undefined,
  };
}

class RequestError extends Error {
  constructor(
    readonly code: grpc.status,
    message: string,
  ) {
    super(message);
  }
}

export class FakeLanguageServer {
  /** Start a server on an ephemeral 127.0.0.1 port. */
  static async start(options: FakeLanguageServerOptions = {}): Promise<FakeLanguageServer> {
    const server = new grpc.Server();
    const fake = new FakeLanguageServer(server, options.host ?? '127.0.0.1');
    fake.latencyMs = options.latencyMs ?? 0;
    const handlers: grpc.UntypedServiceImplementation = {};
    for (const rpc of LANGUAGE_RPCS) {
      // proto-loader keys the service definition by the rpc name as written in the proto.
      handlers[rpc] = (call: UnaryCall, callback: grpc.sendUnaryData<LanguageResponse>) => fake.handle(rpc, call, callback);
    }
    server.addService(loadLanguageService(), handlers);
    fake.port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`${fake.address}:${options.port ?? 0}`, grpc.ServerCredentials.createInsecure(), (err, port) =>
        err ? reject(err) : resolve(port),
      ),
    );
    return fake;
  }

  port = 0;
  private latencyMs = 0;
  private failure: { code: grpc.status; remaining: number } | undefined;
  private outage = false;
  private counters = emptyCounters();
  /** Timers of calls being delayed or hung, cleared on stop so jest has nothing left to wait for. */
  private readonly pending = new Set<NodeJS.Timeout>();
  private stopped = false;

  private constructor(
    private readonly server: grpc.Server,
    readonly address: string,
  ) {}

  /** `host:port`, handy for clients that take one string. */
  get target(): string {
    return `${this.address}:${this.port}`;
  }

  /**
   * Constructor options for the real `v2.LanguageServiceClient` pointing at this server. `universeDomain` is set so
   * the client doesn't look for Application Default Credentials (a GCE metadata-server probe) when it connects:
   * with `sslCreds` no credentials are used anyway.
   */
  clientOptions(): LanguageClientOptions {
    return { apiEndpoint: this.address, port: this.port, sslCreds: grpc.credentials.createInsecure(), universeDomain: 'googleapis.com' };
  }

  /** Fixed delay added before every answer (including injected errors). */
  setLatency(ms: number): void {
    this.latencyMs = ms;
  }

  /** Fail the next `count` calls (all calls until `recover()` when omitted) with `code`. Counted calls still count. */
  failWith(code: grpc.status, count?: number): void {
    this.failure = { code, remaining: count ?? Infinity };
  }

  /** Outage: accept calls and never answer, so only the client's deadline ends them. */
  setOutage(on: boolean): void {
    this.outage = on;
  }

  /** Clears failWith and the outage (latency stays: it is a property of the environment, reset() clears it). */
  recover(): void {
    this.failure = undefined;
    this.outage = false;
  }

  /** Clears counters and every control. */
  reset(): void {
    this.recover();
    this.latencyMs = 0;
    this.counters = emptyCounters();
  }

  /** A snapshot: later calls don't change what a test already read. */
  get stats(): FakeLanguageCounters {
    return structuredClone(this.counters);
  }

  /**
   * Force-shutdown: hung outage calls would otherwise keep a graceful tryShutdown waiting until their (possibly
   * 600 s default) client deadline. Clients see CANCELLED for anything still in flight.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const timer of this.pending) clearTimeout(timer);
    this.pending.clear();
    this.server.forceShutdown();
  }

  private handle(rpc: LanguageRpc, call: UnaryCall, callback: grpc.sendUnaryData<LanguageResponse>): void {
    const request = call.request;
    const counters = this.counters;
    counters.calls[rpc] += 1;
    counters.totalCalls += 1;
    counters.lastMetadata = metadataToRecord(call.metadata);
    const deadline = call.getDeadline();
    counters.lastDeadlineMs = deadline instanceof Date ? deadline.getTime() : deadline;
    counters.lastRequest = { rpc, request };
    const characters = codePoints(request.document?.content ?? '');
    const features = requestedFeatures(rpc, request);
    for (const feature of features) {
      counters.features[feature].calls += 1;
      counters.features[feature].characters += characters;
    }

    // Either the answer or the client's cancellation (deadline) settles the call; whichever comes second is a no-op.
    const state: { settled: boolean; timer?: NodeJS.Timeout } = { settled: false };
    const settle = (): void => {
      state.settled = true;
      if (state.timer) {
        clearTimeout(state.timer);
        this.pending.delete(state.timer);
      }
    };
    const answer = (err: grpc.ServerErrorResponse | null, response?: LanguageResponse): void => {
      if (state.settled) return;
      settle();
      if (err) counters.failedCalls += 1;
      else {
        for (const feature of features) {
          counters.features[feature].answered += 1;
          counters.features[feature].billedUnits += billedUnits(request.document?.content ?? '', feature);
        }
      }
      callback(err, response);
    };
    call.on('cancelled', () => {
      if (state.settled) return;
      settle();
      counters.cancelledCalls += 1;
    });

    // Decide at arrival, like a real backend would: a call that arrives during an outage stays lost even if the
    // outage ends before its deadline, and failWith counts calls in arrival order.
    const delay = this.outage ? OUTAGE_HANG_MS : this.latencyMs;
    let injected: grpc.status | undefined;
    if (!this.outage && this.failure && this.failure.remaining > 0) {
      injected = this.failure.code;
      this.failure.remaining -= 1;
      if (this.failure.remaining <= 0) this.failure = undefined;
    }
    const respond = (): void => {
      if (injected !== undefined) {
        answer(serviceError(injected, `fake-language-server: injected ${grpc.status[injected]} for ${rpc}`));
        return;
      }
      try {
        answer(null, respondTo(rpc, request));
      } catch (e) {
        if (e instanceof RequestError) answer(serviceError(e.code, e.message));
        else answer(serviceError(grpc.status.INTERNAL, `fake-language-server: ${String(e)}`));
      }
    };
    if (delay <= 0) {
      respond();
      return;
    }
    // unref: a forgotten hung call must never be what keeps a test process alive (the server handle does that
    // until stop()).
    state.timer = setTimeout(respond, delay).unref();
    this.pending.add(state.timer);
  }
}

function serviceError(code: grpc.status, details: string): grpc.ServerErrorResponse {
  return Object.assign(new Error(details), { code, details, metadata: new grpc.Metadata() });
}

function metadataToRecord(metadata: grpc.Metadata): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata.getMap())) out[key] = Buffer.isBuffer(value) ? value.toString('base64') : value;
  return out;
}

function requestedFeatures(rpc: LanguageRpc, request: LanguageRequest): LanguageFeature[] {
  switch (rpc) {
    case 'AnalyzeSentiment':
      return ['sentiment'];
    case 'AnalyzeEntities':
      return ['entities'];
    case 'ClassifyText':
      return ['classification'];
    case 'ModerateText':
      return ['moderation'];
    case 'AnnotateText': {
      const f = request.features;
      const out: LanguageFeature[] = [];
      if (f?.extractDocumentSentiment) out.push('sentiment');
      if (f?.extractEntities) out.push('entities');
      if (f?.classifyText) out.push('classification');
      if (f?.moderateText) out.push('moderation');
      return out;
    }
  }
}

// ---- the "model": deterministic analysis of the text ----

/** Languages the fake claims to support; anything else gets `languageSupported: false` and empty results. */
const SUPPORTED_LANGUAGES = new Set(['en', 'es', 'fr', 'de', 'it', 'pt', 'ja', 'ko', 'zh', 'nl', 'ru']);

function respondTo(rpc: LanguageRpc, request: LanguageRequest): LanguageResponse {
  const doc = request.document;
  if (!doc) throw new RequestError(grpc.status.INVALID_ARGUMENT, 'document is required');
  if (doc.source === 'gcsContentUri')
    throw new RequestError(grpc.status.INVALID_ARGUMENT, 'fake-language-server: gcs_content_uri is not supported');
  const text = doc.content ?? '';
  if (text.trim() === '') throw new RequestError(grpc.status.INVALID_ARGUMENT, 'The document is empty.');
  const languageCode = doc.languageCode || 'en';
  const languageSupported = SUPPORTED_LANGUAGES.has(languageCode.split('-')[0].toLowerCase());
  const encoding = request.encodingType ?? 'NONE';
  const meta = { languageCode, languageSupported };
  const sentences = () => (languageSupported ? analyzeSentences(text, encoding) : []);
  const documentSentiment = (s: Sentence[]) => (languageSupported ? aggregateSentiment(s) : { magnitude: 0, score: 0 });
  const entities = () => (languageSupported ? extractEntities(text, encoding) : []);
  const categories = () => (languageSupported ? classify(text) : []);
  const moderation = (withSeverity: boolean) => (languageSupported ? moderate(text, withSeverity) : []);

  switch (rpc) {
    case 'AnalyzeSentiment': {
      const s = sentences();
      return { documentSentiment: documentSentiment(s), sentences: s, ...meta };
    }
    case 'AnalyzeEntities':
      return { entities: entities(), ...meta };
    case 'ClassifyText':
      return { categories: categories(), ...meta };
    case 'ModerateText':
      return { moderationCategories: moderation(request.modelVersion === 'MODEL_VERSION_2'), ...meta };
    case 'AnnotateText': {
      const f = request.features;
      if (!f || !(f.extractDocumentSentiment || f.extractEntities || f.classifyText || f.moderateText)) {
        throw new RequestError(grpc.status.INVALID_ARGUMENT, 'At least one feature must be requested.');
      }
      // Only the requested parts, as the real API does: the rest stays empty/unset on the wire.
      const response: LanguageResponse = { ...meta };
      if (f.extractDocumentSentiment) {
        const s = sentences();
        response.sentences = s;
        response.documentSentiment = documentSentiment(s);
      }
      if (f.extractEntities) response.entities = entities();
      if (f.classifyText) response.categories = categories();
      if (f.moderateText) response.moderationCategories = moderation(false);
      return response;
    }
  }
}

function codePoints(s: string): number {
  let n = 0;
  for (const _ of s) n += 1;
  return n;
}

/** Offsets are reported in the units of the requested encoding; NONE means "don't compute", which the API reports as -1. */
function offsetIn(text: string, utf16Index: number, encoding: EncodingType): number {
  switch (encoding) {
    case 'UTF8':
      return Buffer.byteLength(text.slice(0, utf16Index), 'utf8');
    case 'UTF16':
      return utf16Index;
    case 'UTF32':
      return codePoints(text.slice(0, utf16Index));
    default:
      return -1;
  }
}

const round3 = (n: number): number => Math.round(n * 1000) / 1000;
const clamp = (n: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, n));

/** A small sentiment lexicon: enough to make "angry customer" and "happy customer" turns distinguishable. */
const SENTIMENT_LEXICON: Record<string, number> = {
  love: 0.9,
  great: 0.8,
  excellent: 0.9,
  amazing: 0.9,
  wonderful: 0.9,
  good: 0.6,
  nice: 0.5,
  happy: 0.8,
  thanks: 0.5,
  thank: 0.5,
  helpful: 0.6,
  perfect: 0.9,
  fine: 0.3,
  ok: 0.1,
  okay: 0.1,
  bad: -0.6,
  terrible: -0.9,
  awful: -0.9,
  horrible: -0.9,
  hate: -0.9,
  angry: -0.8,
  upset: -0.7,
  annoyed: -0.6,
  frustrated: -0.7,
  disappointed: -0.7,
  broken: -0.6,
  late: -0.4,
  wrong: -0.5,
  slow: -0.4,
  worst: -1,
  useless: -0.8,
  problem: -0.4,
  cancel: -0.3,
  refund: -0.2,
};
const NEGATORS = new Set(['not', 'no', 'never', "don't", "doesn't", "isn't", "wasn't", "didn't", "won't", "can't", 'cannot']);

function analyzeSentences(text: string, encoding: EncodingType): Sentence[] {
  const out: Sentence[] = [];
  // A sentence ends at a run of . ! ? followed by whitespace or the end ("$49.99" and "example.com" don't end one);
  // the whitespace between sentences belongs to neither.
  const re = /\S[\s\S]*?(?:[.!?]+(?=\s|$)|$)/g;
  for (const m of text.matchAll(re)) {
    out.push({ text: { content: m[0], beginOffset: offsetIn(text, m.index, encoding) }, sentiment: sentenceSentiment(m[0]) });
  }
  return out;
}

function sentenceSentiment(sentence: string): Sentiment {
  const words = sentence.toLowerCase().match(/[a-z']+/g) ?? [];
  const values: number[] = [];
  let negate = false;
  for (const w of words) {
    if (NEGATORS.has(w)) {
      negate = true;
      continue;
    }
    const v = SENTIMENT_LEXICON[w];
    if (v !== undefined) {
      values.push(negate ? -v * 0.8 : v);
      negate = false;
    }
  }
  if (values.length === 0) return { magnitude: 0, score: 0 };
  const boost = /!/.test(sentence) ? 1.2 : 1;
  const score = clamp((values.reduce((a, b) => a + b, 0) / values.length) * boost, -1, 1);
  const magnitude = values.reduce((a, b) => a + Math.abs(b), 0) * boost;
  return { magnitude: round3(magnitude), score: round3(score) };
}

function aggregateSentiment(sentences: Sentence[]): Sentiment {
  if (sentences.length === 0) return { magnitude: 0, score: 0 };
  const score = sentences.reduce((a, s) => a + s.sentiment.score, 0) / sentences.length;
  const magnitude = sentences.reduce((a, s) => a + s.sentiment.magnitude, 0);
  return { magnitude: round3(magnitude), score: round3(clamp(score, -1, 1)) };
}

const KNOWN_ORGANIZATIONS = new Set([
  'Google',
  'Acme',
  'Amazon',
  'Microsoft',
  'Apple',
  'Visa',
  'Mastercard',
  'PayPal',
  'FedEx',
  'UPS',
  'DHL',
]);
const KNOWN_LOCATIONS = new Set([
  'Paris',
  'London',
  'Berlin',
  'Madrid',
  'Tokyo',
  'New York',
  'San Francisco',
  'California',
  'France',
  'Germany',
  'Spain',
]);
const ORG_SUFFIXES = /\b(?:Inc|Corp|Ltd|LLC|GmbH|Bank|Airlines|Group)$/;
/** Capitalized words that start sentences or are pronouns are not names. */
const NOT_NAMES = new Set(
  'I Hi Hello Hey Yes No Please Thanks Thank The A An My Your Our This That What When Where Why How Can Could Would Should Is Are Was Do Does Did It We You They He She Ok Okay Sorry Dear Monday Tuesday Wednesday Thursday Friday Saturday Sunday'.split(
    ' ',
  ),
);
const COMMON_NOUNS: Record<string, EntityType> = {
  order: 'OTHER',
  package: 'CONSUMER_GOOD',
  phone: 'CONSUMER_GOOD',
  laptop: 'CONSUMER_GOOD',
  ticket: 'OTHER',
  flight: 'EVENT',
  account: 'OTHER',
  invoice: 'OTHER',
  card: 'CONSUMER_GOOD',
  customer: 'PERSON',
  agent: 'PERSON',
};
const CURRENCY_SYMBOLS: Record<string, string> = { $: 'USD', '€': 'EUR', '£': 'GBP', '¥': 'JPY' };

interface Found {
  index: number;
  length: number;
  name: string;
  type: EntityType;
  mentionType: EntityMention['type'];
  metadata: Record<string, string>;
}

function extractEntities(text: string, encoding: EncodingType): Entity[] {
  const found: Found[] = [];
  const taken: Array<[number, number]> = [];
  const overlaps = (i: number, len: number) => taken.some(([s, e]) => i < e && i + len > s);
  const add = (f: Found) => {
    if (overlaps(f.index, f.length)) return;
    taken.push([f.index, f.index + f.length]);
    found.push(f);
  };
  // Most specific patterns first; later ones skip text an earlier one claimed (an email's digits aren't a NUMBER).
  // v2 has no EMAIL entity type, so addresses come back as OTHER with the address in metadata.
  for (const m of text.matchAll(/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g))
    add({ index: m.index, length: m[0].length, name: m[0], type: 'OTHER', mentionType: 'PROPER', metadata: { email: m[0] } });
  for (const m of text.matchAll(/(?:([$€£¥])\s?(\d+(?:[.,]\d{1,2})?)|(\d+(?:\.\d{1,2})?)\s?(dollars|euros|USD|EUR|GBP))/g)) {
    const currency = m[1] ? CURRENCY_SYMBOLS[m[1]] : (({ dollars: 'USD', euros: 'EUR' } as Record<string, string>)[m[4]] ?? m[4]);
    const value = (m[2] ?? m[3]).replace(',', '.');
    add({ index: m.index, length: m[0].length, name: m[0], type: 'PRICE', mentionType: 'TYPE_UNKNOWN', metadata: { currency, value } });
  }
  for (const m of text.matchAll(/\b(\d{4})-(\d{2})-(\d{2})\b/g))
    add({
      index: m.index,
      length: m[0].length,
      name: m[0],
      type: 'DATE',
      mentionType: 'TYPE_UNKNOWN',
      metadata: { year: String(+m[1]), month: String(+m[2]), day: String(+m[3]) },
    });
  for (const m of text.matchAll(/\+?\d[\d\s().-]{7,}\d/g))
    add({
      index: m.index,
      length: m[0].length,
      name: m[0],
      type: 'PHONE_NUMBER',
      mentionType: 'TYPE_UNKNOWN',
      metadata: { number: m[0].replace(/[^\d+]/g, '') },
    });
  for (const m of text.matchAll(/\b\d+(?:\.\d+)?\b/g))
    add({ index: m.index, length: m[0].length, name: m[0], type: 'NUMBER', mentionType: 'TYPE_UNKNOWN', metadata: { value: m[0] } });
  // Runs of capitalized words ("Jane Doe", "Acme Corp", "New York"), minus leading sentence starters ("Hi Jane").
  for (const m of text.matchAll(/\b[A-Z][a-zA-Z]*(?:\s+[A-Z][a-zA-Z]*)*/g)) {
    const words = [...m[0].matchAll(/[A-Z][a-zA-Z]*/g)];
    const first = words.findIndex((w) => !NOT_NAMES.has(w[0]));
    if (first < 0) continue;
    const index = m.index + words[first].index;
    const name = text.slice(index, m.index + m[0].length);
    const type: EntityType = KNOWN_LOCATIONS.has(name)
      ? 'LOCATION'
      : KNOWN_ORGANIZATIONS.has(name) || ORG_SUFFIXES.test(name)
        ? 'ORGANIZATION'
        : 'PERSON';
    // Real responses carry a knowledge-graph mid and a Wikipedia URL for well-known entities, nothing for people.
    const metadata: Record<string, string> =
      type === 'PERSON'
        ? {}
        : {
            mid: `/m/fake_${name.toLowerCase().replace(/\W+/g, '_')}`,
            wikipedia_url: `https://en.wikipedia.org/wiki/${name.replace(/ /g, '_')}`,
          };
    add({ index, length: name.length, name, type, mentionType: 'PROPER', metadata });
  }
  for (const m of text.matchAll(/\b[a-z]+\b/g)) {
    const type = COMMON_NOUNS[m[0]];
    if (type) add({ index: m.index, length: m[0].length, name: m[0], type, mentionType: 'COMMON', metadata: {} });
  }

  // One entity per (name, type), mentions in text order, entities in order of first mention.
  found.sort((a, b) => a.index - b.index);
  const byKey = new Map<string, Entity>();
  for (const f of found) {
    const key = `${f.type}\u0000${f.name.toLowerCase()}`;
    let entity = byKey.get(key);
    if (!entity) {
      entity = { name: f.name, type: f.type, metadata: f.metadata, mentions: [] };
      byKey.set(key, entity);
    }
    const probability = f.mentionType === 'PROPER' ? 0.9 : f.mentionType === 'COMMON' ? 0.7 : 1;
    entity.mentions.push({
      text: { content: text.slice(f.index, f.index + f.length), beginOffset: offsetIn(text, f.index, encoding) },
      type: f.mentionType,
      probability,
    });
  }
  return [...byKey.values()];
}

/** v2 content categories (a small subset of the V2 taxonomy) keyed by trigger words. */
const CATEGORY_KEYWORDS: Record<string, string[]> = {
  '/Finance/Banking': ['bank', 'account', 'transfer', 'balance', 'deposit'],
  '/Finance/Credit & Lending/Credit Cards': ['card', 'credit', 'visa', 'mastercard'],
  '/Shopping/Other': ['order', 'refund', 'return', 'purchase', 'price', 'invoice'],
  '/Business & Industrial/Shipping & Logistics/Mail & Package Delivery': [
    'delivery',
    'package',
    'shipping',
    'parcel',
    'tracking',
    'courier',
  ],
  '/Travel & Transportation/Air Travel': ['flight', 'airport', 'airline', 'boarding', 'luggage'],
  '/Travel & Transportation/Hotels & Accommodations': ['hotel', 'room', 'reservation', 'booking'],
  '/Computers & Electronics/Consumer Electronics': ['phone', 'laptop', 'screen', 'battery', 'charger'],
  '/Internet & Telecom/Service Providers': ['internet', 'wifi', 'router', 'broadband', 'outage'],
  '/Health/Health Conditions': ['doctor', 'appointment', 'prescription', 'symptoms', 'pain'],
};

function wordsOf(text: string): string[] {
  return text.toLowerCase().match(/[a-z']+/g) ?? [];
}

function classify(text: string): ClassificationCategory[] {
  const words = wordsOf(text);
  const out: ClassificationCategory[] = [];
  for (const [name, keywords] of Object.entries(CATEGORY_KEYWORDS)) {
    const hits = words.filter((w) => keywords.includes(w)).length;
    if (hits > 0) out.push({ name, confidence: round3(Math.min(0.99, 0.45 + 0.15 * hits)), severity: 0 });
  }
  return out.sort((a, b) => b.confidence - a.confidence || a.name.localeCompare(b.name));
}

/** The v2 moderation categories, all returned on every call as the real API does, each with its trigger words. */
const MODERATION_KEYWORDS: Array<[string, string[]]> = [
  ['Toxic', ['idiot', 'stupid', 'hate', 'shut', 'damn', 'crap', 'shit', 'kill', 'moron']],
  ['Insult', ['idiot', 'stupid', 'moron', 'useless', 'incompetent', 'dumb']],
  ['Profanity', ['damn', 'crap', 'shit', 'hell', 'fuck', 'fucking']],
  ['Derogatory', ['moron', 'dumb']],
  ['Sexual', ['sexy', 'nude', 'porn']],
  ['Death, Harm & Tragedy', ['die', 'died', 'death', 'dead', 'accident', 'injured']],
  ['Violent', ['kill', 'hurt', 'attack', 'punch', 'shoot']],
  ['Firearms & Weapons', ['gun', 'guns', 'rifle', 'knife', 'weapon', 'shoot']],
  ['Public Safety', ['police', 'fire', 'emergency', 'evacuate']],
  ['Health', ['doctor', 'prescription', 'symptoms', 'pain', 'hospital']],
  ['Religion & Belief', ['god', 'church', 'pray', 'religion']],
  ['Illicit Drugs', ['cocaine', 'heroin', 'weed', 'drugs']],
  ['War & Conflict', ['war', 'army', 'bomb', 'military']],
  ['Politics', ['election', 'vote', 'president', 'government', 'senator']],
  ['Finance', ['bank', 'money', 'credit', 'loan', 'refund', 'payment', 'invoice']],
  ['Legal', ['lawyer', 'sue', 'lawsuit', 'court', 'legal']],
];

function moderate(text: string, withSeverity: boolean): ClassificationCategory[] {
  const words = wordsOf(text);
  return MODERATION_KEYWORDS.map(([name, keywords], i) => {
    const hits = words.filter((w) => keywords.includes(w)).length;
    // A small non-zero floor that differs per category, like the real classifier's background scores.
    const confidence = round3(Math.min(0.99, 0.01 + i * 0.002 + 0.35 * hits));
    const severity = withSeverity ? round3(Math.min(0.99, 0.25 * hits)) : 0;
    return { name, confidence, severity };
  });
}
