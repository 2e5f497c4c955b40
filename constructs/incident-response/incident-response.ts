import { CloudRunV2Service } from '@cdktf/provider-google/lib/cloud-run-v2-service';
import { CloudRunV2ServiceIamMember } from '@cdktf/provider-google/lib/cloud-run-v2-service-iam-member';
import { DataGoogleProject } from '@cdktf/provider-google/lib/data-google-project';
import { MonitoringAlertPolicy } from '@cdktf/provider-google/lib/monitoring-alert-policy';
import { MonitoringNotificationChannel } from '@cdktf/provider-google/lib/monitoring-notification-channel';
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
   * Apply mitigations instead of recording them. Off until the team has read the replayed timelines.
   * @default false (dry run)
   */
  readonly applyMitigations?: boolean;
  /** Project number, to name Google's service agents. @default - read with a google_project data source */
  readonly projectNumber?: string;
}

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
  /** Runs the responder: reads the Chat secret, nothing else. */
  public readonly serviceAccount: ServiceAccount;
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

    this.service = new CloudRunV2Service(this, 'service', {
      name: `${p.name}-responder`,
      location: props.region,
      description: 'Incident responder: correlates alerts, measures impact, runs first response',
      ingress: 'INGRESS_TRAFFIC_INTERNAL_ONLY',
      deletionProtection: true,
      customAudiences: [audience],
      template: {
        serviceAccount: this.serviceAccount.email,
        executionEnvironment: 'EXECUTION_ENVIRONMENT_GEN2',
        // Open incidents live in the one instance's memory: exactly one.
        scaling: { minInstanceCount: 1, maxInstanceCount: 1 },
        containers: [
          {
            image: props.image,
            command: ['node', 'runtime/dist/incident/responder-main.js'],
            resources: { limits: { cpu: '1', memory: '256Mi' } },
            env: [
              { name: 'INCIDENT_RULES_JSON', value: JSON.stringify(this.rules) },
              { name: 'PUSH_AUDIENCE', value: audience },
              { name: 'PUSH_SERVICE_ACCOUNT', value: this.pushServiceAccount.email },
              { name: 'INCIDENT_DRY_RUN', value: props.applyMitigations ? 'false' : 'true' },
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
