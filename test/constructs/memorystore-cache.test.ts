import { TerraformOutput } from 'cdktf';
import { Grantee } from '../../constructs/core/grantee';
import { MemorystoreCache } from '../../constructs/memorystore/memorystore-cache';
import { FixedKeys } from '../helpers/fixed-keys';
import { PROD_PROPS, DEV_PROPS, platformStack, resources, synth } from '../helpers/synth';

const NETWORK = 'projects/acme-convai-prod/global/networks/convai';
const SUBNETS = PROD_PROPS.regions.map((r) => `projects/acme-convai-prod/regions/${r}/subnetworks/convai-${r}`);

function prodCache() {
  const stack = platformStack(PROD_PROPS);
  const cache = new MemorystoreCache(stack, 'shared-state', { network: NETWORK, subnetworks: SUBNETS, encryptionKeys: new FixedKeys() });
  cache.grantConnect('webhook', Grantee.fromServiceAccountEmail('webhook-run@acme-convai-prod.iam.gserviceaccount.com'));
  for (const [name, value] of Object.entries(cache.runtimeEnv())) new TerraformOutput(stack, `env-${name}`, { value });
  return { stack, cache, json: synth(stack) };
}

test('one non-cluster Valkey instance per region: IAM auth, verified TLS, CMEK, PSC only, labelled', () => {
  const { json } = prodCache();
  const instances = Object.values(resources(json, 'google_memorystore_instance'));
  expect(instances.map((i) => i.location).sort()).toEqual([...PROD_PROPS.regions].sort());
  for (const i of instances) {
    expect(i).toMatchObject({
      mode: 'CLUSTER_DISABLED',
      shard_count: 1,
      replica_count: 1,
      authorization_mode: 'IAM_AUTH',
      transit_encryption_mode: 'SERVER_AUTHENTICATION',
      deletion_protection_enabled: true,
      zone_distribution_config: { mode: 'MULTI_ZONE' },
      desired_auto_created_endpoints: [{ network: NETWORK, project_id: 'acme-convai-prod' }],
    });
    expect(i.kms_key).toMatch(/locations\/[a-z0-9-]+\/keyRings\/.+database/);
    expect(i.labels).toMatchObject({ env: 'prod', team: 'convai' });
    expect(JSON.stringify(i)).not.toMatch(/auth_string|password/i);
  }
  const policies = Object.values(resources(json, 'google_network_connectivity_service_connection_policy'));
  expect(policies.map((p) => [p.location, p.service_class, p.psc_config.subnetworks]).sort()).toEqual(
    PROD_PROPS.regions.map((r, i) => [r, 'gcp-memorystore', [SUBNETS[i]]]).sort(),
  );
});

test('the runtime gets exactly roles/memorystore.dbConnectionUser, conditioned on these instances', () => {
  const { json } = prodCache();
  const grants = Object.values(resources(json, 'google_project_iam_member'));
  expect(grants).toHaveLength(1);
  expect(grants[0].role).toBe('roles/memorystore.dbConnectionUser');
  expect(grants[0].condition.expression).toBe(
    PROD_PROPS.regions.map((r) => `resource.name == "projects/acme-convai-prod/locations/${r}/instances/shared-state-${r}"`).join(' || '),
  );
});

test("runtime env: each region's primary PSC endpoint, every instance's server CA, IAM auth", () => {
  const { json } = prodCache();
  expect(json.output['env-REDIS_ENDPOINTS'].value).toMatch(
    /^\$\{jsonencode\(\{"us-central1" = \[for c in flatten\(\[for e in google_memorystore_instance\.shared-state_instance-us-central1_\w+\.endpoints : \[for conn in e\.connections : conn\.psc_auto_connection\]\]\) : "\$\{c\.ip_address\}:\$\{c\.port\}" if c\.connection_type == "CONNECTION_TYPE_PRIMARY"\]\[0\], "europe-west1"/,
  );
  expect(json.output['env-REDIS_TLS_CA'].value).toMatch(
    /^\$\{join\("\\n", flatten\(\[google_memorystore_instance\..+managed_server_ca\[0\]\.ca_certs\[\*\]\.certificates/,
  );
  expect(json.output['env-REDIS_IAM_AUTH'].value).toBe('true');
});

test('dev: no replica, shared-core node, single zone', () => {
  const stack = platformStack(DEV_PROPS);
  // Dev may omit encryptionKeys, but the pack's CKV_CONVAI_62 (CMEK) applies in every environment.
  new MemorystoreCache(stack, 'cache', { network: NETWORK, subnetworks: [SUBNETS[0]], encryptionKeys: new FixedKeys() });
  const [instance] = Object.values(resources(synth(stack), 'google_memorystore_instance'));
  expect(instance).toMatchObject({ replica_count: 0, node_type: 'SHARED_CORE_NANO', zone_distribution_config: { mode: 'SINGLE_ZONE' } });
});

test('bad props fail synth naming the prop and the fix', () => {
  expect(() => new MemorystoreCache(platformStack(PROD_PROPS), 'c', { network: NETWORK, subnetworks: [SUBNETS[0]] })).toThrow(
    /subnetworks has 1 entries for 3 regions[\s\S]*encryptionKeys is missing/,
  );
  expect(
    () => new MemorystoreCache(platformStack(DEV_PROPS), 'c', { network: NETWORK, subnetworks: [SUBNETS[0]], name: 'Bad_Name' }),
  ).toThrow(/name "Bad_Name"/);
  expect(() =>
    new MemorystoreCache(platformStack(DEV_PROPS), 'cache', { network: NETWORK, subnetworks: [SUBNETS[0]] }).grantConnect(
      'x',
      Grantee.fromMember('group:team@acme.dev'),
    ),
  ).toThrow(/test\/cache.grantConnect\("x"\): group:team@acme.dev is not a service account/);
});
