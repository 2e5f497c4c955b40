import { Testing } from 'cdktf';
import { IncidentResponse } from '../../constructs/incident-response/incident-response';
import { DEFAULT_CONFIG } from '../../stacks/config';
import { WebhookPlatformStack } from '../../stacks/webhook-platform-stack';
import { parseRules } from '../../runtime/src/incident/rules';
import { Json, only, resources, synth } from '../helpers/synth';

/** IncidentResponse as the reference prod stack wires it. */
describe('IncidentResponse', () => {
  const config = DEFAULT_CONFIG.environments.find((e) => e.name === 'prod')!;
  const stack = new WebhookPlatformStack(Testing.app(), config);
  const json: Json = synth(stack);
  const ref = (type: string, id: string, attr: string) => `\${${type}.${id}.${attr}}`;
  const id = (type: string, prefix: string) => Object.keys(resources(json, type)).find((k) => k.startsWith(prefix))!;

  test('the alerts topic is encrypted with the logs key of its region and kept there; Monitoring may publish', () => {
    const topic = resources(json, 'google_pubsub_topic')[id('google_pubsub_topic', 'incidents_')];
    expect(topic.kms_key_name).toMatch(/\$\{google_kms_crypto_key\..*logs.*\.id\}/);
    expect(topic.message_storage_policy.allowed_persistence_regions).toEqual([config.regions[0]]);
    const publisher = resources(json, 'google_pubsub_topic_iam_member')[id('google_pubsub_topic_iam_member', 'incidents_')];
    expect(publisher.member).toMatch(
      /^serviceAccount:service-\$\{data\.google_project\..*\.number\}@gcp-sa-monitoring-notification\.iam\.gserviceaccount\.com$/,
    );
  });

  test('push deliveries carry an OIDC token of the push account; besides it only the listed operators may invoke the responder', () => {
    const push = id('google_service_account', 'incidents_push');
    const subscription = only(json, 'google_pubsub_subscription');
    expect(subscription.push_config.oidc_token).toEqual({
      service_account_email: ref('google_service_account', push, 'email'),
      audience: 'convai-pubsub-push',
    });
    expect(subscription.push_config.push_endpoint).toMatch(/\.uri\}\/pubsub$/);
    const invokers = Object.values(resources(json, 'google_cloud_run_v2_service_iam_member')).filter((g) =>
      String(g.name).includes('incidents_service'),
    );
    expect(invokers.map((g) => g.member).sort()).toEqual([ref('google_service_account', push, 'member'), 'user:sre-lead@example.com']);
    const env = responderEnv();
    expect(env.INCIDENT_OPERATORS).toBe('sre-lead@example.com');
    expect(env.OPERATOR_AUDIENCES).toBe('convai-responder-operators,32555940559.apps.googleusercontent.com');
  });

  test('the responder holds exactly the grants first response needs, each on its resource', () => {
    const sa = id('google_service_account', 'incidents_service-account');
    const service = resources(json, 'google_cloud_run_v2_service')[id('google_cloud_run_v2_service', 'incidents_')];
    expect(service.template.service_account).toBe(ref('google_service_account', sa, 'email'));
    expect(service.ingress).toBe('INGRESS_TRAFFIC_INTERNAL_ONLY');
    const member = ref('google_service_account', sa, 'member');
    const email = ref('google_service_account', sa, 'email');
    const byMember = (type: string) => Object.values(resources(json, type)).filter((g) => g.member === member);
    // The Chat secret.
    expect(byMember('google_secret_manager_secret_iam_member').map((g) => g.role)).toEqual(['roles/secretmanager.secretAccessor']);
    expect(byMember('google_pubsub_topic_iam_member')).toEqual([]);
    // Per webhook service (one per region): invoke (its /readyz) and the scale role; nothing on any other service.
    const webhookServices = Object.keys(resources(json, 'google_cloud_run_v2_service')).filter((k) => k.startsWith('webhook_'));
    expect(webhookServices).toHaveLength(3);
    const onServices = byMember('google_cloud_run_v2_service_iam_member');
    const roleId = id('google_project_iam_custom_role', 'incidents_scale-role');
    for (const key of webhookServices) {
      expect(
        onServices
          .filter((g) => g.name === ref('google_cloud_run_v2_service', key, 'name'))
          .map((g) => g.role)
          .sort(),
      ).toEqual([ref('google_project_iam_custom_role', roleId, 'name'), 'roles/run.invoker']);
    }
    expect(onServices).toHaveLength(6);
    // The custom role is exactly read + update of a service: not roles/run.developer (create, delete, every service).
    expect(resources(json, 'google_project_iam_custom_role')[roleId].permissions).toEqual(['run.services.get', 'run.services.update']);
    // A new revision runs as the webhook's account: actAs on that one account, nowhere else.
    const actAs = byMember('google_service_account_iam_member');
    expect(actAs).toEqual([
      expect.objectContaining({
        role: 'roles/iam.serviceAccountUser',
        service_account_id: ref('google_service_account', id('google_service_account', 'webhook_service-account'), 'name'),
      }),
    ]);
    // The database: IAM database login, conditioned on this database's instances, and its own database user.
    const sql = Object.values(resources(json, 'google_project_iam_member')).filter((g) => g.member === `serviceAccount:${email}`);
    expect(sql.map((g) => g.role).sort()).toEqual(['roles/cloudsql.client', 'roles/cloudsql.instanceUser']);
    expect(sql.every((g) => String(g.condition.expression).includes('/instances/convai-db-s'))).toBe(true);
    expect(byMember('google_project_iam_member')).toEqual([]);
    expect(
      Object.values(resources(json, 'google_sql_user')).filter((u) => String(u.name).includes('incidents_service-account')),
    ).toHaveLength(1);
  });

  test('the responder reaches the database and the webhook through the VPC, with its caps and mode in env', () => {
    const service = resources(json, 'google_cloud_run_v2_service')[id('google_cloud_run_v2_service', 'incidents_')];
    expect(service.template.vpc_access).toEqual({
      egress: 'ALL_TRAFFIC',
      network_interfaces: [
        {
          network: ref('google_compute_network', id('google_compute_network', 'network_'), 'id'),
          subnetwork: ref('google_compute_subnetwork', id('google_compute_subnetwork', `network_subnet-${config.regions[0]}`), 'id'),
        },
      ],
    });
    const env = responderEnv();
    // Production applies mitigations by default.
    expect(env.INCIDENT_DRY_RUN).toBe('false');
    expect(env.INCIDENT_MAX_MIN_INSTANCES).toBe('5');
    expect(env.PG_IAM_AUTH).toBe('true');
    expect(env.DATABASE_URL).toMatch(
      /^postgres:\/\/\$\{replace\(trimsuffix\(google_service_account\.incidents_service-account_[0-9A-F]+\.email, "\.gserviceaccount\.com"\), "@", "%40"\)\}@\$\{google_sql_database_instance\.database_shard0-primary_[0-9A-F]+\.private_ip_address\}:5432\/webhook\?sslmode=verify-full$/,
    );
    expect(env.DATABASE_TLS_SERVER_NAME).toContain(':convai-db-s0');
    // Region → service and URL, as Terraform knows them.
    const services = JSON.parse(env.INCIDENT_WEBHOOK_SERVICES);
    expect(Object.keys(services).sort()).toEqual([...config.regions].sort());
    for (const region of config.regions) {
      expect(services[region]).toEqual({
        service: `projects/${config.projectId}/locations/${region}/services/webhook`,
        url: ref('google_cloud_run_v2_service', id('google_cloud_run_v2_service', `webhook_service-${region}`), 'uri'),
      });
    }
  });

  test('the rules are derived from the SloAlerting it serves and valid for the runtime', () => {
    const env = responderEnv();
    const rules = parseRules(JSON.parse(env.INCIDENT_RULES_JSON), 'env');
    expect(Object.keys(rules.kinds).sort()).toEqual([...new Set(stack.slos.alertKinds)].sort());
    expect(rules.inhibit.find((r) => r.source === 'nlp-breaker-open')?.targets).toEqual(
      expect.arrayContaining(['webhook-degraded-replies', 'slo-latency-burn']),
    );
    expect(rules.slo).toEqual({ latencyObjective: 95, latencyThresholdMs: 800, windowDays: 30 });
  });

  test('outside production it runs dry unless told otherwise; a database without a network is refused', () => {
    const dev = new WebhookPlatformStack(
      Testing.app(),
      DEFAULT_CONFIG.environments.find((e) => e.name === 'dev')!,
    );
    const secret = dev.secrets.addSecret('incident-chat-webhook', { annotations: { purpose: 'incident-channel' } });
    const props = {
      image: config.image,
      region: 'us-central1',
      encryptionKeys: dev.secrets,
      alerting: dev.slos,
      chatWebhookSecret: secret.secretId,
    };
    const incidents = new IncidentResponse(dev, 'incidents', props);
    expect(incidents.applyMitigations).toBe(false);
    const devJson = synth(dev);
    const service = Object.entries(resources(devJson, 'google_cloud_run_v2_service')).find(([k]) => k.startsWith('incidents_'))![1];
    const env = Object.fromEntries(
      (service.template.containers[0].env as Array<{ name: string; value: string }>).map((e) => [e.name, e.value]),
    );
    expect(env.INCIDENT_DRY_RUN).toBe('true');
    expect(env.INCIDENT_WEBHOOK_SERVICES).toBe('{}');
    expect(env.DATABASE_URL).toBeUndefined();
    expect(new IncidentResponse(dev, 'incidents-live', { ...props, name: 'live', applyMitigations: true }).applyMitigations).toBe(true);
    expect(() => new IncidentResponse(dev, 'incidents-db', { ...props, name: 'db', database: dev.database })).toThrow(
      'database needs network: the responder reaches the database private IP through Direct VPC egress',
    );
  });

  function responderEnv(): Record<string, string> {
    const service = resources(json, 'google_cloud_run_v2_service')[id('google_cloud_run_v2_service', 'incidents_')];
    return Object.fromEntries(
      (service.template.containers[0].env as Array<{ name: string; value?: string }>)
        .filter((e) => e.value !== undefined)
        .map((e) => [e.name, e.value!]),
    );
  }
});
