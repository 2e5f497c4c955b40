import { Testing } from 'cdktf';
import { KeyPurpose } from '../../constructs/core/encryption-keys';
import { DEFAULT_CONFIG } from '../../stacks/config';
import { WebhookPlatformStack } from '../../stacks/webhook-platform-stack';

describe('reference platform: SecureSecrets', () => {
  test.each(DEFAULT_CONFIG.environments.map((e) => [e.name, e] as const))('%s: keys for every purpose in every region', (_name, config) => {
    const stack = new WebhookPlatformStack(Testing.app(), config);
    // Plus "us", the KMS multi-region of the backup bucket (DrBackup, dual-region NAM4).
    expect(stack.secrets.regions).toEqual([...config.regions, 'us']);
    for (const region of config.regions) {
      for (const purpose of Object.values(KeyPurpose)) expect(() => stack.secrets.keyId(region, purpose)).not.toThrow();
    }
  });
});
