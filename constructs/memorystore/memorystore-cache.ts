import { MemorystoreInstance } from '@cdktf/provider-google/lib/memorystore-instance';
import { NetworkConnectivityServiceConnectionPolicy } from '@cdktf/provider-google/lib/network-connectivity-service-connection-policy';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { Lazy } from 'cdktf';
import { Construct } from 'constructs';
import { KeyPurpose } from '../core/encryption-keys';
import { PlatformStack } from '../core/platform-stack';
import { Grantee, serviceAccountEmailOf } from '../core/grantee';
import { Rule, isKnown, validateProps } from '../core/validation';
import { MemorystoreCacheProps } from './memorystore-cache-props';

type Resolved = MemorystoreCacheProps & { name: string; regions: string[]; production: boolean; projectId?: string };

const RULES: Rule<Resolved>[] = [
  { when: (p) => p.regions.length === 0, say: () => 'regions is empty: give at least one region, e.g. ["us-central1"]' },
  {
    when: (p) => isKnown(p.name) && !/^[a-z][a-z0-9-]{3,40}$/.test(p.name),
    say: (p) => `name "${p.name}" must be 4-41 lowercase letters, digits or "-", starting with a letter (the region is appended)`,
  },
  {
    when: (p) => (p.createServiceConnectionPolicies ?? true) && (p.subnetworks ?? []).length !== p.regions.length,
    say: (p) =>
      `subnetworks has ${(p.subnetworks ?? []).length} entries for ${p.regions.length} regions: give one subnetwork per region for the service connection policies, or set createServiceConnectionPolicies: false`,
  },
  {
    when: (p) => p.production && !p.encryptionKeys,
    say: () => 'encryptionKeys is missing: production caches hold conversation data and need CMEK (pass SecureSecrets)',
  },
  { when: (p) => !p.projectId, say: () => 'projectId is missing: set it, or create the construct inside a PlatformStack' },
];

/**
 * Shared state for the webhook (L2 cache, rate limits, idempotency) on Memorystore for Valkey:
 * one non-cluster instance per region (a plain client, no cluster protocol), reached over Private
 * Service Connect only, with IAM authentication (no AUTH string anywhere, so none in state),
 * in-transit encryption verified against the instance's CA, CMEK, labels and deletion protection.
 */
export class MemorystoreCache extends Construct {
  /** Escape hatch: the instance of each region, in `regions` order. */
  public readonly instances: MemorystoreInstance[];
  /** Escape hatch: the service connection policies this construct made. */
  public readonly serviceConnectionPolicies: NetworkConnectivityServiceConnectionPolicy[];
  public readonly regions: string[];
  private readonly projectId: string;

  constructor(scope: Construct, id: string, props: MemorystoreCacheProps) {
    super(scope, id);
    const platform = PlatformStack.find(this);
    const p: Resolved = {
      ...props,
      name: props.name ?? id.toLowerCase(),
      regions: props.regions ?? platform?.regions ?? [],
      production: props.production ?? platform?.production ?? false,
      projectId: props.projectId ?? platform?.projectId,
    };
    validateProps(this.node.path, p, RULES);
    this.regions = [...p.regions];
    this.projectId = p.projectId!;
    this.serviceConnectionPolicies = [];
    this.instances = p.regions.map((region, i) => {
      let policy: NetworkConnectivityServiceConnectionPolicy | undefined;
      if (p.createServiceConnectionPolicies ?? true) {
        policy = new NetworkConnectivityServiceConnectionPolicy(this, `connection-policy-${region}`, {
          name: `${p.name}-${region}`,
          location: region,
          serviceClass: 'gcp-memorystore',
          network: p.network,
          description: 'Private Service Connect endpoints of the Memorystore instances.',
          pscConfig: { subnetworks: [p.subnetworks![i]] },
          labels: platform?.labels,
        });
        this.serviceConnectionPolicies.push(policy);
      }
      return new MemorystoreInstance(this, `instance-${region}`, {
        instanceId: `${p.name}-${region}`,
        location: region,
        mode: 'CLUSTER_DISABLED',
        shardCount: 1,
        replicaCount: p.replicaCount ?? (p.production ? 1 : 0),
        nodeType: p.nodeType ?? (p.production ? 'HIGHMEM_MEDIUM' : 'SHARED_CORE_NANO'),
        engineVersion: p.engineVersion ?? 'VALKEY_8_0',
        authorizationMode: 'IAM_AUTH',
        transitEncryptionMode: 'SERVER_AUTHENTICATION',
        kmsKey: p.encryptionKeys?.keyId(region, KeyPurpose.DATABASE),
        deletionProtectionEnabled: p.deletionProtection ?? true,
        labels: platform?.labels,
        zoneDistributionConfig: { mode: p.production ? 'MULTI_ZONE' : 'SINGLE_ZONE' },
        // A cache: nothing to persist; losing it costs recomputation, not data.
        persistenceConfig: { mode: 'DISABLED' },
        desiredAutoCreatedEndpoints: [{ network: p.network, projectId: this.projectId }],
        dependsOn: policy ? [policy] : undefined,
      });
    });
  }

  /**
   * The runtime's environment: `REDIS_ENDPOINTS` (each region's primary endpoint, `ip:port`; the
   * runtime picks its WEBHOOK_REGION's), `REDIS_TLS_CA` (every instance's server CA) and IAM auth.
   */
  public runtimeEnv(): { [name: string]: string } {
    const address = (i: MemorystoreInstance) => `${i.terraformResourceType}.${i.friendlyUniqueId}`;
    const endpoints = this.instances
      .map(
        (i, n) =>
          `"${this.regions[n]}" = [for c in flatten([for e in ${address(i)}.endpoints : [for conn in e.connections : conn.psc_auto_connection]]) : "$\{c.ip_address}:$\{c.port}" if c.connection_type == "CONNECTION_TYPE_PRIMARY"][0]`,
      )
      .join(', ');
    const cas = this.instances.map((i) => `${address(i)}.managed_server_ca[0].ca_certs[*].certificates`).join(', ');
    return {
      REDIS_ENDPOINTS: `\${jsonencode({${endpoints}})}`,
      REDIS_TLS_CA: `\${join("\\n", flatten([${cas}]))}`,
      REDIS_IAM_AUTH: 'true',
    };
  }

  /**
   * The private IP of `region`'s primary endpoint (known after apply), e.g. for a network policy's
   * egress rule (`${address}/32`).
   */
  public primaryAddress(region: string): string {
    const i = this.regions.indexOf(region);
    if (i < 0) throw new Error(`${this.node.path}.primaryAddress: no instance in ${region} (regions: ${this.regions.join(', ')})`);
    const instance = this.instances[i];
    const address = `${instance.terraformResourceType}.${instance.friendlyUniqueId}`;
    return Lazy.stringValue({
      produce: () =>
        `\${[for c in flatten([for e in ${address}.endpoints : [for conn in e.connections : conn.psc_auto_connection]]) : c.ip_address if c.connection_type == "CONNECTION_TYPE_PRIMARY"][0]}`,
    });
  }

  /**
   * Let a service account connect (IAM auth): `roles/memorystore.dbConnectionUser`, additive, on the
   * project with a condition naming these instances (Memorystore has no per-instance IAM policy).
   */
  public grantConnect(id: string, grantee: Grantee): ProjectIamMember {
    const serviceAccountEmail = serviceAccountEmailOf(grantee, `${this.node.path}.grantConnect("${id}")`);
    const names = this.instances.map(
      (i, n) => `resource.name == "projects/${this.projectId}/locations/${this.regions[n]}/instances/${i.instanceIdInput}"`,
    );
    return new ProjectIamMember(this, `${id}-db-connection-user`, {
      project: this.projectId,
      role: 'roles/memorystore.dbConnectionUser',
      member: `serviceAccount:${serviceAccountEmail}`,
      condition: { title: `${this.node.id} instances only`, expression: names.join(' || ') },
    });
  }
}
