/**
 * What a customer-managed encryption key protects. Each purpose gets its own key per region, so
 * disabling one (say, after a leak of database exports) leaves the others working.
 */
export enum KeyPurpose {
  /** Cloud SQL instances and replicas. */
  DATABASE = 'database',
  /** Cloud Storage buckets (backups, exports, artifacts). */
  STORAGE = 'storage',
  /** Secret Manager replicas. */
  SECRETS = 'secrets',
  /** Log buckets, Pub/Sub topics and other telemetry sinks. */
  LOGS = 'logs',
}

/**
 * A source of regional CMEK keys. `SecureSecrets` implements it; constructs that encrypt data
 * (`MultiRegionDb`, `DrBackup`, ...) take one as a prop so keys are created once and shared.
 * Any other implementation works too, e.g. keys from a central security project.
 */
export interface IEncryptionKeys {
  /**
   * The KMS key id (`projects/p/locations/<region>/keyRings/r/cryptoKeys/k`) for `purpose` in
   * `region`. Throws when the source has no key there: data must not fall back to Google-managed keys.
   * @param region a Google Cloud region, or a multi-region location such as "us" or "eu"
   * @param purpose what the key protects
   */
  keyId(region: string, purpose: KeyPurpose): string;
}
