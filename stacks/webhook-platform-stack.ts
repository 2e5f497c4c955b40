import { GcsBackend, LocalBackend } from 'cdktf';
import { Construct } from 'constructs';
import { PlatformStack } from '../constructs/core/platform-stack';
import { ScalableWebhook } from '../constructs/scalable-webhook/scalable-webhook';
import { SecureSecrets } from '../constructs/secure-secrets/secure-secrets';
import { SecurityMonitoring } from '../constructs/security-monitoring/security-monitoring';
import { EnvironmentConfig } from './config';

/**
 * One environment of the reference platform. Later constructs (database, secrets, SLOs, backups)
 * are composed here as they land.
 */
export class WebhookPlatformStack extends PlatformStack {
  public readonly webhook: ScalableWebhook;
  /** CMEK keys per region and purpose (IEncryptionKeys for the data constructs), and the platform's secrets. */
  public readonly secrets: SecureSecrets;
  /** Threat-detection metrics and alerts (IAM changes, key creation, secret reads, KMS, Cloud Armor, auth failures). */
  public readonly securityMonitoring: SecurityMonitoring;

  constructor(scope: Construct, config: EnvironmentConfig) {
    super(scope, config.name, {
      projectId: config.projectId,
      environment: config.environment,
      regions: config.regions,
      team: config.team,
      costCenter: config.costCenter,
    });
    // A relative local path keeps the synthesized JSON identical on every machine.
    if (config.stateBucket) new GcsBackend(this, { bucket: config.stateBucket, prefix: `convai/${config.name}` });
    else new LocalBackend(this, { path: `terraform.${config.name}.tfstate` });

    // Keys first: every construct that stores data takes them (IEncryptionKeys).
    this.secrets = new SecureSecrets(this, 'secrets', { name: 'convai' });
    // The runtime's shared secret (AUTH_MODE=shared-secret): the value is added out of band
    // before the first deploy, see docs/security/secrets.md.
    const sharedSecret = this.secrets.addSecret('webhook-shared-secret', {
      annotations: { purpose: 'webhook-shared-secret-auth' },
    });

    this.webhook = new ScalableWebhook(this, 'webhook', {
      image: config.image,
      domains: config.domains,
      minInstances: config.minInstances,
      maxInstances: config.maxInstances,
      env: { NODE_ENV: 'production', PLATFORM_ENV: config.environment },
      secretEnv: { WEBHOOK_SHARED_SECRET: { secret: sharedSecret.secretId } },
    });

    // Only the webhook reads secret values; any other reader is a finding.
    this.securityMonitoring = new SecurityMonitoring(this, 'security-monitoring', {
      name: 'convai-security',
      expectedSecretAccessors: [this.webhook.serviceAccount.email],
    });
  }
}
