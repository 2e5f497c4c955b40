import { DataGoogleLoggingProjectSettings } from '@cdktf/provider-google/lib/data-google-logging-project-settings';
import { DataGoogleProject } from '@cdktf/provider-google/lib/data-google-project';
import { KmsCryptoKey } from '@cdktf/provider-google/lib/kms-crypto-key';
import { KmsCryptoKeyIamMember } from '@cdktf/provider-google/lib/kms-crypto-key-iam-member';
import { KmsKeyRing } from '@cdktf/provider-google/lib/kms-key-ring';
import { LoggingProjectBucketConfig } from '@cdktf/provider-google/lib/logging-project-bucket-config';
import { LoggingProjectSink } from '@cdktf/provider-google/lib/logging-project-sink';
import { ProjectIamAuditConfig } from '@cdktf/provider-google/lib/project-iam-audit-config';
import { PubsubTopic } from '@cdktf/provider-google/lib/pubsub-topic';
import { PubsubTopicIamMember } from '@cdktf/provider-google/lib/pubsub-topic-iam-member';
import { Construct } from 'constructs';
import { Duration } from '../core/duration';
import { IEncryptionKeys, KeyPurpose } from '../core/encryption-keys';
import { Grantee } from '../core/grantee';
import { PlatformStack } from '../core/platform-stack';
import { validateProps } from '../core/validation';
import { KeyProtectionLevel } from './key-protection';
import { PlatformSecret, PlatformSecretOptions } from './platform-secret';
import { SecureSecretsProps } from './secure-secrets-props';
import { ResolvedSecureSecretsProps, SECURE_SECRETS_RULES } from './secure-secrets-rules';
import { SERVICE_AGENTS } from './service-agents';

const DAY_SECONDS = 86_400;
const ENCRYPTER_DECRYPTER = 'roles/cloudkms.cryptoKeyEncrypterDecrypter';
/** A region, as opposed to a multi-region ("us"): secret replicas and Pub/Sub storage need regions. */
const REGION = /-[a-z]+[0-9]+$/;
/**
 * Services whose data-access audit logs (who read or changed which key, secret, database) are
 * turned on: they are off by default in Google Cloud, and a security review needs them.
 */
export const DATA_ACCESS_AUDITED_SERVICES: readonly string[] = [
  'cloudkms.googleapis.com',
  'secretmanager.googleapis.com',
  'sqladmin.googleapis.com',
];
/** Every purpose, in a fixed order so construct ids and the synthesized JSON are stable. */
export const KEY_PURPOSES: readonly KeyPurpose[] = [KeyPurpose.DATABASE, KeyPurpose.STORAGE, KeyPurpose.SECRETS, KeyPurpose.LOGS];

/**
 * The platform's customer-managed encryption keys, its secrets, and the audit trail of both.
 *
 * - one KMS key ring per region, with one key per `KeyPurpose` (database, storage, secrets,
 *   logs): rotation every 90 days or less, `prevent_destroy`, software or HSM protection;
 * - `roles/cloudkms.cryptoKeyEncrypterDecrypter` for each Google service agent on the keys of
 *   its purpose only (Cloud SQL → database; Storage, Artifact Registry → storage; Secret
 *   Manager → secrets; Pub/Sub, Cloud Logging → logs);
 * - `addSecret`: Secret Manager secrets (containers only) replicated to the regions with their
 *   regional secrets key, rotation notices to a CMEK Pub/Sub topic, per-secret `grantAccess`;
 * - data-access audit logs for Cloud KMS, Secret Manager and Cloud SQL, and a CMEK log bucket
 *   keeping a copy of all audit logs.
 *
 * Implements `IEncryptionKeys`: pass it to the constructs that store data.
 */
export class SecureSecrets extends Construct implements IEncryptionKeys {
  /** The services whose data-access audit logs are turned on (the module constant `DATA_ACCESS_AUDITED_SERVICES` holds the same, for JavaScript and TypeScript only) */
  public static readonly DATA_ACCESS_AUDITED_SERVICES: string[] = [...DATA_ACCESS_AUDITED_SERVICES];
  /** The purposes a key is made for in every region, in key order (the module constant `KEY_PURPOSES` holds the same, for JavaScript and TypeScript only) */
  public static readonly KEY_PURPOSES: KeyPurpose[] = [...KEY_PURPOSES];
  /** Escape hatch: the key rings, in `regions` order. */
  public readonly keyRings: KmsKeyRing[];
  /** Escape hatch: every key, region by region, purposes in `KEY_PURPOSES` order. */
  public readonly cryptoKeys: KmsCryptoKey[];
  /** Escape hatch: the service-agent grants on the keys. */
  public readonly serviceAgentGrants: KmsCryptoKeyIamMember[] = [];
  /** Locations that have keys, primary first. */
  public readonly regions: string[];
  /** The topic every secret sends rotation notifications to (CMEK: the primary region's logs key). */
  public readonly rotationTopic: PubsubTopic;
  /** Escape hatch: Secret Manager's publisher grant on the rotation topic. */
  public readonly rotationPublisher: PubsubTopicIamMember;
  /** Escape hatch: the project's data-access audit log settings, one per audited service. */
  public readonly auditConfigs: ProjectIamAuditConfig[];
  /** The CMEK log bucket that keeps a copy of the project's audit logs, when `auditLogRetention` is not 0. */
  public readonly auditLogBucket?: LoggingProjectBucketConfig;
  /** The sink routing audit logs into `auditLogBucket`. */
  public readonly auditLogSink?: LoggingProjectSink;
  /** The secrets added with `addSecret`. */
  public readonly secrets: PlatformSecret[] = [];

  private readonly keys = new Map<string, KmsCryptoKey>();
  private readonly name: string;
  private projectData?: DataGoogleProject;
  private projectNumber?: string;

  constructor(scope: Construct, id: string, props: SecureSecretsProps = {}) {
    super(scope, id);
    const platform = PlatformStack.find(this);
    const p: ResolvedSecureSecretsProps = {
      ...props,
      name: props.name ?? id.toLowerCase(),
      regions: props.regions ?? platform?.regions ?? [],
      rotationPeriod: props.rotationPeriod ?? Duration.days(90),
      destroyScheduledDuration: props.destroyScheduledDuration ?? Duration.days(30),
    };
    validateProps(this.node.path, p, SECURE_SECRETS_RULES);
    this.regions = [...p.regions];
    this.name = p.name;
    this.projectNumber = p.projectNumber;

    this.keyRings = p.regions.map(
      (region) => new KmsKeyRing(this, `key-ring-${region}`, { name: `${p.name}-${region}`, location: region }),
    );
    this.cryptoKeys = p.regions.flatMap((region, i) =>
      KEY_PURPOSES.map((purpose) => {
        const key = new KmsCryptoKey(this, `key-${region}-${purpose}`, {
          name: `${p.name}-${purpose}`,
          keyRing: this.keyRings[i].id,
          purpose: 'ENCRYPT_DECRYPT',
          rotationPeriod: `${p.rotationPeriod.toSeconds()}s`,
          destroyScheduledDuration: `${p.destroyScheduledDuration.toSeconds()}s`,
          versionTemplate: {
            algorithm: 'GOOGLE_SYMMETRIC_ENCRYPTION',
            protectionLevel: p.protectionLevel ?? KeyProtectionLevel.SOFTWARE,
          },
          // Destroying a key destroys every byte encrypted with it: Terraform must refuse.
          lifecycle: { preventDestroy: true },
        });
        this.keys.set(`${region}/${purpose}`, key);
        return key;
      }),
    );

    if (p.grantServiceAgents ?? true) this.grantServiceAgents(p);

    this.rotationTopic = this.createRotationTopic(p);
    // Secret Manager publishes the notifications; it may publish to this topic only.
    this.rotationPublisher = new PubsubTopicIamMember(this, 'rotation-topic-publisher', {
      topic: this.rotationTopic.name,
      role: 'roles/pubsub.publisher',
      member: `serviceAccount:${this.agentEmail('secretmanager.googleapis.com')}`,
    });
    this.auditConfigs =
      (p.dataAccessAuditLogs ?? true)
        ? DATA_ACCESS_AUDITED_SERVICES.map(
            (service) =>
              new ProjectIamAuditConfig(this, `audit-${service.split('.')[0]}`, {
                project: this.project().projectId,
                service,
                auditLogConfig: [{ logType: 'ADMIN_READ' }, { logType: 'DATA_READ' }, { logType: 'DATA_WRITE' }],
              }),
          )
        : [];

    const auditLogRetention = p.auditLogRetention ?? Duration.days(400);
    if (auditLogRetention.isUnresolved() || auditLogRetention.toDays() !== 0) {
      // A copy of every audit log (admin activity and data access) in a bucket we control: CMEK
      // with the primary region's logs key, and a retention that outlives the _Default bucket's 30 days.
      const region = p.regions.find((r) => REGION.test(r)) ?? p.regions[0];
      const projectId = this.project().projectId;
      this.auditLogBucket = new LoggingProjectBucketConfig(this, 'audit-log-bucket', {
        project: projectId,
        location: region,
        bucketId: `${p.name}-audit`,
        description: 'Copy of the project audit logs (admin activity, data access), CMEK-encrypted.',
        retentionDays: auditLogRetention.toDays(),
        cmekSettings: { kmsKeyName: this.keyId(region, KeyPurpose.LOGS) },
        dependsOn: this.agentGrants('logging'),
      });
      this.auditLogSink = new LoggingProjectSink(this, 'audit-log-sink', {
        name: `${p.name}-audit-logs`,
        destination: `logging.googleapis.com/projects/${projectId}/locations/${region}/buckets/${p.name}-audit`,
        filter: 'logName:"cloudaudit.googleapis.com"',
        uniqueWriterIdentity: true,
        dependsOn: [this.auditLogBucket],
      });
    }
  }

  /**
   * Add a Secret Manager secret (the container; values arrive out of band), replicated to every
   * region of this construct with that region's secrets key, notifying `rotationTopic`.
   * @param id construct id; also the default secret name suffix (`<name>-<id>`)
   * @param options rotation, destroy TTL, annotations
   */
  public addSecret(id: string, options: PlatformSecretOptions = {}): PlatformSecret {
    const secret = new PlatformSecret(this, `secret-${id}`, {
      ...options,
      defaultSecretId: `${this.name}-${id}`,
      regions: this.regions.filter((r) => REGION.test(r)),
      keys: this,
      rotationTopic: this.rotationTopic.id,
      // Secret Manager checks the key grants when it creates the replicas, and the topic grant.
      dependsOn: [...this.agentGrants('secret-manager'), this.rotationPublisher],
    });
    this.secrets.push(secret);
    return secret;
  }

  /**
   * The key id for `purpose` in `region` (implements `IEncryptionKeys`).
   * @param region a location passed in `regions`
   * @param purpose what the key protects
   */
  public keyId(region: string, purpose: KeyPurpose): string {
    return this.key(region, purpose).id;
  }

  /**
   * The key resource for `purpose` in `region`; throws when there is none, because data must not
   * fall back to Google-managed keys silently.
   */
  public key(region: string, purpose: KeyPurpose): KmsCryptoKey {
    const key = this.keys.get(`${region}/${purpose}`);
    if (!key) {
      throw new Error(
        `${this.node.path}: no ${purpose} key in ${region}; keys exist in ${this.regions.join(', ')}: add "${region}" to SecureSecrets regions`,
      );
    }
    return key;
  }

  /**
   * Let `grantee` encrypt and decrypt with the `purpose` key in `region` (additive).
   * @param id construct id of the grant; unique within this construct
   * @param grantee e.g. `Grantee.fromServiceAccountEmail("service-123@gcp-sa-example.iam.gserviceaccount.com")`
   */
  public grantEncryptDecrypt(id: string, region: string, purpose: KeyPurpose, grantee: Grantee): KmsCryptoKeyIamMember {
    return new KmsCryptoKeyIamMember(this, id, {
      cryptoKeyId: this.keyId(region, purpose),
      role: ENCRYPTER_DECRYPTER,
      member: grantee.member,
    });
  }

  /** The provider's project, read once: its number names the service agents. */
  private project(): DataGoogleProject {
    this.projectData ??= new DataGoogleProject(this, 'project');
    return this.projectData;
  }

  private agentEmail(service: string): string {
    const agent = SERVICE_AGENTS.find((a) => a.service === service)!;
    return agent.email!(this.projectNumber ?? this.project().number);
  }

  private createRotationTopic(p: ResolvedSecureSecretsProps): PubsubTopic {
    const primary = p.regions[0];
    return new PubsubTopic(this, 'rotation-topic', {
      name: `${p.name}-secret-rotation`,
      kmsKeyName: this.keyId(primary, KeyPurpose.LOGS),
      // Messages stay in the platform's regions (data residency).
      messageStoragePolicy: { allowedPersistenceRegions: p.regions.filter((r) => REGION.test(r)) },
      messageRetentionDuration: `${7 * DAY_SECONDS}s`,
      // Pub/Sub checks its key grant when it creates the topic.
      dependsOn: this.agentGrants('pubsub'),
    });
  }

  private agentGrants(agent: string): KmsCryptoKeyIamMember[] {
    return this.serviceAgentGrants.filter((g) => g.node.id.startsWith(`agent-${agent}-`));
  }

  private grantServiceAgents(p: ResolvedSecureSecretsProps): void {
    const project = this.project();
    const projectNumber = p.projectNumber ?? project.number;
    // Cloud Logging's CMEK account is per project but not derivable from the number: read it.
    const logging = new DataGoogleLoggingProjectSettings(this, 'logging-settings', { project: project.projectId });
    for (const region of p.regions) {
      for (const agent of SERVICE_AGENTS) {
        const email = agent.email ? agent.email(projectNumber) : logging.kmsServiceAccountId;
        this.serviceAgentGrants.push(
          this.grantEncryptDecrypt(`agent-${agent.name}-${region}`, region, agent.purpose, Grantee.fromServiceAccountEmail(email)),
        );
      }
    }
  }
}
