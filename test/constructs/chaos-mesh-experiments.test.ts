import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { ChaosMeshExperiments } from '../../constructs/scalable-webhook/chaos-mesh-experiments';
import { Duration } from '../../constructs/core/duration';
import { GkePlatformOptions, Platform } from '../../constructs/scalable-webhook/platform';
import { ScalableWebhook } from '../../constructs/scalable-webhook/scalable-webhook';
import { IMAGE, Json, PROD_PROPS, only, platformStack, synth } from '../helpers/synth';

// js-yaml (the YAML reader kubectl's behaviour is checked against) ships no types; only load() is used.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const yaml: { load: (text: string) => any } = require('js-yaml');

const GKE: GkePlatformOptions = { zones: ['us-central1-a', 'us-central1-b', 'us-central1-c'], network: 'convai-vpc' };

/** A production GKE webhook and the experiments rendered from it, with the synthesized Deployment, HPA and PDB. */
function fixture(options: Partial<GkePlatformOptions> = {}) {
  const stack = platformStack(PROD_PROPS);
  new KubernetesProvider(stack, 'kubernetes', {});
  const webhook = new ScalableWebhook(stack, 'webhook', {
    image: IMAGE,
    domains: ['webhook.acme.example'],
    platform: Platform.gke({ ...GKE, ...options }),
  });
  const json = synth(stack);
  return {
    experiments: ChaosMeshExperiments.forWorkload(webhook.gke!),
    deployment: only(json, 'kubernetes_deployment_v1'),
    hpa: only(json, 'kubernetes_horizontal_pod_autoscaler_v2'),
    pdb: only(json, 'kubernetes_pod_disruption_budget_v1'),
  };
}

describe('ChaosMeshExperiments for the GKE webhook', () => {
  const { experiments, deployment, hpa, pdb } = fixture({
    namespace: 'convai-webhook',
    redisCidr: '10.8.0.0/29',
    databaseCidr: '10.9.0.0/24',
  });
  const [podKill, delay] = experiments.all();
  const parsed = (m: { yaml: string }) => yaml.load(m.yaml) as Json;

  test('Chaos Mesh v1alpha1 kinds, in the workload namespace, named after the Deployment', () => {
    expect([podKill.kind, delay.kind]).toEqual(['PodChaos', 'NetworkChaos']);
    for (const m of [podKill, delay]) {
      const doc = parsed(m);
      expect(doc.apiVersion).toBe('chaos-mesh.org/v1alpha1');
      expect(doc.kind).toBe(m.kind);
      expect(doc.metadata).toEqual({ name: m.name, namespace: 'convai-webhook' });
      expect(m.name.startsWith(`${deployment.metadata.name}-`)).toBe(true);
      expect(m.fileName).toBe(`${m.name}.yaml`);
    }
  });

  test('the YAML is the manifest: what kubectl reads equals the object', () => {
    expect(parsed(podKill)).toEqual(podKill.manifest);
    expect(parsed(delay)).toEqual(delay.manifest);
  });

  test("the selectors pick exactly the Deployment's pods, the same labels the HPA-scaled Deployment and the PDB select", () => {
    for (const m of [podKill, delay]) {
      const selector = parsed(m).spec.selector;
      expect(selector.namespaces).toEqual(['convai-webhook']);
      expect(selector.labelSelectors).toEqual(deployment.spec.selector.match_labels);
      expect(selector.labelSelectors).toEqual(pdb.spec.selector.match_labels);
      // Every selected label is on the pod template, so the experiment cannot miss the pods.
      expect(deployment.spec.template.metadata.labels).toMatchObject(selector.labelSelectors);
    }
    expect(hpa.spec.scale_target_ref.name).toMatch(/^\$\{kubernetes_deployment_v1\.[\w]+\.metadata\[0\]\.name\}$/);
  });

  test('pod-kill takes one pod with its grace period, within what the PDB allows at the HPA floor', () => {
    const spec = parsed(podKill).spec;
    expect(spec).toMatchObject({ action: 'pod-kill', mode: 'one', gracePeriod: 30 });
    const floor = Number(hpa.spec.min_replicas);
    const minAvailable = Number(pdb.spec.min_available);
    expect(floor - 1).toBeGreaterThanOrEqual(minAvailable);
  });

  test('network delay: bounded duration, default 200 ± 50 ms, aimed at the Memorystore and Cloud SQL ranges', () => {
    const spec = parsed(delay).spec;
    expect(spec).toMatchObject({
      action: 'delay',
      mode: 'all',
      direction: 'to',
      delay: { latency: '200ms', jitter: '50ms', correlation: '25' },
    });
    expect(spec.externalTargets).toEqual(['10.8.0.0/29', '10.9.0.0/24']);
    expect(spec.duration).toBe('120s');
    const custom = parsed(
      experiments.networkDelay({ latency: Duration.seconds(1), jitter: Duration.seconds(0.1), duration: Duration.minutes(10) }),
    ).spec;
    expect(custom.delay).toMatchObject({ latency: '1000ms', jitter: '100ms' });
    expect(custom.duration).toBe('600s');
  });

  test('refuses unbounded or PDB-breaking experiments, naming the limit', () => {
    expect(() => experiments.networkDelay({ duration: Duration.hours(1) })).toThrow(/duration 1 h must be from 1 s to 10 min/);
    expect(() => experiments.networkDelay({ latency: Duration.seconds(0.1), jitter: Duration.seconds(0.2) })).toThrow(
      /jitter 0.2 s must not exceed/,
    );
    // Production: 3 replicas, minAvailable 2 — one pod may be down, not two.
    expect(() => experiments.podKill({ pods: 2 })).toThrow(/pods 2 must be a whole number from 1 to 1 .*PodDisruptionBudget/);
  });

  test('more pods may be killed when the PDB allows it; none when it allows nothing', () => {
    const roomy = fixture({ minReplicas: 5, pdbMinAvailable: 3 }).experiments.podKill({ pods: 2 });
    expect(roomy.manifest.spec).toMatchObject({ mode: 'fixed', value: '2' });
    // The workload itself refuses such a PDB; props given by hand are checked again.
    expect(
      () => new ChaosMeshExperiments({ name: 'w', namespace: 'ok', selector: { app: 'x' }, minReplicas: 2, pdbMinAvailable: 2 }),
    ).toThrow(/minReplicas 2 with pdbMinAvailable 2 leaves no pod to kill without breaking the PodDisruptionBudget/);
  });

  test('without dependency ranges the delay applies to all egress of the pods', () => {
    expect(fixture().experiments.networkDelay().manifest.spec.externalTargets).toBeUndefined();
  });

  test('validates names and selectors up front', () => {
    expect(() => new ChaosMeshExperiments({ name: 'Webhook', namespace: 'ok', selector: { app: 'x' } })).toThrow(/name "Webhook"/);
    expect(() => new ChaosMeshExperiments({ name: 'w', namespace: 'default_ns', selector: { app: 'x' } })).toThrow(
      /namespace "default_ns"/,
    );
    expect(() => new ChaosMeshExperiments({ name: 'w', namespace: 'ok', selector: {} })).toThrow(/selector is empty/);
  });
});
