import { GcsBackend, Lazy, LocalBackend } from 'cdktf';
import { Construct } from 'constructs';
import { PlatformStack } from '../constructs/core/platform-stack';
import { ScalableWebhook } from '../constructs/scalable-webhook/scalable-webhook';
import { SecureSecrets } from '../constructs/secure-secrets/secure-secrets';
import { SecurityMonitoring } from '../constructs/security-monitoring/security-monitoring';
import { SloAlerting } from '../constructs/slo-alerting/slo-alerting';
import { SloTarget } from '../constructs/slo-alerting/slo-target';
import { MonitoringNotificationChannel } from '@cdktf/provider-google/lib/monitoring-notification-channel';
import { DataGoogleProject } from '@cdktf/provider-google/lib/data-google-project';
import { EnvironmentConfig } from './config';
import { DrBackup } from '../constructs/dr-backup/dr-backup';
import { Duration } from '../constructs/dr-backup/duration';
import { MultiRegionDb } from '../constructs/multi-region-db/multi-region-db';
import { PlatformNetwork } from './platform-network';

/** Where DrBackup's bucket keys live: the KMS multi-region of its default dual-region (NAM4 → us). */
const BACKUP_KEY_LOCATION = 'us';

/**
 * One environment of the reference platform. Later constructs (database, secrets, SLOs, backups)
 * are composed here as they land.
 */
export class WebhookPlatformStack extends PlatformStack {
  public readonly webhook: ScalableWebhook;
  /** CMEK keys per region and purpose (IEncryptionKeys for the data constructs), and the platform's secrets. */
  public readonly secrets: SecureSecrets;
  /** Issue 4: the VPC for the database's private IPs and the webhook's egress. */
  public readonly network: PlatformNetwork;
  /** Issue 4: the persistent tier (feedback, analytics, persistent cache). */
  public readonly database: MultiRegionDb;
  /** Issue 4: backups sized by the environment's RPO/RTO. */
  public readonly backups: DrBackup;
  /** Threat-detection metrics and alerts (IAM changes, key creation, secret reads, KMS, Cloud Armor, auth failures). */
  public readonly securityMonitoring: SecurityMonitoring;
  public readonly slos: SloAlerting;

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
    // Issue 4: plus the multi-region that holds the backup bucket's key.
    this.secrets = new SecureSecrets(this, 'secrets', { name: 'convai', regions: [...config.regions, BACKUP_KEY_LOCATION] });

    // ---- Issue 4: database tier and backups ----
    this.network = new PlatformNetwork(this, 'network', { name: `convai-${config.name}`, regions: config.regions });
    this.database = new MultiRegionDb(this, 'database', {
      name: 'convai-db',
      network: this.network.network.id,
      encryptionKeys: this.secrets,
    });
    // Production: lose at most 15 minutes, be back within 30 (DR replica switchover). Dev has one
    // region, so a day's loss and a restore from backup are what it can promise.
    this.backups = new DrBackup(this, 'backups', {
      database: this.database,
      name: 'convai-backups',
      rpo: this.production ? Duration.minutes(15) : Duration.hours(24),
      rto: this.production ? Duration.minutes(30) : Duration.hours(8),
      encryptionKeys: this.secrets,
      bucketKeyLocation: BACKUP_KEY_LOCATION,
    });
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
      env: {
        NODE_ENV: 'production',
        PLATFORM_ENV: config.environment,
        // Issue 4: IAM database auth, no password. Lazy: the URL names the webhook's own service account.
        DATABASE_URL: Lazy.stringValue({ produce: () => this.database.databaseUrl(this.webhook.serviceAccount.email) }),
        PG_IAM_AUTH: 'true',
      },
      secretEnv: { WEBHOOK_SHARED_SECRET: { secret: sharedSecret.secretId } },
    });

    // Issue 4: the webhook connects to the database with IAM auth, over Direct VPC egress.
    this.database.grantConnect('webhook', this.webhook.serviceAccount.email);
    this.webhook.services.forEach((service, i) =>
      service.addOverride('template.vpc_access', {
        network_interfaces: [{ network: this.network.network.id, subnetwork: this.network.subnets[i].id }],
        egress: 'PRIVATE_RANGES_ONLY',
      }),
    );

    // Only the webhook reads secret values; any other reader is a finding.
    this.securityMonitoring = new SecurityMonitoring(this, 'security-monitoring', {
      name: 'convai-security',
      expectedSecretAccessors: [this.webhook.serviceAccount.email],
    });

    // --- issue 6: SLOs, burn-rate/forecast/quality alerts, uptime check, dashboard ---
    this.slos = this.sloAlerting(config);
  }

  private sloAlerting(config: EnvironmentConfig): SloAlerting {
    const channels = (id: string, emails: string[]): string[] =>
      emails.map(
        (email, i) =>
          new MonitoringNotificationChannel(this, `${id}-${i}`, {
            displayName: `${config.name} ${id}: ${email}`,
            type: 'email',
            labels: { email_address: email },
          }).id,
      );
    const pageChannels = channels('page-channel', config.alerting?.pageEmails ?? []);
    const ticketEmails = config.alerting?.ticketEmails;
    // The uptime check calls the IAM-protected webhook with the Monitoring service agent's ID token.
    const project = new DataGoogleProject(this, 'monitoring-project');
    this.webhook.grantInvoke(
      'uptime-check',
      `serviceAccount:service-${project.number}@gcp-sa-monitoring-notification.iam.gserviceaccount.com`,
    );
    return new SloAlerting(this, 'slo', {
      name: 'webhook',
      target: SloTarget.cloudRun({ services: this.webhook.services }),
      pageChannels,
      ticketChannels: ticketEmails ? channels('ticket-channel', ticketEmails) : undefined,
      uptimeHost: config.domains[0],
      nlpQuotaPerMinute: config.nlpQuotaPerMinute,
    });
  }
}
