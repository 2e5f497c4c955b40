/**
 * `databaseShards` in the platform config, end to end: MultiRegionDb creates the shards, and every
 * runtime that reads the turn log (the webhook on Cloud Run or GKE, the incident responder) gets
 * every shard's URL (DATABASE_SHARD_URLS) and the TLS names and CAs of every instance. One shard (the
 * default) keeps the env exactly as it was: no DATABASE_SHARD_URLS.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing } from 'cdktf';
import { DEFAULT_CONFIG, loadConfig } from '../../stacks/config';
import { WebhookPlatformStack } from '../../stacks/webhook-platform-stack';
import { formatResult, validateConfigurations } from '../../tools/terraform-validate/terraform-validate';
import { Json, resources } from '../helpers/synth';

const MINUTE = 60_000;

function stackFor(name: string, databaseShards?: number): { stack: WebhookPlatformStack; json: Json } {
  const config = { ...DEFAULT_CONFIG.environments.find((e) => e.name === name)!, databaseShards };
  const stack = new WebhookPlatformStack(Testing.app(), config);
  return { stack, json: JSON.parse(Testing.synth(stack, true)) };
}

type Env = Record<string, string>;
const envOf = (list: Array<{ name: string; value?: string }>): Env =>
  Object.fromEntries(list.filter((e) => e.value !== undefined).map((e) => [e.name, e.value!]));

/** The env of every runtime that reads the database, by a readable label. */
function runtimes(json: Json): Record<string, Env> {
  const out: Record<string, Env> = {};
  for (const [id, s] of Object.entries(resources(json, 'google_cloud_run_v2_service'))) {
    out[`cloud-run ${s.name} ${s.location} (${id.split('_')[0]})`] = envOf(s.template.containers[0].env);
  }
  for (const [id, d] of Object.entries(resources(json, 'kubernetes_deployment_v1'))) {
    out[`gke ${id}`] = envOf(d.spec.template.spec.container[0].env);
  }
  return out;
}

/** The entries of a `${jsonencode([...])}` of URLs: each a `"postgres://..."` literal with interpolations. */
function shardUrlEntries(value: string): string[] {
  const m = /^\$\{jsonencode\(\[(.*)\]\)\}$/s.exec(value);
  if (!m) throw new Error(`not a jsonencode of a list: ${value.slice(0, 80)}`);
  // `", "` also separates the arguments of the functions inside an entry: split where an entry starts.
  return m[1].split(/, (?="postgres:\/\/)/).map((e) => e.replace(/^"|"$/g, ''));
}

describe.each([
  ['prod', 'Cloud Run', ['us-central1', 'europe-west1', 'asia-northeast1']],
  ['prod-gke', 'GKE', ['us-central1', 'us-east1']],
])('%s (%s) with databaseShards 3', (name, _platform, regions) => {
  const { stack, json } = stackFor(name, 3);
  const all = runtimes(json);
  const project = DEFAULT_CONFIG.environments.find((e) => e.name === name)!.projectId;
  const instanceNames = [0, 1, 2].flatMap((s) => [`convai-db-s${s}`, ...regions.slice(1).map((r) => `convai-db-s${s}-${r}`)]);

  test('three primaries, each with a replica in every other region', () => {
    expect(stack.database.shardCount).toBe(3);
    const instances = Object.values(resources(json, 'google_sql_database_instance')).map((i) => i.name);
    expect(instances.sort()).toEqual([...instanceNames].sort());
  });

  test('the webhook and the incident responder both get the database env', () => {
    const labels = Object.keys(all);
    expect(labels.some((l) => l.includes('(incidents)'))).toBe(true);
    expect(labels.some((l) => (name === 'prod' ? l.includes('(webhook)') : l.startsWith('gke ')))).toBe(true);
    for (const env of Object.values(all)) expect(env.DATABASE_URL).toBeDefined();
  });

  test('DATABASE_SHARD_URLS lists the three shard primaries in shard order, shard 0 equal to DATABASE_URL', () => {
    for (const [label, env] of Object.entries(all)) {
      const urls = shardUrlEntries(env.DATABASE_SHARD_URLS);
      expect({ label, count: urls.length }).toEqual({ label, count: 3 });
      urls.forEach((url, shard) => {
        expect(url).toMatch(new RegExp(`^postgres://\\$\\{replace\\(trimsuffix\\(google_service_account\\.\\S+\\.email`));
        expect(url).toMatch(
          new RegExp(
            `google_sql_database_instance\\.database_shard${shard}-primary_\\w+\\.private_ip_address\\}:5432/webhook\\?sslmode=verify-full$`,
          ),
        );
      });
      // The runtime refuses a DATABASE_URL other than the first shard; Terraform renders both from the same template.
      expect(urls[0]).toBe(env.DATABASE_URL);
      // The user is the runtime's own service account, in every entry.
      const accounts = new Set(urls.map((u) => /google_service_account\.([\w-]+)\.email/.exec(u)![1]));
      expect(accounts.size).toBe(1);
      expect(env.DATABASE_URL).toContain([...accounts][0]);
      expect(env.PG_IAM_AUTH).toBe('true');
    }
  });

  test('TLS covers every instance of every shard: names and server CAs of all primaries and replicas', () => {
    for (const env of Object.values(all)) {
      expect(env.DATABASE_TLS_SERVER_NAME.split(',')).toEqual(instanceNames.map((n) => `${project}:${n}`));
      const cas = env.DATABASE_TLS_CA.match(/google_sql_database_instance\.[\w-]+\.server_ca_cert\[0\]\.cert/g) ?? [];
      expect(cas).toHaveLength(instanceNames.length);
      for (let s = 0; s < 3; s++) expect(cas.filter((c) => c.includes(`database_shard${s}-`))).toHaveLength(regions.length);
    }
  });
});

test.each(['dev', 'prod', 'prod-gke'])('%s with the default (one shard): no DATABASE_SHARD_URLS, shard 0 only', (name) => {
  const { stack, json } = stackFor(name);
  expect(stack.database.shardCount).toBe(1);
  for (const env of Object.values(runtimes(json))) {
    if (!env.DATABASE_URL) continue;
    expect(env.DATABASE_SHARD_URLS).toBeUndefined();
    expect(env.DATABASE_TLS_SERVER_NAME.split(',').every((n) => /:convai-db-s0(-|$)/.test(n))).toBe(true);
  }
});

describe('databaseShards validation', () => {
  const dir = mkdtempSync(join(tmpdir(), 'convai-shards-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test.each([0, 17, 2.5, '3'])('databaseShards %p is refused, naming the key and the range', (value) => {
    const path = join(dir, `shards-${String(value)}.json`);
    writeFileSync(path, JSON.stringify({ environments: [{ ...DEFAULT_CONFIG.environments[0], databaseShards: value }] }));
    expect(() => loadConfig(path)).toThrow(
      /environments\.0\.databaseShards: databaseShards must be a whole number from 1 to 16 \(default 1\)/,
    );
  });

  test('1 and 16 are accepted; absent means one shard', () => {
    for (const value of [1, 16]) {
      const path = join(dir, `ok-${value}.json`);
      writeFileSync(path, JSON.stringify({ environments: [{ ...DEFAULT_CONFIG.environments[0], databaseShards: value }] }));
      expect(loadConfig(path).environments[0].databaseShards).toBe(value);
    }
  });
});

test(
  'a 3-shard prod and prod-gke pass terraform validate with the real providers (no errors, no warnings)',
  async () => {
    const configs = ['prod', 'prod-gke'].map((name) => ({ name: `${name}-3-shards`, files: { 'cdk.tf.json': stackFor(name, 3).json } }));
    const results = await validateConfigurations(configs);
    expect(
      results
        .filter((r) => r.errors + r.warnings > 0)
        .map(formatResult)
        .join('\n'),
    ).toBe('');
    expect(results.map((r) => r.name)).toEqual(['prod-3-shards', 'prod-gke-3-shards']);
  },
  10 * MINUTE,
);
