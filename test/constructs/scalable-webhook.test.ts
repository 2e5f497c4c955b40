import { TerraformVariable, Testing } from 'cdktf';
import { Duration } from '../../constructs/core/duration';
import { Grantee } from '../../constructs/core/grantee';
import { TerraformStack } from 'cdktf';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { ScalableWebhook } from '../../constructs/scalable-webhook/scalable-webhook';
import { ScalableWebhookProps } from '../../constructs/scalable-webhook/platform';
import { TlsProfile } from '../../constructs/edge/global-https-load-balancer';
import {
  DEFAULT_EDGE_RATE_LIMIT_PER_MINUTE,
  EdgeSecurityPolicy,
  PRECONFIGURED_WAF_RULES,
} from '../../constructs/edge/edge-security-policy';
import { DEV_PROPS, IMAGE, Json, PROD_PROPS, only, platformStack, resources, synth } from '../helpers/synth';

const BASE: ScalableWebhookProps = { image: IMAGE, domains: ['webhook.acme.example'] };

function prod(props: Partial<ScalableWebhookProps> = {}): { json: Json; webhook: ScalableWebhook } {
  const stack = platformStack(PROD_PROPS);
  const webhook = new ScalableWebhook(stack, 'webhook', { ...BASE, ...props });
  return { json: synth(stack), webhook };
}

describe('ScalableWebhook on Cloud Run', () => {
  const { json } = prod({ secretEnv: { API_KEY: { secret: 'projects/acme/secrets/api-key', version: '3' } } });
  const services = Object.values(resources(json, 'google_cloud_run_v2_service'));

  test('one gen2 service per region, locked to the load balancer, with deletion protection', () => {
    expect(services.map((s) => s.location).sort()).toEqual(['asia-northeast1', 'europe-west1', 'us-central1']);
    for (const s of services) {
      expect(s.ingress).toBe('INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER');
      expect(s.deletion_protection).toBe(true);
      expect(s.template.execution_environment).toBe('EXECUTION_ENVIRONMENT_GEN2');
      expect(s.custom_audiences).toEqual(['https://webhook.acme.example']);
    }
  });

  test('runs as its own service account, never the default compute one', () => {
    expect(only(json, 'google_service_account').account_id).toBe('webhook-run');
    const [saId] = Object.keys(resources(json, 'google_service_account'));
    for (const s of services) expect(s.template.service_account).toBe(`\${google_service_account.${saId}.email}`);
  });

  test('probes, limits, scaling and concurrency', () => {
    const t = services[0].template;
    const c = t.containers[0];
    expect(c.image).toBe(IMAGE);
    expect(c.resources.limits).toEqual({ cpu: '1', memory: '512Mi' });
    expect(c.startup_probe.http_get.path).toBe('/readyz');
    expect(c.liveness_probe.http_get.path).toBe('/healthz');
    expect(t.scaling).toEqual({ min_instance_count: 1, max_instance_count: 10 });
    expect(t.max_instance_request_concurrency).toBe(80);
  });

  test('secret env comes from Secret Manager with an accessor grant on that secret only', () => {
    const env = services[0].template.containers[0].env;
    expect(env).toContainEqual({
      name: 'API_KEY',
      value_source: { secret_key_ref: { secret: 'projects/acme/secrets/api-key', version: '3' } },
    });
    const grant = only(json, 'google_secret_manager_secret_iam_member');
    expect(grant.secret_id).toBe('projects/acme/secrets/api-key');
    expect(grant.role).toBe('roles/secretmanager.secretAccessor');
    expect(grant.member).toMatch(/^\$\{google_service_account\..*\.member\}$/);
  });

  test('global HTTPS load balancer over one serverless NEG per region', () => {
    const negs = resources(json, 'google_compute_region_network_endpoint_group');
    expect(Object.keys(negs)).toHaveLength(3);
    for (const neg of Object.values(negs)) expect(neg.network_endpoint_type).toBe('SERVERLESS');
    const backend = only(json, 'google_compute_backend_service');
    expect(backend.load_balancing_scheme).toBe('EXTERNAL_MANAGED');
    expect(backend.backend.map((b: Json) => b.group).sort()).toEqual(
      Object.keys(negs)
        .map((id) => `\${google_compute_region_network_endpoint_group.${id}.id}`)
        .sort(),
    );
    expect(backend.outlier_detection.consecutive_errors).toBe(5);
    expect(backend.log_config).toEqual({ enable: true, sample_rate: 1 });
    expect(backend.security_policy).toMatch(/^\$\{google_compute_security_policy\..*\.id\}$/);
  });

  test('HTTPS only: managed certificate, TLS 1.2 MODERN policy, HTTP redirected', () => {
    expect(only(json, 'google_compute_managed_ssl_certificate').managed.domains).toEqual(['webhook.acme.example']);
    expect(only(json, 'google_compute_ssl_policy')).toMatchObject({ min_tls_version: 'TLS_1_2', profile: 'MODERN' });
    const proxy = only(json, 'google_compute_target_https_proxy');
    expect(proxy.ssl_policy).toMatch(/google_compute_ssl_policy/);
    const maps = Object.values(resources(json, 'google_compute_url_map'));
    const redirect = maps.find((m) => m.default_url_redirect);
    expect(redirect!.default_url_redirect).toMatchObject({ https_redirect: true, redirect_response_code: 'MOVED_PERMANENTLY_DEFAULT' });
    const rules = Object.values(resources(json, 'google_compute_global_forwarding_rule'));
    expect(rules.map((r) => r.port_range).sort()).toEqual(['443', '80']);
    for (const r of rules) expect(r.load_balancing_scheme).toBe('EXTERNAL_MANAGED');
  });

  test('Cloud Armor: OWASP rules, cve-canary, per-IP rate limit, adaptive protection', () => {
    const policy = only(json, 'google_compute_security_policy');
    const exprs = policy.rule.map((r: Json) => r.match.expr?.expression).filter(Boolean);
    for (const set of PRECONFIGURED_WAF_RULES) expect(exprs).toContain(`evaluatePreconfiguredWaf('${set}', {'sensitivity': 1})`);
    expect(PRECONFIGURED_WAF_RULES).toEqual(
      expect.arrayContaining([
        'sqli-v33-stable',
        'xss-v33-stable',
        'lfi-v33-stable',
        'rfi-v33-stable',
        'rce-v33-stable',
        'scannerdetection-v33-stable',
        'protocolattack-v33-stable',
        'sessionfixation-v33-stable',
        'cve-canary',
      ]),
    );
    const throttle = policy.rule.find((r: Json) => r.action === 'throttle');
    // A flood guard at the platform's capacity: 3 regions × 10 instances × 80 concurrent × 1/s × 60 s.
    expect(throttle.rate_limit_options).toMatchObject({
      enforce_on_key: 'IP',
      exceed_action: 'deny(429)',
      rate_limit_threshold: { count: 3 * 10 * 80 * 60, interval_sec: 60 },
    });
    expect(policy.adaptive_protection_config.layer_7_ddos_defense_config.enable).toBe(true);
    expect(policy.rule.find((r: Json) => r.priority === 2147483647).action).toBe('allow');
  });

  test('invoker is the Dialogflow service agent, per region, never public', () => {
    const grants = Object.values(resources(json, 'google_cloud_run_v2_service_iam_member'));
    expect(grants).toHaveLength(3);
    const [projectId] = Object.keys(json.data.google_project);
    for (const g of grants) {
      expect(g.role).toBe('roles/run.invoker');
      expect(g.member).toBe(`serviceAccount:service-\${data.google_project.${projectId}.number}@gcp-sa-dialogflow.iam.gserviceaccount.com`);
    }
  });

  test('outputs the load balancer address, URL and services', () => {
    const names = Object.keys(json.output);
    expect(names.some((n) => n.includes('load-balancer-ip'))).toBe(true);
    expect(names.some((n) => n.includes('webhook-url'))).toBe(true);
    expect(names.some((n) => n.includes('service-names'))).toBe(true);
  });
});

describe('ScalableWebhook options', () => {
  test('min instances default to 0 outside production', () => {
    const stack = platformStack(DEV_PROPS);
    new ScalableWebhook(stack, 'webhook', BASE);
    expect(only(synth(stack), 'google_cloud_run_v2_service').template.scaling.min_instance_count).toBe(0);
  });

  test('allowedSourceRanges turns the edge policy into default-deny', () => {
    const { json } = prod({ allowedSourceRanges: ['203.0.113.0/24'] });
    const policy = only(json, 'google_compute_security_policy');
    expect(policy.rule.find((r: Json) => r.priority === 2147483647).action).toBe('deny(403)');
    expect(policy.rule.find((r: Json) => r.action === 'throttle').match.config.src_ip_ranges).toEqual(['203.0.113.0/24']);
  });

  test('audiences replace the default custom audiences', () => {
    const { json } = prod({ audiences: ['https://webhook.acme.example/webhook/cx'] });
    for (const s of Object.values(resources(json, 'google_cloud_run_v2_service'))) {
      expect(s.custom_audiences).toEqual(['https://webhook.acme.example/webhook/cx']);
    }
  });

  test('an existing security policy is attached instead of a new one', () => {
    const { json } = prod({ securityPolicy: 'projects/acme/global/securityPolicies/shared', tlsProfile: TlsProfile.RESTRICTED });
    expect(resources(json, 'google_compute_security_policy')).toEqual({});
    expect(only(json, 'google_compute_backend_service').security_policy).toBe('projects/acme/global/securityPolicies/shared');
    expect(only(json, 'google_compute_ssl_policy').profile).toBe('RESTRICTED');
  });

  test('explicit invokers replace the Dialogflow default; grantInvoke is additive per region', () => {
    const stack = platformStack(PROD_PROPS);
    const webhook = new ScalableWebhook(stack, 'webhook', {
      ...BASE,
      invokers: [Grantee.fromMember('serviceAccount:a@acme.iam.gserviceaccount.com')],
    });
    const extra = webhook.grantInvoke('caller', Grantee.fromServiceAccountEmail('b@acme.iam.gserviceaccount.com'));
    expect(extra).toHaveLength(3);
    const json = synth(stack);
    expect(json.data?.google_project).toBeUndefined();
    const members = Object.values(resources(json, 'google_cloud_run_v2_service_iam_member')).map((g) => g.member);
    expect(members.filter((m) => m.startsWith('serviceAccount:a@'))).toHaveLength(3);
    expect(members.filter((m) => m.startsWith('serviceAccount:b@'))).toHaveLength(3);
  });

  test('a group may be granted invoke on Cloud Run', () => {
    const stack = platformStack(DEV_PROPS);
    const webhook = new ScalableWebhook(stack, 'webhook', BASE);
    webhook.grantInvoke('testers', Grantee.fromMember('group:testers@acme.dev'));
    const members = Object.values(resources(synth(stack), 'google_cloud_run_v2_service_iam_member')).map((g) => g.member);
    expect(members).toContain('group:testers@acme.dev');
  });

  test('requestTimeout is a Duration: the services time requests out after it', () => {
    const { json } = prod({ requestTimeout: Duration.seconds(10) });
    for (const s of Object.values(resources(json, 'google_cloud_run_v2_service'))) expect(s.template.timeout).toBe('10s');
    const defaults = prod().json;
    for (const s of Object.values(resources(defaults, 'google_cloud_run_v2_service'))) expect(s.template.timeout).toBe('30s');
  });

  test('works in a plain TerraformStack with explicit regions', () => {
    const stack = new TerraformStack(Testing.app(), 'plain');
    new GoogleProvider(stack, 'google', { project: 'acme' });
    new ScalableWebhook(stack, 'webhook', { ...BASE, regions: ['europe-west1'], projectNumber: '123' });
    const json = JSON.parse(Testing.synth(stack, true));
    expect(only(json, 'google_cloud_run_v2_service').location).toBe('europe-west1');
    expect(only(json, 'google_cloud_run_v2_service_iam_member').member).toBe(
      'serviceAccount:service-123@gcp-sa-dialogflow.iam.gserviceaccount.com',
    );
  });
});

describe('ScalableWebhook rejects bad props with the prop, the value and the fix', () => {
  const cases: Array<[string, Partial<ScalableWebhookProps>, RegExp]> = [
    ['no regions', { regions: [] }, /regions is empty: give at least one region/],
    ['unknown region', { regions: ['us-central'] }, /unknown region\(s\) us-central: use Cloud Run regions/],
    ['duplicate regions', { regions: ['us-east1', 'us-east1'] }, /regions lists us-east1 more than once/],
    ['min > max', { minInstances: 5, maxInstances: 2 }, /minInstances \(5\) is greater than maxInstances \(2\)/],
    ['concurrency 0', { concurrency: 0 }, /concurrency is 0: Cloud Run accepts 1\.\.1000/],
    ['concurrency 1001', { concurrency: 1001 }, /concurrency is 1001/],
    ['fractional cpu', { cpu: '0.5' }, /cpu "0\.5" is not accepted by Cloud Run gen2: use one of 1, 2, 4, 6, 8/],
    ['4 cpu with 512Mi', { cpu: '4', memory: '512Mi' }, /cpu "4" needs at least 2048Mi of memory, got "512Mi"/],
    ['8Gi on 1 cpu', { cpu: '1', memory: '8Gi' }, /memory "8Gi" needs at least 2 CPUs/],
    ['memory below gen2 floor', { memory: '256Mi' }, /memory "256Mi" is below the gen2 minimum/],
    ['memory not a quantity', { memory: '1 gig' }, /memory "1 gig" is not a quantity/],
    ['image without registry', { image: 'webhook:latest' }, /image "webhook:latest" is not a full reference/],
    ['image without tag or digest', { image: 'us-docker.pkg.dev/acme/convai/webhook' }, /is not a full reference/],
    ['no domains', { domains: [] }, /domains is empty/],
    [
      'domain with scheme',
      { domains: ['https://webhook.acme.example'] },
      /domains contains invalid name\(s\) https:\/\/webhook\.acme\.example/,
    ],
    ['request timeout of 0', { requestTimeout: Duration.seconds(0) }, /requestTimeout is 0 s: use 1 s to 1 h/],
    ['request timeout of 2 h', { requestTimeout: Duration.hours(2) }, /requestTimeout is 2 h: use 1 s to 1 h/],
    ['reserved env', { env: { PORT: '9000' } }, /env\/secretEnv name\(s\) PORT are invalid or reserved/],
    ['bad name', { name: 'Webhook_1' }, /name "Webhook_1" is not a valid base name/],
    ['name too long for the service account id', { name: 'a'.repeat(27) }, /is not a valid base name: use 2-26/],
    ['one-letter name', { name: 'a' }, /name "a" is not a valid base name/],
    ['bad waf sensitivity', { wafSensitivity: 7 }, /wafSensitivity is 7: use 1, 2, 3 or 4/],
  ];

  test.each(cases)('%s', (_label, bad, message) => {
    const stack = platformStack(PROD_PROPS);
    expect(() => new ScalableWebhook(stack, 'webhook', { ...BASE, ...bad })).toThrow(message);
  });

  test('lists every broken rule at once', () => {
    const stack = platformStack(PROD_PROPS);
    expect(() => new ScalableWebhook(stack, 'webhook', { ...BASE, regions: [], concurrency: 0 })).toThrow(
      /regions is empty[\s\S]*concurrency is 0/,
    );
  });

  test('a token among the domains is neither judged nor named in the message', () => {
    const stack = platformStack(PROD_PROPS);
    const domain = new TerraformVariable(stack, 'domain', { type: 'string' });
    expect(() => new ScalableWebhook(stack, 'webhook', { ...BASE, domains: [domain.stringValue, 'Bad_Domain'] })).toThrow(
      /domains contains invalid name\(s\) Bad_Domain: use lowercase/,
    );
  });

  test('unresolved tokens are not judged', () => {
    const stack = platformStack(PROD_PROPS);
    const max = new TerraformVariable(stack, 'max', { type: 'number' });
    const image = new TerraformVariable(stack, 'image', { type: 'string' });
    new ScalableWebhook(stack, 'webhook', { ...BASE, image: image.stringValue, minInstances: 1, maxInstances: max.numberValue });
    const service = Object.values(resources(synth(stack), 'google_cloud_run_v2_service'))[0];
    expect(service.template.containers[0].image).toBe('${var.image}');
    expect(service.template.scaling.max_instance_count).toBe('${var.max}');
  });
});

describe('edge flood guard sized from capacity, not a per-IP user limit', () => {
  const throttleOf = (json: Json): Json => only(json, 'google_compute_security_policy').rule.find((r: Json) => r.action === 'throttle');

  test.each([
    ['defaults, 3 regions', {}, 3 * 10 * 80 * 60],
    ['maxInstances 20, concurrency 40, 1 region', { maxInstances: 20, concurrency: 40, regions: ['us-central1'] }, 20 * 40 * 60],
  ] as const)('%s: threshold = regions × maxInstances × concurrency × 60, keyed on the source IP', (_name, props, count) => {
    const { json, webhook } = prod(props as Partial<ScalableWebhookProps>);
    const throttle = throttleOf(json);
    expect(throttle.rate_limit_options).toEqual({
      conform_action: 'allow',
      exceed_action: 'deny(429)',
      enforce_on_key: 'IP',
      rate_limit_threshold: { count, interval_sec: 60 },
    });
    // Throttle the excess, never ban the source: it may be Google's egress carrying every Dialogflow call.
    expect(throttle.action).toBe('throttle');
    expect(throttle.rate_limit_options.ban_duration_sec).toBeUndefined();
    expect(throttle.description).toContain(`at most ${count} requests a minute per source IP`);
    expect(webhook.edgeRateLimitPerMinute).toBe(count);
    expect(webhook.edgePolicy!.rateLimitPerMinute).toBe(count);
  });

  test('an explicit limit is kept, with a synth warning when it is below the capacity', () => {
    const { json, webhook } = prod({ rateLimitPerMinute: 600 });
    expect(throttleOf(json).rate_limit_options.rate_limit_threshold).toEqual({ count: 600, interval_sec: 60 });
    const warnings = webhook.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => String(m.data));
    expect(warnings).toEqual([
      expect.stringContaining("rateLimitPerMinute 600 is below this webhook's capacity (144000 requests a minute)"),
    ]);
    const above = prod({ rateLimitPerMinute: 200000 }).webhook;
    expect(above.node.metadata.filter((m) => m.type === '@cdktf/warn')).toEqual([]);
  });

  test('token sizing falls back to the documented default', () => {
    const stack = platformStack(PROD_PROPS);
    const max = new TerraformVariable(stack, 'max', { type: 'number' });
    const webhook = new ScalableWebhook(stack, 'webhook', { ...BASE, maxInstances: max.numberValue });
    expect(webhook.edgeRateLimitPerMinute).toBe(DEFAULT_EDGE_RATE_LIMIT_PER_MINUTE);
    expect(DEFAULT_EDGE_RATE_LIMIT_PER_MINUTE).toBe(10 * 80 * 60);
  });

  test('validation names the prop and the fix', () => {
    expect(() => prod({ rateLimitPerMinute: 0 })).toThrow(
      /rateLimitPerMinute is 0: use a whole number of requests per minute, at least 1, sized from the platform capacity/,
    );
    expect(() => prod({ rateLimitPerMinute: 12.5 })).toThrow(/rateLimitPerMinute is 12.5/);
    expect(EdgeSecurityPolicy.floodGuardPerMinute(2400)).toBe(144000);
    expect(() => EdgeSecurityPolicy.floodGuardPerMinute(0)).toThrow(/requestsPerSecond is 0/);
  });

  test('a standalone EdgeSecurityPolicy defaults to the default sizing, not 600 per IP', () => {
    const stack = platformStack(DEV_PROPS);
    const edge = new EdgeSecurityPolicy(stack, 'edge', { name: 'edge' });
    expect(edge.rateLimitPerMinute).toBe(DEFAULT_EDGE_RATE_LIMIT_PER_MINUTE);
    expect(throttleOf(synth(stack)).rate_limit_options.rate_limit_threshold.count).toBe(48000);
  });
});

describe('ScalableWebhook trace export', () => {
  test('by default: the runtime exports to Cloud Trace under the project, and its account holds exactly roles/cloudtrace.agent', () => {
    const { json, webhook } = prod();
    for (const s of Object.values(resources(json, 'google_cloud_run_v2_service'))) {
      const env = s.template.containers[0].env as Array<{ name: string; value?: string }>;
      expect(env).toContainEqual({ name: 'TRACE_EXPORTER', value: 'cloud-trace' });
      expect(env).toContainEqual({ name: 'GOOGLE_CLOUD_PROJECT', value: PROD_PROPS.projectId });
    }
    const grants = Object.values(resources(json, 'google_project_iam_member'));
    expect(grants).toHaveLength(1);
    expect(grants[0]).toMatchObject({ project: PROD_PROPS.projectId, role: 'roles/cloudtrace.agent' });
    expect(grants[0].member).toBe(`\${google_service_account.${Object.keys(resources(json, 'google_service_account'))[0]}.member}`);
    expect(webhook.traceWriterGrant).toBeDefined();
  });

  test('traceExport: false sets nothing and grants nothing; the user env still wins over the defaults', () => {
    const off = prod({ traceExport: false });
    expect(resources(off.json, 'google_project_iam_member')).toEqual({});
    const offEnv = Object.values(resources(off.json, 'google_cloud_run_v2_service'))[0].template.containers[0].env as Array<{
      name: string;
    }>;
    expect(offEnv.map((e) => e.name)).not.toContain('TRACE_EXPORTER');
    const own = prod({ env: { TRACE_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' } });
    const env = Object.values(resources(own.json, 'google_cloud_run_v2_service'))[0].template.containers[0].env as Array<{
      name: string;
      value: string;
    }>;
    expect(env.filter((e) => e.name === 'TRACE_EXPORTER')).toEqual([{ name: 'TRACE_EXPORTER', value: 'otlp' }]);
  });
});
