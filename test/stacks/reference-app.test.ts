import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing } from 'cdktf';
import { REQUIRED_LABELS } from '../../constructs/core/label-conventions';
import { LABELLED_TYPES } from '../../constructs/core/policy-pack/labels';
import { DEFAULT_CONFIG, loadConfig } from '../../stacks/config';
import { WebhookPlatformStack } from '../../stacks/webhook-platform-stack';
import { Json, resources, synth } from '../helpers/synth';

/** The webhook's Cloud Run services: every service but the incident responder's (IncidentResponse). */
function webhookServices(json: Json): Record<string, Json> {
  return Object.fromEntries(Object.entries(resources(json, 'google_cloud_run_v2_service')).filter(([id]) => !id.startsWith('incidents_')));
}

function synthEnvironment(name: string): Json {
  const config = DEFAULT_CONFIG.environments.find((e) => e.name === name)!;
  return synth(new WebhookPlatformStack(Testing.app(), config));
}

describe('reference platform app', () => {
  test('dev is one region, prod at least three, each with one service per region', () => {
    expect(Object.keys(webhookServices(synthEnvironment('dev')))).toHaveLength(1);
    const prod = synthEnvironment('prod');
    const regions = Object.values(webhookServices(prod)).map((s) => s.location);
    expect(regions.length).toBeGreaterThanOrEqual(3);
    expect(new Set(regions).size).toBe(regions.length);
  });

  test.each(['dev', 'prod'])('%s: every labelled resource carries the platform labels', (name) => {
    const json = synthEnvironment(name);
    let checked = 0;
    for (const type of LABELLED_TYPES) {
      for (const block of Object.values(resources(json, type))) {
        for (const key of REQUIRED_LABELS) expect(block.labels?.[key]).toEqual(expect.any(String));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  test('state lives at a relative path so the JSON is the same on every machine', () => {
    expect(synthEnvironment('dev').terraform.backend.local.path).toBe('terraform.dev.tfstate');
  });

  test('no terraform.required_version: it crashes checkov on cdktf JSON', () => {
    expect(synthEnvironment('prod').terraform.required_version).toBeUndefined();
  });
});

describe('experiments deployed with the stack', () => {
  test('the webhook runs the versioned experiments document, validated at synth', () => {
    const document = JSON.parse(readFileSync('config/experiments.json', 'utf8'));
    for (const service of Object.values(webhookServices(synthEnvironment('prod')))) {
      const env = service.template.containers[0].env as Array<{ name: string; value?: string }>;
      expect(JSON.parse(env.find((e) => e.name === 'EXPERIMENTS_JSON')!.value!)).toEqual(document);
    }
  });

  test('a broken document fails synth naming the environment, the file and every problem', () => {
    const dir = mkdtempSync(join(tmpdir(), 'convai-experiments-'));
    try {
      const file = join(dir, 'experiments.json');
      writeFileSync(
        file,
        JSON.stringify({ version: 2, experiments: [{ id: 'x', variants: [{ name: 'a', weight: 1 }], metrics: { primary: 'speed' } }] }),
      );
      const config = { ...DEFAULT_CONFIG.environments.find((e) => e.name === 'dev')!, experimentsFile: file };
      expect(() => new WebhookPlatformStack(Testing.app(), config)).toThrow(
        /environment "dev": experimentsFile .*experiments\.json is invalid:\n.*experiments\.0\.variants: Array must contain at least 2[\s\S]*experiments\.0\.metrics\.primary/,
      );
      writeFileSync(file, '{"version": ');
      expect(() => new WebhookPlatformStack(Testing.app(), { ...config, experimentsFile: file })).toThrow(/could not be read as JSON/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('platform configuration', () => {
  const dir = mkdtempSync(join(tmpdir(), 'convai-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, body: unknown): string => {
    const path = join(dir, name);
    writeFileSync(path, typeof body === 'string' ? body : JSON.stringify(body));
    return path;
  };

  test('defaults when PLATFORM_CONFIG is unset', () => {
    expect(loadConfig(undefined)).toBe(DEFAULT_CONFIG);
  });

  test('a valid file replaces the defaults', () => {
    const env = { ...DEFAULT_CONFIG.environments[0], name: 'staging', projectId: 'acme-staging' };
    expect(loadConfig(write('ok.json', { environments: [env] })).environments.map((e) => e.name)).toEqual(['staging']);
  });

  test('an invalid file names each bad field', () => {
    const env = { ...DEFAULT_CONFIG.environments[0], projectId: 'X', regions: [] };
    expect(() => loadConfig(write('bad.json', { environments: [env] }))).toThrow(
      /environments\.0\.projectId: a Google Cloud project id[\s\S]*environments\.0\.regions: give at least one region/,
    );
  });

  test('unknown keys and duplicate names are refused', () => {
    const env = DEFAULT_CONFIG.environments[0];
    expect(() => loadConfig(write('extra.json', { environments: [{ ...env, regoins: ['x'] }] }))).toThrow(/Unrecognized key/);
    expect(() => loadConfig(write('dup.json', { environments: [env, env] }))).toThrow(/environment name "dev" appears twice/);
  });

  test('unreadable JSON says so', () => {
    expect(() => loadConfig(write('broken.json', '{'))).toThrow(/cannot read JSON/);
  });
});
