import { DataGoogleClientConfig } from '@cdktf/provider-google/lib/data-google-client-config';
import { DataGoogleProject } from '@cdktf/provider-google/lib/data-google-project';
import { MonitoringAlertPolicy } from '@cdktf/provider-google/lib/monitoring-alert-policy';
import { MonitoringNotificationChannel } from '@cdktf/provider-google/lib/monitoring-notification-channel';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { Fn, GcsBackend, Lazy, LocalBackend } from 'cdktf';
import { Construct } from 'constructs';
import {
  DrBackup,
  Duration,
  GkeClusterMode,
  Grantee,
  HardenedGkeCluster,
  ImageRepositories,
  IncidentResponse,
  KeyPurpose,
  MemorystoreCache,
  MultiRegionDb,
  Platform,
  PlatformStack,
  ScalableWebhook,
  SecureSecrets,
  SecurityMonitoring,
  SloAlerting,
  SloTarget,
} from '../constructs';
import { EnvironmentConfig, GkeConfig } from './config';
import { experimentsEnv } from './experiments-env';
import { PlatformNetwork } from './platform-network';

/** Where DrBackup's bucket keys live: the KMS multi-region of its default dual-region (NAM4 → us). */
const BACKUP_KEY_LOCATION = 'us';
/** Namespace of the webhook on GKE. */
const GKE_NAMESPACE = 'convai-webhook';

/**
 * One environment of the reference platform, on Cloud Run (default) or GKE (`gke` in the
 * environment's config): keys and secrets first, then the network, the multi-region database and
 * its backups, the webhook, threat detection and SLO alerting. Every environment gets the same
 * security, data and monitoring path; only the compute differs.
 */
export class WebhookPlatformStack extends PlatformStack {
  public readonly webhook: ScalableWebhook;
  /** CMEK keys per region and purpose (IEncryptionKeys for the data constructs), and the platform's secrets. */
  public readonly secrets: SecureSecrets;
  /** The VPC for the database's private IPs and Cloud Run's egress (Cloud Run environments; GKE brings its own network). */
  public readonly network?: PlatformNetwork;
  /** The hardened cluster the webhook runs on (GKE environments). */
  public readonly cluster?: HardenedGkeCluster;
  /** The persistent tier (turn events, feedback, persistent cache). */
  public readonly database: MultiRegionDb;
  /**
   * Shared state (L2 cache, rate limits, idempotency across instances), production only: dev scales
   * to zero on one instance, where per-instance state is enough and an always-on instance is not worth its cost.
   */
  public readonly sharedState?: MemorystoreCache;
  /** Backups sized by the environment's RPO/RTO. */
  public readonly backups: DrBackup;
  /** Threat-detection metrics and alerts (IAM changes, key creation, secret reads, KMS, Cloud Armor, auth failures). */
  public readonly securityMonitoring: SecurityMonitoring;
  public readonly slos: SloAlerting;
  /** Production: every SLO alert also goes to the incident responder (correlation, impact, first response). */
  public readonly incidents?: IncidentResponse;

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

    // Keys first: every construct that stores data takes them (IEncryptionKeys), plus the
    // multi-region that holds the backup bucket's key.
    this.secrets = new SecureSecrets(this, 'secrets', { name: 'convai', regions: [...config.regions, BACKUP_KEY_LOCATION] });

    // GKE environments run in the cluster's VPC; Cloud Run ones get a VPC for Direct VPC egress.
    let networkId: string;
    if (config.gke) {
      networkId = `projects/${config.projectId}/global/networks/${config.gke.network}`;
    } else {
      this.network = new PlatformNetwork(this, 'network', { name: `convai-${config.name}`, regions: config.regions });
      networkId = this.network.network.id;
    }
    // Alerts reach people: pages to on-call, tickets to the team (from the environment's config).
    // One channel model for every alerting construct: CRITICAL pages, ERROR/WARNING open tickets.
    const pageChannels = this.emailChannels(config, 'page-channel', config.alerting?.pageEmails ?? []);
    const ticketChannels = config.alerting?.ticketEmails
      ? this.emailChannels(config, 'ticket-channel', config.alerting.ticketEmails)
      : undefined;
    const alertChannels = { pageChannels: pageChannels.length > 0 ? pageChannels : undefined, ticketChannels };

    this.database = new MultiRegionDb(this, 'database', {
      name: 'convai-db',
      network: networkId,
      encryptionKeys: this.secrets,
      shards: config.databaseShards,
    });

    // Memorystore in every region the webhook serves from, on the platform VPC (Cloud Run) or the
    // cluster's subnet (GKE); its service agent encrypts with our DATABASE keys.
    if (this.production) {
      const servedRegions = config.gke ? [config.regions[0]] : config.regions;
      this.sharedState = new MemorystoreCache(this, 'shared-state', {
        name: 'convai-state',
        regions: servedRegions,
        network: networkId,
        subnetworks: config.gke
          ? [`projects/${config.projectId}/regions/${config.regions[0]}/subnetworks/${config.gke.subnetwork}`]
          : this.network!.subnets.map((s) => s.id),
        encryptionKeys: this.secrets,
      });
      const project = new DataGoogleProject(this, 'memorystore-project');
      servedRegions.forEach((region) =>
        this.secrets.grantEncryptDecrypt(
          `agent-memorystore-${region}`,
          region,
          KeyPurpose.DATABASE,
          Grantee.fromServiceAccountEmail(`service-${project.number}@gcp-sa-memorystore.iam.gserviceaccount.com`),
        ),
      );
    }
    // The runtime reads every shard with IAM auth (no password) and verified TLS (each instance's
    // server CA and name: Cloud SQL certificates name the instance, not the IP). Lazy: the URLs name
    // the webhook's own service account, which exists only once the webhook does.
    const databaseEnv = {
      ...this.database.runtimeDatabaseEnv(Lazy.stringValue({ produce: () => this.webhook.serviceAccount.email })),
      ...this.sharedState?.runtimeEnv(),
      // The A/B experiments the runtime runs, from the reviewed, versioned document.
      ...experimentsEnv(config),
    };
    if (config.gke) {
      this.cluster = this.gkeCluster(config.gke, config);
      this.webhook = this.gkeWebhook(config, config.gke, this.cluster, databaseEnv);
    } else {
      this.webhook = this.cloudRunWebhook(config, databaseEnv);
    }
    const runtime = Grantee.fromServiceAccount(this.webhook.serviceAccount);
    this.database.grantConnect('webhook', runtime);
    this.sharedState?.grantConnect('webhook', runtime);

    // Production: lose at most 15 minutes, be back within 30 (DR replica switchover). A
    // single-region environment can only promise a day's loss and a restore from backup. After the
    // webhook: the failover workflow repoints its Cloud Run services (GKE: by hand, see
    // docs/disaster_recovery/procedures.md). Production also drills a restore every 12 h.
    const multiRegion = config.regions.length > 1;
    this.backups = new DrBackup(this, 'backups', {
      database: this.database,
      name: 'convai-backups',
      rpo: this.production && multiRegion ? Duration.minutes(15) : Duration.hours(24),
      rto: this.production && multiRegion ? Duration.minutes(30) : Duration.hours(8),
      encryptionKeys: this.secrets,
      bucketKeyLocation: BACKUP_KEY_LOCATION,
      failoverServices: this.webhook.services.length > 0 ? this.webhook.services : undefined,
      runtimeServiceAccountEmail: this.webhook.services.length > 0 ? this.webhook.serviceAccount.email : undefined,
      ...alertChannels,
    });

    // Only the webhook reads secret values; any other reader is a finding.
    this.securityMonitoring = new SecurityMonitoring(this, 'security-monitoring', {
      name: 'convai-security',
      expectedSecretAccessors: [this.webhook.serviceAccount.email],
      ...alertChannels,
    });

    // The webhook's platform says where its request metrics are; the database's engine what can
    // run out (Cloud SQL disk and connections, by literal instance name in titles and addresses).
    this.slos = new SloAlerting(this, 'slo', {
      name: 'webhook',
      target: SloTarget.fromWebhook(this.webhook),
      ...alertChannels,
      uptimeHost: config.domains[0],
      nlpQuotaPerMinute: config.nlpQuotaPerMinute,
      database: this.database,
    });

    if (this.production) {
      // The Google Chat webhook URL of the incident channel is added out of band, like the shared secret.
      const chat = this.secrets.addSecret('incident-chat-webhook', { annotations: { purpose: 'incident-channel' } });
      this.incidents = new IncidentResponse(this, 'incidents', {
        name: 'convai',
        image: config.image,
        region: config.regions[0],
        encryptionKeys: this.secrets,
        alerting: this.slos,
        chatWebhookSecret: chat.secretId,
        // First response: readiness and min instances of the webhook's Cloud Run services, incidents
        // and runtime flags in the platform database (reached through the VPC, like the webhook).
        webhook: this.webhook,
        database: this.database,
        network: config.gke
          ? {
              network: networkId,
              subnetwork: `projects/${config.projectId}/regions/${config.regions[0]}/subnetworks/${config.gke.subnetwork}`,
            }
          : { network: this.network!.network.id, subnetwork: this.network!.subnets[0].id },
        operators: config.alerting?.incidentOperators,
      });
      // Every alert of the stack, not only the SLOs': backups and threat detection too.
      this.incidents.notifyFrom(this.node.findAll().filter((c): c is MonitoringAlertPolicy => c instanceof MonitoringAlertPolicy));
    }
  }

  private cloudRunWebhook(config: EnvironmentConfig, databaseEnv: Record<string, string>): ScalableWebhook {
    // Dialogflow sends this value in the X-Webhook-Secret header (configured on the agent's
    // webhook), beside the service agent's ID token that Cloud Run IAM checks. The value is added
    // out of band before the first deploy: docs/security/secrets.md.
    const sharedSecret = this.secrets.addSecret('webhook-shared-secret', { annotations: { purpose: 'webhook-shared-secret-auth' } });
    const webhook = new ScalableWebhook(this, 'webhook', {
      image: config.image,
      domains: config.domains,
      minInstances: config.minInstances,
      maxInstances: config.maxInstances,
      env: { NODE_ENV: 'production', PLATFORM_ENV: config.environment, AUTH_MODE: 'shared-secret', ...databaseEnv },
      secretEnv: { WEBHOOK_SHARED_SECRET: { secret: sharedSecret.secretId } },
    });
    // Cloud Run reaches the database's private IP through Direct VPC egress in each region.
    webhook.services.forEach((service, i) =>
      service.addOverride('template.vpc_access', {
        network_interfaces: [{ network: this.network!.network.id, subnetwork: this.network!.subnets[i].id }],
        egress: 'PRIVATE_RANGES_ONLY',
      }),
    );
    // The uptime check calls the IAM-protected webhook with the Monitoring service agent's ID token.
    const project = new DataGoogleProject(this, 'monitoring-project');
    webhook.grantInvoke(
      'uptime-check',
      Grantee.fromServiceAccountEmail(`service-${project.number}@gcp-sa-monitoring-notification.iam.gserviceaccount.com`),
    );
    return webhook;
  }

  private gkeCluster(gke: GkeConfig, config: EnvironmentConfig): HardenedGkeCluster {
    const cluster = new HardenedGkeCluster(this, 'cluster', {
      name: `convai-${config.name}`,
      region: config.regions[0],
      zones: gke.zones,
      network: gke.network,
      subnetwork: gke.subnetwork,
      podsRangeName: gke.podsRangeName,
      servicesRangeName: gke.servicesRangeName,
      masterAuthorizedNetworks: gke.masterAuthorizedNetworks,
      mode: gke.autopilot ? GkeClusterMode.autopilot() : GkeClusterMode.standard(),
      // The nodes read the one repository the webhook image comes from, not every repository.
      imageRepositories: [ImageRepositories.fromImage(config.image)],
    });
    // The Kubernetes provider talks to the new cluster with the caller's Google credentials.
    const client = new DataGoogleClientConfig(this, 'google-client');
    new KubernetesProvider(this, 'kubernetes', {
      host: `https://${cluster.cluster.endpoint}`,
      token: client.accessToken,
      clusterCaCertificate: Fn.base64decode(cluster.cluster.masterAuth.clusterCaCertificate),
    });
    return cluster;
  }

  private gkeWebhook(
    config: EnvironmentConfig,
    gke: GkeConfig,
    cluster: HardenedGkeCluster,
    databaseEnv: Record<string, string>,
  ): ScalableWebhook {
    const range = this.database.privateServicesRange;
    return new ScalableWebhook(this, 'webhook', {
      image: config.image,
      domains: config.domains,
      // One cluster serves from its own region; the other regions hold database replicas.
      regions: [config.regions[0]],
      platform: Platform.gke({
        clusterName: cluster.cluster.name,
        zones: cluster.zones,
        network: cluster.network,
        nodeServiceAccount: cluster.nodeServiceAccount.email,
        workloadIdentityPool: cluster.workloadIdentityPool,
        namespace: GKE_NAMESPACE,
        minReplicas: gke.minReplicas,
        maxReplicas: gke.maxReplicas,
        databaseCidr: range ? `${range.address}/${range.prefixLength}` : undefined,
        // Egress to the region's Memorystore endpoint only (6378/6379).
        redisCidr: this.sharedState ? `${this.sharedState.primaryAddress(config.regions[0])}/32` : undefined,
      }),
      env: { PLATFORM_ENV: config.environment, ...databaseEnv },
    });
  }

  private emailChannels(config: EnvironmentConfig, id: string, emails: string[]): string[] {
    return emails.map(
      (email, i) =>
        new MonitoringNotificationChannel(this, `${id}-${i}`, {
          displayName: `${config.name} ${id}: ${email}`,
          type: 'email',
          labels: { email_address: email },
        }).id,
    );
  }
}
