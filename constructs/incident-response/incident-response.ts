import { CloudRunV2Service } from '@cdktf/provider-google/lib/cloud-run-v2-service';
import { CloudRunV2ServiceIamMember } from '@cdktf/provider-google/lib/cloud-run-v2-service-iam-member';
import { DataGoogleProject } from '@cdktf/provider-google/lib/data-google-project';
import { MonitoringAlertPolicy } from '@cdktf/provider-google/lib/monitoring-alert-policy';
import { MonitoringNotificationChannel } from '@cdktf/provider-google/lib/monitoring-notification-channel';
import { ProjectIamCustomRole } from '@cdktf/provider-google/lib/project-iam-custom-role';
import { PubsubSubscription } from '@cdktf/provider-google/lib/pubsub-subscription';
import { PubsubTopic } from '@cdktf/provider-google/lib/pubsub-topic';
import { PubsubTopicIamMember } from '@cdktf/provider-google/lib/pubsub-topic-iam-member';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { ServiceAccountIamMember } from '@cdktf/provider-google/lib/service-account-iam-member';
import { Construct } from 'constructs';
import { IEncryptionKeys, KeyPurpose } from '../core/encryption-keys';
import { Grantee } from '../core/grantee';
import { PlatformStack } from '../core/platform-stack';
import { PolicySuppressions } from '../core/policy-suppressions';
import { DEFAULT_RUNBOOK_BASE_URL } from '../core/runbooks';
import { Rule, isToken, validateProps } from '../core/validation';
import { MultiRegionDb } from '../multi-region-db/multi-region-db';
import { ScalableWebhook } from '../scalable-webhook/scalable-webhook';
import { SecretAccess } from '../secure-secrets/secret-access';
import { SloAlerting } from '../slo-alerting/slo-alerting';
import { incidentRules } from './alert-dependencies';

export interface IncidentResponseProps {
  /** Resource name prefix. @default - the construct id, lowercased */
  readonly name?: string;
  /** The runtime image (the responder is its second entry point), by digest in production. */
  readonly image: string;
  /** Region of the topic, subscription and responder service. */
  readonly region: string;
  /** CMEK source; the topic is encrypted with its `logs` key in `region`. */
  readonly encryptionKeys: IEncryptionKeys;
  /** The alerting whose every policy is wired to the responder; the rules derive from its policies and SLOs. */
  readonly alerting: SloAlerting;
  /** Secret Manager secret id holding the Google Chat incoming-webhook URL of the incident channel. */
  readonly chatWebhookSecret: string;
  /**
   * Apply mitigations instead of recording them (dry run). Diagnostics, which only read, always run.
   * @default - true in a production PlatformStack, false (dry run) elsewhere
   */
  readonly applyMitigations?: boolean;
  /**
   * The webhook first response acts on. Its Cloud Run services' `/readyz` is read for the
   * diagnostics snapshot (`roles/run.invoker` on those services), and their min instances are
   * raised on a saturation forecast (a custom role with `run.services.get` and
   * `run.services.update`, bound on those services only, and actAs on the webhook's service
   * account, which a new revision runs as). On GKE there is nothing to scale through Cloud Run:
   * that mitigation is recorded as skipped.
   * @default - no live readiness in the snapshot, and min instances are never raised
   */
  readonly webhook?: ScalableWebhook;
  /**
   * The platform database: incidents, their timelines and the action audit are stored there,
   * the runtime flags the webhook polls are set there, and impact is read from its turn log. The
   * responder connects with IAM database authentication as its own user. Needs `network`.
   * @default - incidents in memory only, no runtime-flag mitigation, impact unknown
   */
  readonly database?: MultiRegionDb;
  /** Direct VPC egress of the responder: the database's private IP and the webhook's internal ingress. */
  readonly network?: IncidentResponseNetwork;
  /**
   * Highest min instances first response may set on a webhook service, over any rule's cap.
   * @default 5
   */
  readonly maxMinInstances?: number;
  /**
   * Who may stop automation on an incident (`POST /incidents/<id>/stop-automation`) and read its
   * review: Google accounts (emails) whose ID tokens the responder accepts; each may invoke it.
   * @default - nobody: automation can then only be stopped by redeploying with applyMitigations false
   */
  readonly operators?: string[];
  /** Project number, to name Google's service agents. @default - read with a google_project data source */
  readonly projectNumber?: string;
}

/** Where the responder's Direct VPC egress goes: a network and a subnetwork in its region. */
export interface IncidentResponseNetwork {
  /** Network id or self link. */
  readonly network: string;
  /** Subnetwork id or self link, in the responder's region. */
  readonly subnetwork: string;
}

/** Custom audience of operators' ID tokens, beside the gcloud CLI's (`gcloud auth print-identity-token` for a user). */
const GCLOUD_CLI_AUDIENCE = '32555940559.apps.googleusercontent.com';

const RULES: Rule<IncidentResponseProps & { name: string }>[] = [
  {
    when: (p) => !isToken(p.name) && !/^[a-z][a-z0-9-]{0,20}$/.test(p.name),
    say: (p) => `name "${p.name}" must be 1-21 lowercase letters, digits or "-", starting with a letter`,
  },
  {
    when: (p) => !isToken(p.image) && p.image.trim() === '',
    say: () => 'image is empty: give the runtime image, e.g. REGION-docker.pkg.dev/p/r/webhook@sha256:...',
  },
  {
    when: (p) => !isToken(p.chatWebhookSecret) && p.chatWebhookSecret.trim() === '',
    say: () => 'chatWebhookSecret is empty: give the Secret Manager secret id holding the Google Chat webhook URL',
  },
  {
    when: (p) => p.database !== undefined && p.network === undefined,
    say: () => 'database needs network: the responder reaches the database private IP through Direct VPC egress',
  },
  {
    when: (p) =>
      p.maxMinInstances !== undefined &&
      !isToken(p.maxMinInstances) &&
      (!Number.isInteger(p.maxMinInstances) || p.maxMinInstances < 1 || p.maxMinInstances > 1000),
    say: (p) => `maxMinInstances ${p.maxMinInstances} must be a whole number from 1 to 1000`,
  },
  {
    when: (p) => (p.operators ?? []).some((o) => !isToken(o) && !/^[^@\s:]+@[^@\s]+\.[^@\s]+$/.test(o)),
    say: (p) => `operators must be emails of Google accounts, without a "user:" prefix: ${(p.operators ?? []).join(', ')}`,
  },
];

/**
 * Incident response for one SloAlerting: its alert policies also notify a CMEK Pub/Sub topic; a
 * push subscription (OIDC, its own service account) delivers each notification to the responder
 * (the runtime image's `runtime/dist/incident/responder-main.js`) on Cloud Run, which groups alerts
 * into incidents, applies inhibition from the platform's alert dependency graph, measures impact and
 * posts one message per incident and state change to Google Chat. See docs/monitoring/incident-response.md.
 */
export class IncidentResponse extends Construct {
  public readonly topic: PubsubTopic;
  public readonly channel: MonitoringNotificationChannel;
  public readonly subscription: PubsubSubscription;
  public readonly service: CloudRunV2Service;
  /**
   * Runs the responder: reads the Chat secret; with `database`, connects to it; with `webhook`,
   * invokes and scales the webhook's Cloud Run services (nothing else).
   */
  public readonly serviceAccount: ServiceAccount;
  /** Whether mitigations are applied (false: recorded as dry runs). */
  public readonly applyMitigations: boolean;
  /** Signs the push deliveries' OIDC tokens; may only invoke the responder. */
  public readonly pushServiceAccount: ServiceAccount;
  private readonly wired = new WeakSet<MonitoringAlertPolicy>();
  /** The rules document the responder runs (derived, not hand-kept). */
  public readonly rules: Record<string, unknown>;

  constructor(scope: Construct, id: string, props: IncidentResponseProps) {
    super(scope, id);
    const p = { ...props, name: props.name ?? id.toLowerCase() };
    validateProps(this.node.path, p, RULES);
    const platform = PlatformStack.find(this);
    const project =
      platform?.projectId === undefined || props.projectNumber === undefined ? new DataGoogleProject(this, 'project') : undefined;
    const projectId = platform?.projectId ?? project!.projectId;
    const projectNumber = props.projectNumber ?? project!.number;
    const audience = `${p.name}-pubsub-push`;
    const operatorAudience = `${p.name}-responder-operators`;

    this.applyMitigations = props.applyMitigations ?? platform?.production ?? false;
    this.rules = incidentRules({
      kinds: props.alerting.alertKinds,
      project: projectId,
      runbookBaseUrl: platform?.runbookBaseUrl ?? DEFAULT_RUNBOOK_BASE_URL,
      latencyObjective: props.alerting.latencyObjective,
      latencyThresholdMs: props.alerting.latencyThreshold.toMilliseconds(),
      windowDays: props.alerting.window.days,
    });

    this.topic = new PubsubTopic(this, 'topic', {
      name: `${p.name}-alerts`,
      kmsKeyName: props.encryptionKeys.keyId(props.region, KeyPurpose.LOGS),
      messageStoragePolicy: { allowedPersistenceRegions: [props.region] },
      messageRetentionDuration: '86400s',
    });
    // Cloud Monitoring publishes with its notification service agent.
    new PubsubTopicIamMember(this, 'monitoring-publisher', {
      topic: this.topic.name,
      role: 'roles/pubsub.publisher',
      member: `serviceAccount:service-${projectNumber}@gcp-sa-monitoring-notification.iam.gserviceaccount.com`,
    });
    this.channel = new MonitoringNotificationChannel(this, 'channel', {
      displayName: `${p.name}: incident responder`,
      type: 'pubsub',
      labels: { topic: this.topic.id },
    });
    this.notifyFrom(props.alerting.alertPolicies);

    this.serviceAccount = new ServiceAccount(this, 'service-account', {
      accountId: `${p.name}-responder`,
      displayName: `Incident responder ${p.name}`,
      description: 'Runs the incident responder; holds only the grants IncidentResponse adds.',
    });
    this.pushServiceAccount = new ServiceAccount(this, 'push-service-account', {
      accountId: `${p.name}-push`,
      displayName: `Pub/Sub push to ${p.name}`,
      description: 'Signs the push subscription OIDC tokens; may only invoke the responder.',
    });
    SecretAccess.grant(this, 'chat-webhook-access', props.chatWebhookSecret, Grantee.fromServiceAccount(this.serviceAccount));
    const webhookServices = props.webhook?.services ?? [];
    const databaseEnv = props.database ? this.connectDatabase(props.database) : [];

    this.service = new CloudRunV2Service(this, 'service', {
      name: `${p.name}-responder`,
      location: props.region,
      description: 'Incident responder: correlates alerts, measures impact, runs first response',
      ingress: 'INGRESS_TRAFFIC_INTERNAL_ONLY',
      deletionProtection: true,
      customAudiences: [audience, operatorAudience],
      template: {
        serviceAccount: this.serviceAccount.email,
        executionEnvironment: 'EXECUTION_ENVIRONMENT_GEN2',
        // Open incidents live in the one instance's memory: exactly one.
        scaling: { minInstanceCount: 1, maxInstanceCount: 1 },
        // All traffic through the VPC: the database's private IP, and the webhook's internal ingress
        // (Google APIs, Chat included, through Private Google Access on the subnet).
        vpcAccess: props.network
          ? { networkInterfaces: [{ network: props.network.network, subnetwork: props.network.subnetwork }], egress: 'ALL_TRAFFIC' }
          : undefined,
        containers: [
          {
            image: props.image,
            command: ['node', 'runtime/dist/incident/responder-main.js'],
            resources: { limits: { cpu: '1', memory: '256Mi' } },
            env: [
              { name: 'INCIDENT_RULES_JSON', value: JSON.stringify(this.rules) },
              { name: 'PUSH_AUDIENCE', value: audience },
              { name: 'PUSH_SERVICE_ACCOUNT', value: this.pushServiceAccount.email },
              { name: 'INCIDENT_DRY_RUN', value: this.applyMitigations ? 'false' : 'true' },
              // Region → the webhook's service there: readiness for the snapshot, min instances on saturation.
              {
                name: 'INCIDENT_WEBHOOK_SERVICES',
                value: JSON.stringify(
                  Object.fromEntries(
                    webhookServices.map((s) => {
                      // Literal names (the service's own inputs), so the document is JSON at synth; only the URL is Terraform's.
                      const location = s.locationInput ?? props.region;
                      const service = `projects/${projectId}/locations/${location}/services/${s.nameInput ?? s.name}`;
                      return [location, { service, url: s.uri }];
                    }),
                  ),
                ),
              },
              { name: 'INCIDENT_MAX_MIN_INSTANCES', value: String(props.maxMinInstances ?? 5) },
              { name: 'INCIDENT_OPERATORS', value: (props.operators ?? []).join(',') },
              { name: 'OPERATOR_AUDIENCES', value: [operatorAudience, GCLOUD_CLI_AUDIENCE].join(',') },
              ...databaseEnv,
              { name: 'GOOGLE_CLOUD_PROJECT', value: projectId },
              { name: 'CHAT_WEBHOOK_URL', valueSource: { secretKeyRef: { secret: props.chatWebhookSecret, version: 'latest' } } },
            ],
            startupProbe: { httpGet: { path: '/healthz' }, periodSeconds: 2, failureThreshold: 30 },
          },
        ],
      },
    });
    PolicySuppressions.add(
      this.service,
      'CKV_CONVAI_45',
      'The incident responder serves no user traffic; it is the consumer of the alerts, so an SLO on it would alert into itself.',
    );
    new CloudRunV2ServiceIamMember(this, 'push-invoker', {
      name: this.service.name,
      location: props.region,
      role: 'roles/run.invoker',
      member: this.pushServiceAccount.member,
    });
    (props.operators ?? []).forEach(
      (email, i) =>
        new CloudRunV2ServiceIamMember(this, `operator-invoker-${i}`, {
          name: this.service.name,
          location: props.region,
          role: 'roles/run.invoker',
          member: `${email.endsWith('.gserviceaccount.com') ? 'serviceAccount' : 'user'}:${email}`,
        }),
    );
    if (webhookServices.length > 0) this.grantFirstResponse(props.webhook!, projectId, p.name);
    // Pub/Sub's service agent mints the OIDC tokens as the push account.
    new ServiceAccountIamMember(this, 'pubsub-token-creator', {
      serviceAccountId: this.pushServiceAccount.name,
      role: 'roles/iam.serviceAccountTokenCreator',
      member: `serviceAccount:service-${projectNumber}@gcp-sa-pubsub.iam.gserviceaccount.com`,
    });
    this.subscription = new PubsubSubscription(this, 'subscription', {
      name: `${p.name}-responder`,
      topic: this.topic.id,
      ackDeadlineSeconds: 30,
      messageRetentionDuration: '86400s',
      expirationPolicy: { ttl: '' },
      retryPolicy: { minimumBackoff: '10s', maximumBackoff: '300s' },
      pushConfig: {
        pushEndpoint: `${this.service.uri}/pubsub`,
        oidcToken: { serviceAccountEmail: this.pushServiceAccount.email, audience },
      },
    });
  }

  /**
   * IAM database user and grants on `database`; the runtime's database variables for the responder:
   * shard 0 for its incident store and runtime flags, every shard (DATABASE_SHARD_URLS) for impact.
   */
  private connectDatabase(database: MultiRegionDb): Array<{ name: string; value: string }> {
    database.grantConnect('responder', Grantee.fromServiceAccount(this.serviceAccount));
    return Object.entries(database.runtimeDatabaseEnv(this.serviceAccount.email)).map(([name, value]) => ({ name, value }));
  }

  /**
   * Least privilege for first response on the webhook's Cloud Run services, each grant on those
   * services alone: invoke (its `/readyz`), and a custom role with exactly `run.services.get` and
   * `run.services.update` (read the service, patch its min instances; `roles/run.developer` would
   * add create, delete and every other service in the project). Updating creates a revision that
   * runs as the webhook's service account, so the responder may act as that one account.
   */
  private grantFirstResponse(webhook: ScalableWebhook, project: string, name: string): void {
    const role = new ProjectIamCustomRole(this, 'scale-role', {
      project,
      roleId: `${name.replace(/-/g, '_')}_incident_scale`,
      title: `${name}: incident first response (scale the webhook)`,
      description: 'Read a Cloud Run service and update it (min instances on a saturation forecast); bound on the webhook services only.',
      permissions: ['run.services.get', 'run.services.update'],
    });
    webhook.services.forEach((service, i) => {
      new CloudRunV2ServiceIamMember(this, `webhook-scale-s${i}`, {
        project: service.project,
        location: service.location,
        name: service.name,
        role: role.name,
        member: this.serviceAccount.member,
      });
      new CloudRunV2ServiceIamMember(this, `webhook-readiness-s${i}`, {
        project: service.project,
        location: service.location,
        name: service.name,
        role: 'roles/run.invoker',
        member: this.serviceAccount.member,
      });
    });
    new ServiceAccountIamMember(this, 'webhook-act-as', {
      serviceAccountId: webhook.serviceAccount.name,
      role: 'roles/iam.serviceAccountUser',
      member: this.serviceAccount.member,
    });
  }

  /**
   * Wire more alert policies (DrBackup, SecurityMonitoring, your own) to the responder; each keeps
   * its channels. Their kind is read from a `runbook` label or their runbook link.
   */
  public notifyFrom(policies: MonitoringAlertPolicy[]): void {
    for (const policy of policies) {
      // Token strings differ between reads, so remember which policies are wired rather than compare.
      if (this.wired.has(policy)) continue;
      this.wired.add(policy);
      policy.notificationChannels = [...(policy.notificationChannelsInput ?? []), this.channel.id];
    }
  }
}
