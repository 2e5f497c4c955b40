/**
 * Strict proto3-JSON validation of Dialogflow webhook messages against the published protos.
 *
 * Dialogflow parses the webhook's HTTP body with a proto3 JSON parser: a misspelt key, a number where a string
 * belongs or an array where a message belongs makes CX reject the whole reply (it becomes a `webhook.error` event
 * and the user hears the fallback). Type-checking our TypeScript interfaces can't catch that, because the
 * interfaces are ours; this checks the JSON against Google's own .proto definitions instead.
 *
 * Strict on purpose: unknown fields are problems here, even though the runtime must *accept* unknown fields in
 * requests (CX sends undocumented ones). Use it on what we send, and on request fixtures to keep them realistic.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as protobuf from 'protobufjs';

export type WebhookFlavor = 'cx' | 'es';
export type WebhookMessageName = 'WebhookResponse' | 'WebhookRequest';

export interface WebhookTypes {
  /** google.cloud.dialogflow.cx.v3 (from @google-cloud/dialogflow-cx). */
  cx: protobuf.Root;
  /** google.cloud.dialogflow.v2 (from @google-cloud/dialogflow), the ES webhook format. */
  es: protobuf.Root;
}

const WEBHOOK_PROTOS: Record<WebhookFlavor, { pkg: string; file: string; namespace: string }> = {
  cx: {
    pkg: '@google-cloud/dialogflow-cx',
    file: 'google/cloud/dialogflow/cx/v3/webhook.proto',
    namespace: 'google.cloud.dialogflow.cx.v3',
  },
  es: { pkg: '@google-cloud/dialogflow', file: 'google/cloud/dialogflow/v2/webhook.proto', namespace: 'google.cloud.dialogflow.v2' },
};

function protosDir(pkg: string): string {
  // `exports` hides package.json in some of these packages, so go from the resolved main (build/src/index.js).
  const dir = path.resolve(path.dirname(require.resolve(pkg)), '..', 'protos');
  if (!fs.existsSync(dir)) throw new Error(`proto-json: no protos directory for ${pkg} at ${dir}`);
  return dir;
}

function loadRoot(flavor: WebhookFlavor): protobuf.Root {
  const { pkg, file } = WEBHOOK_PROTOS[flavor];
  // The package's own protos first, then google-gax's copies of google/api, google/rpc, google/type and
  // google/protobuf/descriptor.proto. The JSON-relevant google/protobuf types (struct, duration, ...) come from
  // protobufjs's bundled definitions, which it prefers over files.
  const includeDirs = [protosDir(pkg), protosDir('google-gax')];
  const root = new protobuf.Root();
  root.resolvePath = (_origin: string, target: string): string => {
    for (const dir of includeDirs) {
      const candidate = path.join(dir, target);
      if (fs.existsSync(candidate)) return candidate;
    }
    return target; // let the load fail naming the missing import
  };
  // keepCase: field.name stays the .proto (snake_case) name and field.jsonName is the lowerCamelCase one.
  root.loadSync(file, { keepCase: true });
  root.resolveAll();
  return root;
}

let cached: WebhookTypes | undefined;

/** Loads (once per process) the CX v3 and ES v2 webhook protos with everything they import. */
export function loadWebhookTypes(): WebhookTypes {
  cached ??= { cx: loadRoot('cx'), es: loadRoot('es') };
  return cached;
}

/** The reflected message type, e.g. webhookType('cx', 'WebhookResponse'). */
export function webhookType(flavor: WebhookFlavor, messageName: WebhookMessageName): protobuf.Type {
  return loadWebhookTypes()[flavor].lookupType(`${WEBHOOK_PROTOS[flavor].namespace}.${messageName}`);
}

/**
 * Problems with `json` as the proto3 JSON form of the webhook message; empty when valid. Each problem starts
 * with the path of the offending value, e.g. `fulfillmentResponse.messages[0].text.text[0]: expected string, got number`.
 */
export function validateProtoJson(flavor: WebhookFlavor, messageName: WebhookMessageName, json: unknown): string[] {
  return validateMessageJson(webhookType(flavor, messageName), json);
}

/** The same check for any reflected message type. */
export function validateMessageJson(type: protobuf.Type, json: unknown): string[] {
  const problems: string[] = [];
  checkMessage(type, json, '', problems);
  return problems;
}

// ---- the walk ----

type Problems = string[];

const INT32 = { min: -(2n ** 31n), max: 2n ** 31n - 1n };
const UINT32 = { min: 0n, max: 2n ** 32n - 1n };
const INT64 = { min: -(2n ** 63n), max: 2n ** 63n - 1n };
const UINT64 = { min: 0n, max: 2n ** 64n - 1n };
const INTEGER_RANGES: Record<string, { min: bigint; max: bigint }> = {
  int32: INT32,
  sint32: INT32,
  sfixed32: INT32,
  uint32: UINT32,
  fixed32: UINT32,
  int64: INT64,
  sint64: INT64,
  sfixed64: INT64,
  uint64: UINT64,
  fixed64: UINT64,
};
const IS_64_BIT = new Set(['int64', 'sint64', 'sfixed64', 'uint64', 'fixed64']);
const FLOAT_MAX = 3.4028234663852886e38;
/** Seconds bound of google.protobuf.Duration: ±10,000 years. */
const DURATION_MAX_SECONDS = 315_576_000_000n;

/** Wrapper message full name -> the scalar type whose JSON form it takes. */
const WRAPPERS: Record<string, string> = {
  'google.protobuf.DoubleValue': 'double',
  'google.protobuf.FloatValue': 'float',
  'google.protobuf.Int64Value': 'int64',
  'google.protobuf.UInt64Value': 'uint64',
  'google.protobuf.Int32Value': 'int32',
  'google.protobuf.UInt32Value': 'uint32',
  'google.protobuf.BoolValue': 'bool',
  'google.protobuf.StringValue': 'string',
  'google.protobuf.BytesValue': 'bytes',
};

function fullName(t: protobuf.ReflectionObject): string {
  return t.fullName.replace(/^\./, '');
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  // Realm-independent: objects from JSON.parse/structuredClone/fetch in another realm (jest runs tests in a vm
  // context) have that realm's Object.prototype, so compare shapes, not identities. Class instances (Date, Map)
  // have a prototype that itself has a prototype.
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === null || Object.getPrototypeOf(proto) === null;
}

/** A JSON-ish name for what was found, so messages read "got array" rather than "got object". */
function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : Number.isFinite(v) ? 'number' : String(v);
  if (typeof v === 'string') return `string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v)}`;
  if (typeof v === 'object') return isPlainObject(v) ? 'object' : (v.constructor?.name ?? 'object');
  return typeof v;
}

function join(base: string, key: string): string {
  if (/^[A-Za-z_$][\w$]*$/.test(key)) return base ? `${base}.${key}` : key;
  return `${base}[${JSON.stringify(key)}]`;
}

function at(p: string): string {
  return p || '(root)';
}

function expected(problems: Problems, p: string, what: string, got: unknown): void {
  problems.push(`${at(p)}: expected ${what}, got ${describe(got)}`);
}

function checkMessage(type: protobuf.Type, json: unknown, p: string, problems: Problems): void {
  const name = fullName(type);
  if (checkWellKnown(name, type, json, p, problems)) return;
  if (!isPlainObject(json)) return expected(problems, p, `object (${name})`, json);

  // A proto3 JSON parser accepts the lowerCamelCase json name and the original field name for every field.
  const byKey = new Map<string, protobuf.Field>();
  for (const field of type.fieldsArray) {
    byKey.set(field.jsonName, field);
    byKey.set(field.name, field);
  }
  const seen = new Map<protobuf.Field, string>();
  for (const [key, value] of Object.entries(json)) {
    // JSON.stringify drops undefined-valued keys, so on the wire they are absent.
    if (value === undefined) continue;
    const kp = join(p, key);
    const field = byKey.get(key);
    if (!field) {
      problems.push(`${kp}: unknown field (${name} has ${type.fieldsArray.map((f) => f.jsonName).join(', ')})`);
      continue;
    }
    const twin = seen.get(field);
    if (twin !== undefined) {
      problems.push(`${kp}: field set twice (also as "${twin}")`);
      continue;
    }
    seen.set(field, key);
    checkField(field, value, kp, problems);
  }

  for (const oneof of type.oneofsArray) {
    // null is "not set" for a oneof member, except for google.protobuf.Value, where null is the null_value member.
    const set = oneof.fieldsArray.filter((f) => seen.has(f) && (json[seen.get(f)!] !== null || isValueType(f)));
    if (set.length > 1) {
      problems.push(`${at(p)}: oneof ${oneof.name} has more than one member set: ${set.map((f) => seen.get(f)).join(', ')}`);
    }
  }
}

function isValueType(field: protobuf.Field): boolean {
  return field.resolvedType !== null && fullName(field.resolvedType) === 'google.protobuf.Value';
}

function checkField(field: protobuf.Field, value: unknown, p: string, problems: Problems): void {
  // null means "default" for any field (and null_value for a singular google.protobuf.Value).
  if (value === null) return;
  if (field instanceof protobuf.MapField) {
    if (!isPlainObject(value)) return expected(problems, p, `object (map<${field.keyType}, ${field.type}>)`, value);
    for (const [key, v] of Object.entries(value)) {
      if (v === undefined) continue;
      const kp = join(p, key);
      checkMapKey(field.keyType, key, kp, problems);
      if (v === null && !isValueType(field)) expected(problems, kp, `${field.type} (null is not a valid map value)`, v);
      else checkSingle(field, v, kp, problems);
    }
    return;
  }
  if (field.repeated) {
    if (!Array.isArray(value)) return expected(problems, p, `array (repeated ${field.type})`, value);
    value.forEach((v, i) => {
      const ip = `${p}[${i}]`;
      if (v === null && !isValueType(field)) expected(problems, ip, `${field.type} (null is not a valid list element)`, v);
      else if (v === undefined) expected(problems, ip, `${field.type} (undefined serialises as null)`, v);
      else checkSingle(field, v, ip, problems);
    });
    return;
  }
  checkSingle(field, value, p, problems);
}

function checkMapKey(keyType: string, key: string, p: string, problems: Problems): void {
  if (keyType === 'string') return;
  if (keyType === 'bool') {
    if (key !== 'true' && key !== 'false') problems.push(`${at(p)}: map key must be "true" or "false" for map<bool, ...>`);
    return;
  }
  const range = INTEGER_RANGES[keyType];
  if (range && !(/^-?\d+$/.test(key) && BigInt(key) >= range.min && BigInt(key) <= range.max)) {
    problems.push(`${at(p)}: map key must be a decimal ${keyType}`);
  }
}

function checkSingle(field: protobuf.Field, value: unknown, p: string, problems: Problems): void {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) return checkMessage(resolved, value, p, problems);
  if (resolved instanceof protobuf.Enum) return checkEnum(resolved, value, p, problems);
  checkScalar(field.type, value, p, problems);
}

function checkEnum(e: protobuf.Enum, value: unknown, p: string, problems: Problems): void {
  if (fullName(e) === 'google.protobuf.NullValue') {
    if (value !== null && value !== 'NULL_VALUE' && value !== 0) expected(problems, p, 'null (google.protobuf.NullValue)', value);
    return;
  }
  if (typeof value === 'string') {
    if (!Object.prototype.hasOwnProperty.call(e.values, value)) {
      problems.push(`${at(p)}: unknown ${fullName(e)} value ${JSON.stringify(value)} (one of ${Object.keys(e.values).join(', ')})`);
    }
    return;
  }
  // Enums are open in proto3: any int32 is accepted, even without a name.
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || BigInt(value) < INT32.min || BigInt(value) > INT32.max)
      expected(problems, p, `int32 enum number`, value);
    return;
  }
  expected(problems, p, `enum ${fullName(e)} name (string) or number`, value);
}

function checkScalar(scalar: string, value: unknown, p: string, problems: Problems): void {
  switch (scalar) {
    case 'string':
      if (typeof value !== 'string') expected(problems, p, 'string', value);
      return;
    case 'bool':
      if (typeof value !== 'boolean') expected(problems, p, 'boolean', value);
      return;
    case 'bytes':
      if (typeof value !== 'string') expected(problems, p, 'base64 string (bytes)', value);
      else if (!isBase64(value)) problems.push(`${at(p)}: expected base64 (bytes), got ${describe(value)}`);
      return;
    case 'double':
    case 'float':
      return checkFloat(scalar, value, p, problems);
    default: {
      const range = INTEGER_RANGES[scalar];
      if (!range) {
        problems.push(`${at(p)}: proto-json cannot check scalar type ${scalar}`);
        return;
      }
      checkInteger(scalar, range, value, p, problems);
    }
  }
}

function checkInteger(scalar: string, range: { min: bigint; max: bigint }, value: unknown, p: string, problems: Problems): void {
  const what = IS_64_BIT.has(scalar) ? `${scalar} (number or decimal string)` : `${scalar} (number)`;
  let n: bigint;
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return expected(problems, p, what, value);
    n = BigInt(value);
  } else if (typeof value === 'string') {
    // Parsers accept quoted integers for every integer type; 64-bit ones are normally written that way.
    if (!/^-?\d+$/.test(value)) return expected(problems, p, what, value);
    n = BigInt(value);
  } else {
    return expected(problems, p, what, value);
  }
  if (n < range.min || n > range.max) problems.push(`${at(p)}: ${String(value)} is out of range for ${scalar}`);
}

function checkFloat(scalar: 'double' | 'float', value: unknown, p: string, problems: Problems): void {
  let n: number;
  if (typeof value === 'number') {
    // JSON has no NaN/Infinity: JSON.stringify would send null. The mapping spells them as strings.
    if (!Number.isFinite(value))
      return expected(problems, p, `${scalar} (non-finite values must be the strings "NaN", "Infinity", "-Infinity")`, value);
    n = value;
  } else if (typeof value === 'string') {
    if (value === 'NaN' || value === 'Infinity' || value === '-Infinity') return;
    if (!/^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/.test(value)) return expected(problems, p, scalar, value);
    n = Number(value);
  } else {
    return expected(problems, p, `${scalar} (number)`, value);
  }
  if (scalar === 'float' && Math.abs(n) > FLOAT_MAX) problems.push(`${at(p)}: ${String(value)} is out of range for float`);
}

function isBase64(s: string): boolean {
  // Standard or URL-safe alphabet, padding optional, as proto3 JSON parsers accept.
  const body = s.replace(/={1,2}$/, '');
  return /^[A-Za-z0-9+/\-_]*$/.test(body) && body.length % 4 !== 1 && (s === body || s.length % 4 === 0);
}

// ---- well-known types: their JSON form is not the object form of their fields ----

/** The types checkWellKnown handles; inside an Any these are written as {"@type", "value"}. */
const SPECIAL_JSON = new Set([
  ...Object.keys(WRAPPERS),
  'google.protobuf.Struct',
  'google.protobuf.Value',
  'google.protobuf.ListValue',
  'google.protobuf.Duration',
  'google.protobuf.Timestamp',
  'google.protobuf.FieldMask',
  'google.protobuf.Empty',
  'google.protobuf.Any',
]);

/** Returns true when `name` is a well-known type with a special JSON mapping (and has been checked). */
function checkWellKnown(name: string, type: protobuf.Type, json: unknown, p: string, problems: Problems): boolean {
  const wrapped = WRAPPERS[name];
  if (wrapped) {
    // A wrapper's JSON is the bare wrapped value (null means unset, handled by the caller).
    const valueField = type.fields.value;
    if (valueField.resolvedType) checkSingle(valueField, json, p, problems);
    else checkScalar(wrapped, json, p, problems);
    return true;
  }
  switch (name) {
    case 'google.protobuf.Struct':
      if (!isPlainObject(json)) expected(problems, p, 'object (google.protobuf.Struct)', json);
      else for (const [k, v] of Object.entries(json)) if (v !== undefined) checkJsonValue(v, join(p, k), problems);
      return true;
    case 'google.protobuf.Value':
      checkJsonValue(json, p, problems);
      return true;
    case 'google.protobuf.ListValue':
      if (!Array.isArray(json)) expected(problems, p, 'array (google.protobuf.ListValue)', json);
      else checkJsonValue(json, p, problems);
      return true;
    case 'google.protobuf.Duration':
      checkDuration(json, p, problems);
      return true;
    case 'google.protobuf.Timestamp':
      checkTimestamp(json, p, problems);
      return true;
    case 'google.protobuf.FieldMask':
      checkFieldMask(json, p, problems);
      return true;
    case 'google.protobuf.Empty':
      if (!isPlainObject(json)) expected(problems, p, 'object {} (google.protobuf.Empty)', json);
      else for (const k of Object.keys(json)) problems.push(`${join(p, k)}: unknown field (google.protobuf.Empty has none)`);
      return true;
    case 'google.protobuf.Any':
      checkAny(type, json, p, problems);
      return true;
    default:
      return false;
  }
}

/** Anything JSON can carry: what Struct, Value and ListValue accept. */
function checkJsonValue(v: unknown, p: string, problems: Problems): void {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) expected(problems, p, 'a JSON value (google.protobuf.Value has no NaN/Infinity)', v);
    return;
  }
  if (Array.isArray(v)) {
    v.forEach((item, i) => {
      if (item === undefined) expected(problems, `${p}[${i}]`, 'a JSON value (undefined serialises as null)', item);
      else checkJsonValue(item, `${p}[${i}]`, problems);
    });
    return;
  }
  if (isPlainObject(v)) {
    for (const [k, item] of Object.entries(v)) if (item !== undefined) checkJsonValue(item, join(p, k), problems);
    return;
  }
  expected(problems, p, 'a JSON value', v);
}

function checkDuration(json: unknown, p: string, problems: Problems): void {
  if (typeof json !== 'string') return expected(problems, p, 'string like "1.5s" (google.protobuf.Duration)', json);
  const m = /^-?(\d+)(?:\.\d{1,9})?s$/.exec(json);
  if (!m) return expected(problems, p, 'duration like "1.5s" (seconds, up to 9 fractional digits, "s" suffix)', json);
  if (BigInt(m[1]) > DURATION_MAX_SECONDS) problems.push(`${at(p)}: duration ${json} is out of range (max ±${DURATION_MAX_SECONDS}s)`);
}

function checkTimestamp(json: unknown, p: string, problems: Problems): void {
  const what = 'RFC 3339 timestamp like "2026-11-25T03:04:05.123Z" (google.protobuf.Timestamp)';
  if (typeof json !== 'string') return expected(problems, p, what, json);
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:Z|([+-])(\d{2}):(\d{2}))$/.exec(json);
  if (!m) return expected(problems, p, what, json);
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const offsetOk = m[7] === undefined || (Number(m[8]) <= 23 && Number(m[9]) <= 59);
  // Year 0 is outside Timestamp's range (0001-01-01 .. 9999-12-31); leap seconds (60) are not representable.
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59 || !offsetOk) {
    problems.push(`${at(p)}: ${JSON.stringify(json)} is not a valid date/time`);
  }
}

function checkFieldMask(json: unknown, p: string, problems: Problems): void {
  if (typeof json !== 'string')
    return expected(problems, p, 'string of comma-separated lowerCamelCase paths (google.protobuf.FieldMask)', json);
  if (json === '') return;
  for (const path of json.split(',')) {
    // The JSON form uses json names; snake_case paths are what the proto form uses and parsers reject them here.
    if (!/^[A-Za-z][A-Za-z0-9]*(?:\.[A-Za-z][A-Za-z0-9]*)*$/.test(path)) {
      problems.push(`${at(p)}: field mask path ${JSON.stringify(path)} is not a dotted lowerCamelCase path`);
    }
  }
}

function checkAny(anyType: protobuf.Type, json: unknown, p: string, problems: Problems): void {
  if (!isPlainObject(json)) return expected(problems, p, 'object with "@type" (google.protobuf.Any)', json);
  // {} is the empty Any; anything else must say what it holds.
  if (Object.keys(json).length === 0) return;
  const typeUrl = json['@type'];
  if (typeof typeUrl !== 'string') return expected(problems, join(p, '@type'), 'type URL string', typeUrl);
  const typeName = typeUrl.slice(typeUrl.lastIndexOf('/') + 1);
  let packed: protobuf.Type;
  try {
    packed = anyType.root.lookupType(typeName);
  } catch {
    problems.push(`${join(p, '@type')}: type ${typeName} is not in the loaded protos`);
    return;
  }
  const rest: Record<string, unknown> = { ...json };
  delete rest['@type'];
  const packedName = fullName(packed);
  if (SPECIAL_JSON.has(packedName)) {
    // Well-known types inside Any keep their special JSON form under "value".
    const keys = Object.keys(rest).filter((k) => k !== 'value');
    for (const k of keys) problems.push(`${join(p, k)}: unknown field (an Any holding ${packedName} has only "@type" and "value")`);
    if (rest.value === undefined) problems.push(`${join(p, 'value')}: missing (an Any holding ${packedName} needs "value")`);
    else checkWellKnown(packedName, packed, rest.value, join(p, 'value'), problems);
    return;
  }
  checkMessage(packed, rest, p, problems);
}
