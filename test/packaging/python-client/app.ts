/**
 * The TypeScript twin of `app.py`: the same platform app, statement for statement, written against
 * the library's TypeScript API (constructs/index.ts, what the npm package exports). The Python
 * packaging test (test/packaging/python-client.test-python.ts) synthesizes both from the same
 * `platform.config.json` and requires the same Terraform JSON, so a difference is the binding's
 * doing, not the app's. Keep the two files in step: a change to one is a change to the other.
 *
 * Both read the reference app's configuration format (stacks/config.ts, `PLATFORM_CONFIG`), the
 * Cloud Run environments only, and wire the five constructs the way the reference stack
 * (stacks/webhook-platform-stack.ts) does: SecureSecrets → MultiRegionDb → ScalableWebhook →
 * DrBackup → SloAlerting. What the reference stack has beyond that (SecurityMonitoring, Memorystore,
 * IncidentResponse, experiments) is left out of both.
 */
import { ComputeFirewall } from '@cdktf/provider-google/lib/compute-firewall';
import { ComputeNetwork } from '@cdktf/provider-google/lib/compute-network';
import { ComputeSubnetwork } from '@cdktf/provider-google/lib/compute-subnetwork';
import { DataGoogleProject } from '@cdktf/provider-google/lib/data-google-project';
import { MonitoringNotificationChannel } from '@cdktf/provider-google/lib/monitoring-notification-channel';
import { App, IResolveContext, IStringProducer, Lazy, LocalBackend } from 'cdktf';
import { readFileSync } from 'node:fs';
import {
  DrBackup,
  Duration,
  Grantee,
  MultiRegionDb,
  PlatformStack,
  ScalableWebhook,
  SecureSecrets,
  SloAlerting,
  SloTarget,
} from '../../../constructs';

/** One environment of the reference app's configuration (the fields this app reads). */
export interface Environment {
  readonly name: string;
  readonly projectId: string;
  readonly environment: string;
  readonly regions: string[];
  readonly domains: string[];
  readonly image: string;
  readonly team: string;
  readonly costCenter: string;
  readonly minInstances?: number;
  readonly maxInstances?: number;
  readonly alerting?: { readonly pageEmails: string[]; readonly ticketEmails?: string[] };
  readonly nlpQuotaPerMinute?: number;
}

/** Where the backup bucket's key lives: the KMS multi-region of DrBackup's default dual-region. */
const BACKUP_KEY_LOCATION = 'us';

function emailChannels(stack: PlatformStack, env: Environment, id: string, emails: string[]): string[] {
  return emails.map(
    (email, i) =>
      new MonitoringNotificationChannel(stack, `${id}-${i}`, {
        displayName: `${env.name} ${id}: ${email}`,
        type: 'email',
        labels: { email_address: email },
      }).id,
  );
}

/** The database URL names the webhook's service account, which exists only once the webhook does. */
class DatabaseUrl implements IStringProducer {
  public webhook?: ScalableWebhook;
  constructor(private readonly database: MultiRegionDb) {}
  public produce(_context: IResolveContext): string {
    return this.database.databaseUrl(this.webhook!.serviceAccount.email);
  }
}

export function platformStack(app: App, env: Environment): PlatformStack {
  const stack = new PlatformStack(app, env.name, {
    projectId: env.projectId,
    environment: env.environment,
    regions: env.regions,
    team: env.team,
    costCenter: env.costCenter,
  });
  new LocalBackend(stack, { path: `terraform.${env.name}.tfstate` });

  // Keys first: every construct that stores data takes them.
  const secrets = new SecureSecrets(stack, 'secrets', { name: 'convai', regions: [...env.regions, BACKUP_KEY_LOCATION] });

  // The VPC for the database's private IPs and Cloud Run's Direct VPC egress (as stacks/platform-network.ts).
  const network = new ComputeNetwork(stack, 'network', {
    name: `convai-${env.name}`,
    description: 'Private network of the conversational platform (database private IPs, webhook egress).',
    autoCreateSubnetworks: false,
    routingMode: 'GLOBAL',
  });
  new ComputeFirewall(stack, 'deny-all-ingress', {
    name: `convai-${env.name}-deny-all-ingress`,
    network: network.id,
    direction: 'INGRESS',
    priority: 65534,
    deny: [{ protocol: 'all' }],
    sourceRanges: ['0.0.0.0/0'],
    logConfig: { metadata: 'INCLUDE_ALL_METADATA' },
  });
  const subnets = env.regions.map(
    (region, i) =>
      new ComputeSubnetwork(stack, `subnet-${region}`, {
        name: `convai-${env.name}-${region}`,
        region,
        network: network.id,
        ipCidrRange: `10.8.${i * 16}.0/20`,
        privateIpGoogleAccess: true,
        logConfig: { aggregationInterval: 'INTERVAL_5_SEC', flowSampling: 0.5, metadata: 'INCLUDE_ALL_METADATA' },
      }),
  );

  // Pages to on-call, tickets to the team.
  const pageChannels = emailChannels(stack, env, 'page-channel', env.alerting?.pageEmails ?? []);
  const ticketChannels = env.alerting?.ticketEmails ? emailChannels(stack, env, 'ticket-channel', env.alerting.ticketEmails) : undefined;
  const channels = { pageChannels: pageChannels.length > 0 ? pageChannels : undefined, ticketChannels };

  const database = new MultiRegionDb(stack, 'database', { name: 'convai-db', network: network.id, encryptionKeys: secrets });

  const sharedSecret = secrets.addSecret('webhook-shared-secret', { annotations: { purpose: 'webhook-shared-secret-auth' } });
  const databaseUrl = new DatabaseUrl(database);
  const webhook = new ScalableWebhook(stack, 'webhook', {
    image: env.image,
    domains: env.domains,
    minInstances: env.minInstances,
    maxInstances: env.maxInstances,
    env: {
      NODE_ENV: 'production',
      PLATFORM_ENV: env.environment,
      AUTH_MODE: 'shared-secret',
      DATABASE_URL: Lazy.stringValue(databaseUrl),
      PG_IAM_AUTH: 'true',
      ...database.databaseTlsEnv(),
    },
    secretEnv: { WEBHOOK_SHARED_SECRET: { secret: sharedSecret.secretId } },
  });
  databaseUrl.webhook = webhook;
  // Cloud Run reaches the database's private IP through Direct VPC egress in each region.
  webhook.services.forEach((service, i) =>
    service.addOverride('template.vpc_access', {
      network_interfaces: [{ network: network.id, subnetwork: subnets[i].id }],
      egress: 'PRIVATE_RANGES_ONLY',
    }),
  );
  // The uptime check calls the IAM-protected webhook with the Monitoring service agent's ID token.
  const project = new DataGoogleProject(stack, 'monitoring-project');
  webhook.grantInvoke(
    'uptime-check',
    Grantee.fromServiceAccountEmail(`service-${project.number}@gcp-sa-monitoring-notification.iam.gserviceaccount.com`),
  );
  database.grantConnect('webhook', Grantee.fromServiceAccount(webhook.serviceAccount));

  // Production in several regions: lose at most 15 minutes, be back within 30.
  const fast = stack.production && env.regions.length > 1;
  new DrBackup(stack, 'backups', {
    database,
    name: 'convai-backups',
    rpo: fast ? Duration.minutes(15) : Duration.hours(24),
    rto: fast ? Duration.minutes(30) : Duration.hours(8),
    encryptionKeys: secrets,
    bucketKeyLocation: BACKUP_KEY_LOCATION,
    failoverServices: webhook.services,
    runtimeServiceAccountEmail: webhook.serviceAccount.email,
    ...channels,
  });

  new SloAlerting(stack, 'slo', {
    name: 'webhook',
    target: SloTarget.fromWebhook(webhook),
    ...channels,
    uptimeHost: env.domains[0],
    nlpQuotaPerMinute: env.nlpQuotaPerMinute,
    database,
  });
  return stack;
}

/** Synthesize every environment of the configuration file into `outdir`. */
export function synthesize(configFile: string, outdir: string): void {
  const config = JSON.parse(readFileSync(configFile, 'utf8')) as { environments: Environment[] };
  const app = new App({ outdir });
  for (const env of config.environments) platformStack(app, env);
  app.synth();
}

if (require.main === module) synthesize(process.env.PLATFORM_CONFIG ?? 'platform.config.json', process.env.CDKTF_OUTDIR ?? 'cdktf.out');
