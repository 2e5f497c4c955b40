import { Testing } from 'cdktf';
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

  test('push deliveries carry an OIDC token of the push account, the only invoker of the responder', () => {
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
    expect(invokers.map((g) => g.member)).toEqual([ref('google_service_account', push, 'member')]);
  });

  test('the responder runs as its own account, which reads the Chat secret and nothing else', () => {
    const sa = id('google_service_account', 'incidents_service-account');
    const service = resources(json, 'google_cloud_run_v2_service')[id('google_cloud_run_v2_service', 'incidents_')];
    expect(service.template.service_account).toBe(ref('google_service_account', sa, 'email'));
    expect(service.ingress).toBe('INGRESS_TRAFFIC_INTERNAL_ONLY');
    const member = ref('google_service_account', sa, 'member');
    const grants = [
      'google_project_iam_member',
      'google_secret_manager_secret_iam_member',
      'google_cloud_run_v2_service_iam_member',
      'google_pubsub_topic_iam_member',
    ]
      .flatMap((type) => Object.values(resources(json, type)))
      .filter((g) => g.member === member);
    expect(grants.map((g) => g.role)).toEqual(['roles/secretmanager.secretAccessor']);
  });

  test('the rules are derived from the SloAlerting it serves and valid for the runtime', () => {
    const service = resources(json, 'google_cloud_run_v2_service')[id('google_cloud_run_v2_service', 'incidents_')];
    const env = service.template.containers[0].env as Array<{ name: string; value?: string }>;
    const rules = parseRules(JSON.parse(env.find((e) => e.name === 'INCIDENT_RULES_JSON')!.value!), 'env');
    expect(Object.keys(rules.kinds).sort()).toEqual([...new Set(stack.slos.alertKinds)].sort());
    expect(rules.inhibit.find((r) => r.source === 'nlp-breaker-open')?.targets).toEqual(
      expect.arrayContaining(['webhook-degraded-replies', 'slo-latency-burn']),
    );
    expect(rules.slo).toEqual({ latencyObjective: 95, latencyThresholdMs: 800, windowDays: 30 });
    expect(env.find((e) => e.name === 'INCIDENT_DRY_RUN')!.value).toBe('true');
  });
});
