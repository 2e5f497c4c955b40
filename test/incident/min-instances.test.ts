import { HttpClient } from '../../runtime/src/incident/actions';
import { MinInstancesExecutor } from '../../runtime/src/incident/min-instances-action';
import { Alert } from '../../runtime/src/incident/notification';
import { FakeCloudRun } from './support/fake-cloud-run';

const EU = 'projects/acme-convai-prod/locations/europe-west1/services/webhook';
const US = 'projects/acme-convai-prod/locations/us-central1/services/webhook';
const NOW = 1796486400;

const alert = (region?: string): Alert => ({
  id: `sat-${region ?? 'global'}`,
  kind: 'cloud-run-saturation',
  policy: 'webhook: instances forecast to reach 80% of max (20) within 6 h',
  service: 'webhook',
  region,
  severity: 'ticket',
  state: 'open',
  startedAt: NOW,
  summary: '',
});
const context = (region?: string, dryRun = false) => ({
  incidentId: 'inc-1',
  actionId: 'inc-1/a002',
  alert: alert(region),
  now: NOW,
  dryRun,
});
const spec = (step = 1, cap = 5) => ({ type: 'raise-min-instances' as const, step, cap });

/** The Cloud Run Admin API v2 calls, against a local server that speaks its REST shape. */
describe('raise min instances through the Cloud Run Admin API', () => {
  let fake: FakeCloudRun;
  // The injected client: production adds a Google access token; here a fixed one the fake checks for.
  const http: HttpClient = (url, init = {}) =>
    fetch(url, { ...init, headers: { ...(init.headers as object), authorization: 'Bearer test-token' } });
  const executor = (maxMinInstances?: number) =>
    new MinInstancesExecutor(http, { services: { 'europe-west1': EU, 'us-central1': US }, maxMinInstances, endpoint: fake.endpoint });

  beforeEach(async () => {
    fake = await FakeCloudRun.start();
    fake.deploy(EU, { minInstanceCount: 1, maxInstanceCount: 20 });
    fake.deploy(US, { minInstanceCount: 4, maxInstanceCount: 20 });
  });
  afterEach(() => fake.stop());

  test('raises by the step with a masked PATCH of the service as read (etag included), and changes nothing else', async () => {
    const before = structuredClone(fake.services.get(EU)!);
    const outcome = await executor().run(spec(), context('europe-west1'));
    expect(outcome).toMatchObject({ mode: 'applied', target: EU, undo: { service: EU, previous: 1, set: 2 } });
    expect(outcome.summary).toMatch(
      /^raised min instances of webhook in europe-west1 from 1 to 2 \(cap 5; operation projects\/acme-convai-prod\/locations\/europe-west1\/operations\//,
    );
    const [patch] = fake.patches();
    expect(patch.path).toBe(`/v2/${EU}`);
    expect(patch.query.get('updateMask')).toBe('template.scaling.minInstanceCount');
    expect(patch.authorization).toBe('Bearer test-token');
    expect(patch.body).toMatchObject({ etag: before.etag, ingress: before.ingress, template: { containers: before.template.containers } });
    const after = fake.services.get(EU)!;
    expect(after.template.scaling).toEqual({ minInstanceCount: 2, maxInstanceCount: 20 });
    expect(after.ingress).toBe(before.ingress);
    expect(after.template.containers).toEqual(before.template.containers);
    expect(fake.minInstances(US)).toBe(4);
  });

  test('the cap holds: the rule cap, the responder-wide cap, the service maximum; at the cap nothing is patched', async () => {
    // 4 + 3 → capped at the rule's 5.
    expect(await executor().run(spec(3, 5), context('us-central1'))).toMatchObject({ mode: 'applied', details: { before: 4, target: 5 } });
    // Already at 5: skipped, no PATCH.
    const patches = fake.patches().length;
    const again = await executor().run(spec(1, 5), context('us-central1'));
    expect(again).toMatchObject({ mode: 'skipped', summary: 'min instances of webhook in us-central1 already 5 (cap 5): not raised' });
    expect(fake.patches()).toHaveLength(patches);
    // INCIDENT_MAX_MIN_INSTANCES=2 wins over a rule that allows 10.
    expect(await executor(2).run(spec(5, 10), context('europe-west1'))).toMatchObject({ mode: 'applied', details: { cap: 2, target: 2 } });
    expect(fake.minInstances(EU)).toBe(2);
    // Never above the service's own maximum.
    fake.deploy(EU, { minInstanceCount: 1, maxInstanceCount: 3 });
    expect(await executor().run(spec(10, 50), context('europe-west1'))).toMatchObject({ mode: 'applied', details: { target: 3 } });
  });

  test('a dry run reads the service and says what it would do, without a PATCH', async () => {
    const outcome = await executor().run(spec(), context('europe-west1', true));
    expect(outcome).toEqual(
      expect.objectContaining({
        mode: 'dry-run',
        summary: 'dry run: would raise min instances of webhook in europe-west1 from 1 to 2 (cap 5)',
      }),
    );
    expect(fake.patches()).toHaveLength(0);
    expect(fake.minInstances(EU)).toBe(1);
  });

  test('revert restores the previous count, unless someone changed it since', async () => {
    const outcome = await executor().run(spec(), context('europe-west1'));
    const applied = {
      actionId: 'inc-1/a002',
      type: 'raise-min-instances' as const,
      scope: 'x',
      target: EU,
      undo: outcome.undo!,
      state: 'applied' as const,
    };
    expect(await executor().revert(applied)).toMatchObject({
      mode: 'reverted',
      summary: expect.stringMatching(/^restored min instances of webhook in europe-west1 from 2 to 1/),
    });
    expect(fake.minInstances(EU)).toBe(1);

    await executor().run(spec(), context('europe-west1'));
    fake.change(EU, 7); // a person raised it further meanwhile
    expect(await executor().revert({ ...applied, undo: { service: EU, previous: 1, set: 2 } })).toMatchObject({
      mode: 'left',
      summary: 'left min instances of webhook in europe-west1 at 7: changed since it was set to 2',
    });
    expect(fake.minInstances(EU)).toBe(7);
  });

  test('only configured services are touched; API errors surface with Google’s message', async () => {
    expect(await executor().run(spec(), context('asia-northeast1'))).toMatchObject({ mode: 'skipped' });
    expect(await executor().run(spec(), context(undefined))).toMatchObject({ mode: 'skipped' }); // two services: not guessed
    expect(fake.requests).toHaveLength(0);
    const unauthenticated = new MinInstancesExecutor(fetch, { services: { 'europe-west1': EU }, endpoint: fake.endpoint });
    await expect(unauthenticated.run(spec(), context('europe-west1'))).rejects.toThrow(
      'GET webhook in europe-west1: Cloud Run Admin API answered 401: UNAUTHENTICATED Request is missing required authentication credential.',
    );
  });
});
