import { IEncryptionKeys } from '../core/encryption-keys';

export interface MemorystoreCacheProps {
  /** Base name; each region's instance is `<name>-<region>` (4-63 lowercase letters, digits, "-"). @default - the construct id, lowercased */
  readonly name?: string;
  /** Regions to put an instance in (one each, so every webhook region has a nearby one). @default - the enclosing PlatformStack's regions */
  readonly regions?: string[];
  /** Production defaults and rules. @default - the enclosing PlatformStack's, else false */
  readonly production?: boolean;
  /** VPC the endpoints are created in (`projects/<p>/global/networks/<n>`): Private Service Connect, no public endpoint. */
  readonly network: string;
  /** Project the endpoints' forwarding rules are created in. @default - the enclosing PlatformStack's project */
  readonly projectId?: string;
  /**
   * Subnetwork per region (same order as `regions`) the service connection policy hands PSC
   * endpoint addresses from. Required when `createServiceConnectionPolicies` is on.
   * @default - none
   */
  readonly subnetworks?: string[];
  /**
   * Create the `gcp-memorystore` service connection policy per region. Turn off when the VPC already
   * has one in that region (one per network, region and service class).
   * @default true
   */
  readonly createServiceConnectionPolicies?: boolean;
  /** CMEK source: keys of purpose DATABASE in each region. Required in production. @default - Google-managed encryption (refused in production) */
  readonly encryptionKeys?: IEncryptionKeys;
  /** Replicas per instance (a replica in another zone takes over on a zonal failure). @default - 1 in production, 0 elsewhere */
  readonly replicaCount?: number;
  /** Node type. @default - "HIGHMEM_MEDIUM" in production, "SHARED_CORE_NANO" elsewhere */
  readonly nodeType?: string;
  /** Valkey version. @default "VALKEY_8_0" */
  readonly engineVersion?: string;
  /** Refuse deletion while true. @default true */
  readonly deletionProtection?: boolean;
}
