import { GkeClusterMode, HardenedGkeCluster, HardenedGkeClusterProps, ReleaseChannel } from '../../constructs/gke/hardened-gke-cluster';
import { ImageRepositories } from '../../constructs/gke/image-repository';
import { synthesizedSuppressions } from '../../constructs/core/policy-suppressions';
import { Json, PROD_PROPS, only, platformStack, resources, synth } from '../helpers/synth';

const BASE: HardenedGkeClusterProps = {
  name: 'convai',
  region: 'us-central1',
  zones: ['us-central1-a', 'us-central1-b', 'us-central1-c'],
  network: 'vpc',
  subnetwork: 'gke-subnet',
};

function cluster(props: Partial<HardenedGkeClusterProps> = {}) {
  const stack = platformStack(PROD_PROPS);
  const c = new HardenedGkeCluster(stack, 'cluster', { ...BASE, ...props });
  return { json: synth(stack), cluster: c, stack };
}

describe('HardenedGkeCluster, Standard (default)', () => {
  const { json, cluster: c, stack } = cluster();
  const gke = only(json, 'google_container_cluster');
  const pool = only(json, 'google_container_node_pool');

  test('private nodes and control plane, no authorized network by default', () => {
    expect(gke.private_cluster_config).toEqual({
      enable_private_nodes: true,
      enable_private_endpoint: true,
      master_ipv4_cidr_block: '172.16.0.0/28',
      master_global_access_config: { enabled: false },
    });
    expect(gke.master_authorized_networks_config).toEqual({ cidr_blocks: [] });
  });

  test('Workload Identity, release channel, Binary Authorization, network policy', () => {
    expect(gke.workload_identity_config).toEqual({ workload_pool: 'acme-convai-prod.svc.id.goog' });
    expect(c.workloadIdentityPool).toBe('acme-convai-prod.svc.id.goog');
    expect(gke.release_channel).toEqual({ channel: 'REGULAR' });
    expect(gke.binary_authorization).toEqual({ evaluation_mode: 'PROJECT_SINGLETON_POLICY_ENFORCE' });
    expect(gke.network_policy).toEqual({ enabled: true, provider: 'CALICO' });
    expect(gke.addons_config.network_policy_config).toEqual({ disabled: false });
  });

  test('no legacy auth or client certificate; shielded nodes; logging and monitoring', () => {
    expect(gke.enable_legacy_abac).toBe(false);
    expect(gke.master_auth).toEqual({ client_certificate_config: { issue_client_certificate: false } });
    expect(gke.enable_shielded_nodes).toBe(true);
    expect(gke.logging_config.enable_components).toEqual(['SYSTEM_COMPONENTS', 'WORKLOADS']);
    expect(gke.monitoring_config.enable_components).toEqual(['SYSTEM_COMPONENTS']);
    expect(gke.logging_service).toBe('logging.googleapis.com/kubernetes');
    expect(gke.deletion_protection).toBe(true);
  });

  test('platform labels on the cluster (resource_labels) and on the nodes', () => {
    expect(gke.resource_labels).toMatchObject({ env: 'prod', team: 'convai', 'cost-center': 'cc-42', 'managed-by': 'cdktf' });
    expect(pool.node_config.labels).toEqual(stack.labels);
  });

  test('the default node pool is removed; one autoscaled COS pool with repair, upgrade and shielded nodes', () => {
    expect(gke.remove_default_node_pool).toBe(true);
    expect(gke.node_pool).toBeUndefined();
    expect(pool.management).toEqual({ auto_repair: true, auto_upgrade: true });
    expect(pool.autoscaling).toEqual({ min_node_count: 1, max_node_count: 3 });
    expect(pool.node_locations).toEqual(BASE.zones);
    expect(pool.node_config).toMatchObject({
      image_type: 'COS_CONTAINERD',
      machine_type: 'e2-standard-4',
      shielded_instance_config: { enable_secure_boot: true, enable_integrity_monitoring: true },
      workload_metadata_config: { mode: 'GKE_METADATA' },
    });
  });

  test('nodes run as a dedicated service account with only telemetry roles on the project, and no image read by default', () => {
    const [saId] = Object.keys(resources(json, 'google_service_account'));
    expect(pool.node_config.service_account).toBe(`\${google_service_account.${saId}.email}`);
    const roles = Object.values(resources(json, 'google_project_iam_member'))
      .map((m: Json) => m.role)
      .sort();
    expect(roles).toEqual([
      'roles/logging.logWriter',
      'roles/monitoring.metricWriter',
      'roles/monitoring.viewer',
      'roles/stackdriver.resourceMetadata.writer',
    ]);
    expect(resources(json, 'google_artifact_registry_repository_iam_member')).toEqual({});
  });

  test('reasoned suppressions: no RBAC Google Group was given; telemetry roles cannot be conditioned (CKV_CONVAI_39)', () => {
    const suppressions = synthesizedSuppressions(stack);
    expect(suppressions.map((s) => s.check_id).sort()).toEqual([
      'CKV_CONVAI_39',
      'CKV_CONVAI_39',
      'CKV_CONVAI_39',
      'CKV_CONVAI_39',
      'CKV_GCP_65',
    ]);
    for (const s of suppressions.filter((x) => x.check_id === 'CKV_CONVAI_39')) {
      expect(s.resource).toMatch(/^google_project_iam_member\.cluster_node-(logging|monitoring|stackdriver)/);
      expect(s.reason).toMatch(/no resource name a condition could narrow them to/);
    }
  });
});

describe('HardenedGkeCluster options', () => {
  test('Autopilot: no node pool, our node service account, reasoned suppressions for what Autopilot fixes itself', () => {
    const { json, stack } = cluster({ mode: GkeClusterMode.autopilot(), rbacSecurityGroup: 'gke-security-groups@acme.example' });
    const gke = only(json, 'google_container_cluster');
    expect(gke.enable_autopilot).toBe(true);
    expect(gke.network_policy).toBeUndefined();
    expect(resources(json, 'google_container_node_pool')).toEqual({});
    expect(gke.cluster_autoscaling.auto_provisioning_defaults.service_account).toMatch(/^\$\{google_service_account\./);
    expect(gke.authenticator_groups_config).toEqual({ security_group: 'gke-security-groups@acme.example' });
    expect(
      synthesizedSuppressions(stack)
        .map((s) => s.check_id)
        .sort(),
    ).toEqual(['CKV_CONVAI_39', 'CKV_CONVAI_39', 'CKV_CONVAI_39', 'CKV_CONVAI_39', 'CKV_GCP_12', 'CKV_GCP_69']);
  });

  test('Standard sizing, release channel, authorized networks and a public endpoint are configurable', () => {
    const { json } = cluster({
      mode: GkeClusterMode.standard({ machineType: 'n2-standard-8', minNodesPerZone: 2, maxNodesPerZone: 6 }),
      releaseChannel: ReleaseChannel.STABLE,
      masterAuthorizedNetworks: [{ cidrBlock: '10.10.0.0/24', displayName: 'ci' }],
      privateEndpoint: false,
    });
    const gke = only(json, 'google_container_cluster');
    const pool = only(json, 'google_container_node_pool');
    expect(pool.node_config.machine_type).toBe('n2-standard-8');
    expect(pool.autoscaling).toEqual({ min_node_count: 2, max_node_count: 6 });
    expect(gke.release_channel.channel).toBe('STABLE');
    expect(gke.master_authorized_networks_config.cidr_blocks).toEqual([{ cidr_block: '10.10.0.0/24', display_name: 'ci' }]);
    expect(gke.private_cluster_config.enable_private_endpoint).toBe(false);
  });

  test.each<[string, Partial<HardenedGkeClusterProps>, RegExp]>([
    ['a bad name', { name: 'Convai_1' }, /name "Convai_1" is not a valid cluster name/],
    ['no zones', { zones: [] }, /zones is empty/],
    ['zones outside the region', { zones: ['us-central1-a', 'europe-west1-b'] }, /zones europe-west1-b are not in region us-central1/],
    [
      'an open control plane',
      { masterAuthorizedNetworks: [{ cidrBlock: '0.0.0.0/0', displayName: 'all' }] },
      /a public control plane is refused/,
    ],
    [
      'a bad image repository',
      { imageRepositories: [{ location: 'US', repositoryId: 'Web_Hook' }] },
      /imageRepositories: location "US" is not an Artifact Registry location.*repositoryId "Web_Hook" is not a repository id/,
    ],
  ])('refuses %s', (_, props, message) => {
    expect(() => cluster(props)).toThrow(message);
  });
});

describe('HardenedGkeCluster image pulls: per repository, never project-wide', () => {
  const IMAGE = `us-docker.pkg.dev/acme-images/webhook/runtime@sha256:${'b'.repeat(64)}`;

  test('imageRepositories: reader on each repository, in its own project; nothing on the project', () => {
    const { json, cluster: c } = cluster({
      imageRepositories: [
        ImageRepositories.fromImage(IMAGE),
        { location: 'europe-west1', repositoryId: 'tools' },
        ImageRepositories.fromImage(IMAGE),
      ],
    });
    const grants = Object.entries(resources(json, 'google_artifact_registry_repository_iam_member'));
    expect(
      grants
        .map(([, g]) => ({ project: g.project, location: g.location, repository: g.repository, role: g.role }))
        .sort((a, b) => a.location.localeCompare(b.location)),
    ).toEqual([
      { project: 'acme-convai-prod', location: 'europe-west1', repository: 'tools', role: 'roles/artifactregistry.reader' },
      { project: 'acme-images', location: 'us', repository: 'webhook', role: 'roles/artifactregistry.reader' },
    ]);
    // Addresses come from the repository, not its position: reordering the list replaces nothing.
    expect(grants.map(([name]) => name).sort()).toEqual([
      expect.stringMatching(/^cluster_image-pull-acme-images-us-webhook_/),
      expect.stringMatching(/^cluster_image-pull-europe-west1-tools_/),
    ]);
    const [saId] = Object.keys(resources(json, 'google_service_account'));
    for (const [, g] of grants) expect(g.member).toBe(`\${google_service_account.${saId}.member}`);
    expect(c.imagePullGrants).toHaveLength(2);
    expect(Object.values(resources(json, 'google_project_iam_member')).map((m: Json) => m.role)).not.toContain(
      'roles/artifactregistry.reader',
    );
  });

  test('grantImagePull adds a repository later, and refuses a malformed one', () => {
    const { cluster: c, stack } = cluster();
    c.grantImagePull('tools', { location: 'us-central1', repositoryId: 'tools' });
    expect(only(synth(stack), 'google_artifact_registry_repository_iam_member')).toMatchObject({
      location: 'us-central1',
      repository: 'tools',
    });
    expect(() => c.grantImagePull('bad', { location: 'moon', repositoryId: 'x' })).toThrow(/grantImagePull\("bad"\): location "moon"/);
  });

  test.each([
    [
      `us-docker.pkg.dev/acme-images/webhook/runtime@sha256:${'b'.repeat(64)}`,
      { location: 'us', project: 'acme-images', repositoryId: 'webhook' },
    ],
    [
      'europe-west1-docker.pkg.dev/acme-images/team/sub/path/app:1.2.3',
      { location: 'europe-west1', project: 'acme-images', repositoryId: 'team' },
    ],
    ['eu.gcr.io/acme-images/app:latest', { location: 'europe', project: 'acme-images', repositoryId: 'eu.gcr.io' }],
  ])('ImageRepositories.fromImage(%s)', (image, repository) => {
    expect(ImageRepositories.fromImage(image)).toEqual(repository);
  });

  test('ImageRepositories.fromImage refuses other registries', () => {
    expect(() => ImageRepositories.fromImage('docker.io/library/node:22')).toThrow(
      /is not an Artifact Registry image.*give the repository explicitly/,
    );
  });
});
