/**
 * `npm run dr:failover-plan`: the failover workflow's plan for a reference stack, and its dry-run
 * verdict offline against instances as `gcloud sql instances list --format=json` prints them.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { failoverPlanCli } from '../../tools/dr-drill/failover-plan-cli';

const dir = mkdtempSync(join(tmpdir(), 'convai-failover-plan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(...argv: string[]): { code: number; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const code = failoverPlanCli(
    argv,
    (l) => out.push(l),
    (l) => err.push(l),
  );
  return { code, out, err };
}

function instances(name: string, list: object[]): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(list));
  return path;
}

const primaryDown = instances('down.json', [
  { name: 'convai-db-s0', state: 'FAILED', instanceType: 'CLOUD_SQL_INSTANCE', region: 'us-central1' },
  {
    name: 'convai-db-s0-europe-west1',
    state: 'RUNNABLE',
    instanceType: 'READ_REPLICA_INSTANCE',
    masterInstanceName: 'convai-reference-prod:convai-db-s0',
  },
  { name: 'convai-db-s0-asia-northeast1', state: 'RUNNABLE', instanceType: 'READ_REPLICA_INSTANCE' },
]);

test('prints the prod plan: checks first, then promote, repoint each Cloud Run region, make regional, verify', () => {
  const { code, out } = run('--stack', 'prod', '--mode', 'promote');
  expect(code).toBe(0);
  expect(out[0]).toBe('prod: failover by promote (workflow convai-backups-db-failover in europe-west1)');
  expect(out.slice(1).map((l) => l.replace(/^\s+\d+\. /, '').split(' ')[0])).toEqual([
    'check',
    'check',
    'promote',
    'set',
    'set',
    'set',
    'make',
    'convai-db-s0-europe-west1',
  ]);
  expect(out.filter((l) => l.includes('DATABASE_URL')).map((l) => l.split(' of ')[1].split(' to ')[0])).toEqual([
    'Cloud Run webhook@us-central1',
    'Cloud Run webhook@europe-west1',
    'Cloud Run webhook@asia-northeast1',
  ]);
});

test('primary region down: a switchover would refuse (exit 1, saying why), a promotion would proceed', () => {
  const switchover = run('--instances', primaryDown);
  expect(switchover.code).toBe(1);
  expect(switchover.out).toContain(
    '  FAIL convai-db-s0.state: FAILED (expected RUNNABLE: a switchover needs convai-db-s0 healthy (else use mode "promote"))',
  );
  expect(switchover.out.at(-1)).toBe('not ready: the workflow would refuse and change nothing');
  const promote = run('--mode', 'promote', '--instances', primaryDown);
  expect(promote.code).toBe(0);
  expect(promote.out.at(-1)).toBe('ready: the workflow would proceed');
});

test('bad usage exits 2 with the reason: unknown stack, a stack without DR replica, failback by promotion', () => {
  expect(run('--stack', 'nope')).toMatchObject({ code: 2, err: [expect.stringMatching(/^no stack "nope"/)] });
  expect(run('--stack', 'dev')).toMatchObject({ code: 2, err: [expect.stringMatching(/has no failover workflow/)] });
  expect(run('--direction', 'failback', '--mode', 'promote')).toMatchObject({
    code: 2,
    err: [expect.stringMatching(/failback is always a switchover/)],
  });
  expect(run('--mode', 'sideways').code).toBe(2);
});
