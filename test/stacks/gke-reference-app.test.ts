import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing } from 'cdktf';
import { REQUIRED_LABELS } from '../../constructs/core/label-conventions';
import { LABELLED_TYPES } from '../../constructs/core/policy-pack/labels';
import { DEFAULT_CONFIG, loadConfig } from '../../stacks/config';
import { WebhookPlatformStack } from '../../stacks/webhook-platform-stack';
import { only, resources, synth } from '../helpers/synth';

const config = DEFAULT_CONFIG.environments.find((e) => e.name === 'prod-gke')!;

describe('reference platform app: the GKE environment', () => {
  const stack = new WebhookPlatformStack(Testing.app(), config);
  const json = synth(stack);

  test('is production, one region, a hardened cluster and the webhook on it', () => {
    expect(stack.production).toBe(true);
    expect(stack.webhook.gke).toBeDefined();
    expect(stack.webhook.services).toEqual([]);
    expect(only(json, 'google_container_cluster').name).toBe('convai-prod-gke');
    expect(only(json, 'google_container_node_pool').node_locations).toEqual(config.gke!.zones);
    // The only Cloud Run service is the incident responder's.
    expect(Object.values(resources(json, 'google_cloud_run_v2_service')).map((s) => s.name)).toEqual(['convai-responder']);
  });

  test('the Kubernetes provider reaches the new cluster with the caller’s Google token', () => {
    const [clusterId] = Object.keys(resources(json, 'google_container_cluster'));
    const provider = json.provider.kubernetes[0];
    expect(provider.host).toBe(`https://\${google_container_cluster.${clusterId}.endpoint}`);
    expect(provider.token).toMatch(/^\$\{data\.google_client_config\..*\.access_token\}$/);
    expect(provider.cluster_ca_certificate).toContain(`google_container_cluster.${clusterId}.master_auth[0].cluster_ca_certificate`);
  });

  test('the workload uses the cluster’s Workload Identity pool, zones and network', () => {
    expect(
      Object.values(resources(json, 'google_service_account_iam_member')).find((g) => g.role === 'roles/iam.workloadIdentityUser')!.member,
    ).toBe('serviceAccount:convai-reference-gke.svc.id.goog[convai-webhook/webhook]');
    expect(only(json, 'kubernetes_horizontal_pod_autoscaler_v2').spec).toMatchObject({ min_replicas: 3, max_replicas: 20 });
    expect(only(json, 'google_compute_firewall').network).toBe('convai-vpc');
    // Only the cluster's nodes are opened to Google's load-balancer ranges.
    const [nodeSa] = Object.keys(resources(json, 'google_service_account')).filter((id) => id.includes('node'));
    expect(only(json, 'google_compute_firewall').target_service_accounts).toEqual([`\${google_service_account.${nodeSa}.email}`]);
    expect(only(json, 'google_compute_backend_service').backend).toHaveLength(3);
  });

  test('every labelled resource carries the platform labels, the cluster too', () => {
    for (const type of LABELLED_TYPES) {
      for (const block of Object.values(resources(json, type))) {
        for (const key of REQUIRED_LABELS) expect(block.labels?.[key]).toEqual(expect.any(String));
      }
    }
    expect(Object.keys(only(json, 'google_container_cluster').resource_labels)).toEqual(expect.arrayContaining([...REQUIRED_LABELS]));
  });
});

describe('platform configuration: the gke block', () => {
  const dir = mkdtempSync(join(tmpdir(), 'convai-gke-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (body: unknown): string => {
    const path = join(dir, 'config.json');
    writeFileSync(path, JSON.stringify(body));
    return path;
  };

  test('an environment with a gke block is accepted', () => {
    expect(loadConfig(write({ environments: [config] })).environments[0].gke?.zones).toEqual(config.gke!.zones);
  });

  test('unknown keys and an empty zone list are refused', () => {
    expect(() => loadConfig(write({ environments: [{ ...config, gke: { ...config.gke, nodes: 3 } }] }))).toThrow(/Unrecognized key/);
    expect(() => loadConfig(write({ environments: [{ ...config, gke: { ...config.gke, zones: [] } }] }))).toThrow(
      /environments\.0\.gke\.zones: give the zones of the cluster nodes/,
    );
  });
});
