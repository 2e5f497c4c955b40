import { SecretManagerSecret } from '@cdktf/provider-google/lib/secret-manager-secret';
import { SecretManagerSecretIamMember } from '@cdktf/provider-google/lib/secret-manager-secret-iam-member';
import { Fn, ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { Duration } from '../core/duration';
import { IEncryptionKeys, KeyPurpose } from '../core/encryption-keys';
import { Grantee } from '../core/grantee';
import { Rule, isToken, validateProps, isKnown } from '../core/validation';
import { SecretAccess } from './secret-access';

/** What `SecureSecrets.addSecret` takes. */
export interface PlatformSecretOptions {
  /** Secret Manager secret id (1-255 letters, digits, "-", "_"). @default - `<SecureSecrets name>-<construct id>` */
  readonly secretId?: string;
  /**
   * Time between rotation notifications to the rotation topic, 1 to 365 whole days. Rotation itself
   * is the subscriber's job (or a person's, following docs/security/secrets.md).
   * @default Duration.days(90)
   */
  readonly rotationPeriod?: Duration;
  /** How long a destroyed secret version stays recoverable (disabled) before it is gone, 1 to 30 whole days. @default Duration.days(7) */
  readonly versionDestroyTtl?: Duration;
  /** Annotations (metadata, not labels: not used for billing or filtering). @default - `value-source: out-of-band` only */
  readonly annotations?: { [key: string]: string };
}

/** Everything a `PlatformSecret` needs; `SecureSecrets.addSecret` fills the wiring in. */
export interface PlatformSecretProps extends PlatformSecretOptions {
  /** Secret id used when `secretId` is absent. */
  readonly defaultSecretId: string;
  /** Replica locations: one replica per region, each with that region's `KeyPurpose.SECRETS` key. */
  readonly regions: string[];
  /** Where the regional CMEK keys come from. */
  readonly keys: IEncryptionKeys;
  /** Pub/Sub topic id that receives rotation (and other) notifications. */
  readonly rotationTopic: string;
  /** Resources the secret must wait for (the key and topic grants Secret Manager needs). @default - none */
  readonly dependsOn?: ITerraformDependable[];
}

const SECRET_ID = /^[A-Za-z0-9_-]{1,255}$/;
const wholeDaysIn = (d: Duration | undefined, min: number, max: number): boolean =>
  d === undefined || d.isUnresolved() || (Number.isInteger(d.toDays()) && d.toDays() >= min && d.toDays() <= max);

const RULES: ReadonlyArray<Rule<PlatformSecretProps>> = [
  {
    when: (p) => isKnown(p.secretId) && !SECRET_ID.test(p.secretId!),
    say: (p) => `secretId "${p.secretId}" is not a Secret Manager id: use 1-255 letters, digits, "-" and "_"`,
  },
  {
    when: (p) => !wholeDaysIn(p.rotationPeriod, 1, 365),
    say: (p) => `rotationPeriod is ${p.rotationPeriod}: give a whole number of days from 1 to 365`,
  },
  {
    when: (p) => !wholeDaysIn(p.versionDestroyTtl, 1, 30),
    say: (p) => `versionDestroyTtl is ${p.versionDestroyTtl}: give a whole number of days from 1 to 30`,
  },
  {
    when: (p) => !isToken(p.regions) && p.regions.length === 0,
    say: () => 'regions is empty: a secret needs at least one replica region',
  },
];

/**
 * One Secret Manager secret: the container only. Its values never pass through Terraform (no
 * `google_secret_manager_secret_version` here), so they never land in state or in the
 * synthesized JSON; they arrive out of band (`gcloud secrets versions add`, see
 * docs/security/secrets.md).
 *
 * User-managed replication in the platform's regions, each replica encrypted with that region's
 * secrets key; rotation notifications to a Pub/Sub topic; a destroy TTL on versions.
 */
export class PlatformSecret extends Construct {
  /** Escape hatch: the secret. */
  public readonly secret: SecretManagerSecret;
  /** The secret's id as Terraform knows it (`projects/<p>/secrets/<name>`), for secret env vars and grants. */
  public readonly secretId: string;
  /** The secret's short name. */
  public readonly secretName: string;

  constructor(scope: Construct, id: string, props: PlatformSecretProps) {
    super(scope, id);
    validateProps(this.node.path, props, RULES);
    this.secretName = props.secretId ?? props.defaultSecretId;
    const rotation = props.rotationPeriod ?? Duration.days(90);
    this.secret = new SecretManagerSecret(this, 'secret', {
      secretId: this.secretName,
      replication: {
        userManaged: {
          replicas: props.regions.map((location) => ({
            location,
            customerManagedEncryption: { kmsKeyName: props.keys.keyId(location, KeyPurpose.SECRETS) },
          })),
        },
      },
      topics: [{ name: props.rotationTopic }],
      rotation: {
        rotationPeriod: `${rotation.toSeconds()}s`,
        // The API needs a first rotation time; set once at creation (ignored afterwards), so the
        // synthesized JSON stays the same on every synth.
        nextRotationTime: Fn.timeadd(Fn.plantimestamp(), `${rotation.toHours()}h`),
      },
      versionDestroyTtl: `${(props.versionDestroyTtl ?? Duration.days(7)).toSeconds()}s`,
      annotations: { 'value-source': 'out-of-band', ...props.annotations },
      lifecycle: { ignoreChanges: ['rotation[0].next_rotation_time'] },
      dependsOn: props.dependsOn,
    });
    this.secretId = this.secret.id;
  }

  /**
   * Let `grantee` read this secret's values (`roles/secretmanager.secretAccessor` on this secret
   * only; additive).
   * @param id construct id of the grant; unique within this secret
   * @param grantee e.g. `Grantee.fromServiceAccount(webhook.serviceAccount)`
   */
  public grantAccess(id: string, grantee: Grantee): SecretManagerSecretIamMember {
    return SecretAccess.grant(this, id, this.secretId, grantee);
  }
}
