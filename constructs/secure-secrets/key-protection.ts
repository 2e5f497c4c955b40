/**
 * Where a KMS key's material lives. HSM keys cost more per key version and per operation, and
 * are what some compliance regimes (PCI DSS, FIPS 140-2 Level 3) ask for.
 */
export enum KeyProtectionLevel {
  /** Software keys (FIPS 140-2 Level 1). */
  SOFTWARE = 'SOFTWARE',
  /** Keys in Cloud HSM (FIPS 140-2 Level 3). */
  HSM = 'HSM',
}
