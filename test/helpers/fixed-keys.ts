import { IEncryptionKeys, KeyPurpose } from '../../constructs/core/encryption-keys';

/** Deterministic CMEK ids for tests: `projects/kms-test/locations/<region>/keyRings/convai/cryptoKeys/<purpose>`. */
export class FixedKeys implements IEncryptionKeys {
  public keyId(region: string, purpose: KeyPurpose): string {
    return `projects/kms-test/locations/${region}/keyRings/convai/cryptoKeys/${purpose}`;
  }
}
