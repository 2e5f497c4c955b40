import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { Grantee } from '../../constructs/core/grantee';
import { TerraformOutput, TerraformVariable } from 'cdktf';
import { GkeWebhookWorkload } from '../../constructs/scalable-webhook/gke-workload';
import { GkePlatformOptions, Platform, ScalableWebhookProps } from '../../constructs/scalable-webhook/platform';
import { ScalableWebhook } from '../../constructs/scalable-webhook/scalable-webhook';
import { DEV_PROPS, IMAGE, Json, PROD_PROPS, only, platformStack, resources, synth } from '../helpers/synth';

const ZONES = ['us-central1-a', 'us-central1-b', 'us-central1-c'];
const GKE: GkePlatformOptions = { zones: ZONES, network: 'convai-vpc' };
const BASE: ScalableWebhookProps = { image: IMAGE, domains: ['webhook.acme.example'] };

/** A platform stack with the Kubernetes provider the GKE resources need (the user configures it). */
function k8sStack(stackProps = PROD_PROPS) {
  const stack = platformStack(stackProps);
  new KubernetesProvider(stack, 'kubernetes', {});
  return stack;
}

function gke(options: Partial<GkePlatformOptions> = {}, props: Partial<ScalableWebhookProps> = {}, stackProps = PROD_PROPS) {
  const stack = k8sStack(stackProps);
  const webhook = new ScalableWebhook(stack, 'webhook', { ...BASE, platform: Platform.gke({ ...GKE, ...options }), ...props });
  return { json: synth(stack), webhook };
}
const container = (json: Json): Json => only(json, 'kubernetes_deployment_v1').spec.template.spec.container[0];

describe('ScalableWebhook on GKE: workload', () => {
  const { json, webhook } = gke();
  const deployment = only(json, 'kubernetes_deployment_v1');
  const pod = deployment.spec.template.spec;

  test('no Cloud Run resources; the Kubernetes objects are the escape hatches', () => {
    expect(resources(json, 'google_cloud_run_v2_service')).toEqual({});
    expect(resources(json, 'google_compute_region_network_endpoint_group')).toEqual({});
    expect(resources(json, 'google_cloud_run_v2_service_iam_member')).toEqual({});
    expect(webhook.services).toEqual([]);
    expect(webhook.gke).toBeInstanceOf(GkeWebhookWorkload);
    expect(webhook.binding.workload).toBe(webhook.gke);
    expect(webhook.regions).toEqual(['us-central1']);
  });

  test('the namespace is created, named after the webhook and enforces the restricted pod security standard', () => {
    const ns = only(json, 'kubernetes_namespace_v1');
    expect(ns.metadata.name).toBe('webhook');
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    expect(deployment.metadata.namespace).toMatch(/^\$\{kubernetes_namespace_v1\..*\.metadata\[0\]\.name\}$/);
  });

  test('Workload Identity: the Kubernetes service account is bound to a dedicated Google service account, both ways', () => {
    const gsa = only(json, 'google_service_account');
    expect(gsa.account_id).toBe('webhook-gke');
    const [gsaId] = Object.keys(resources(json, 'google_service_account'));
    const ksa = only(json, 'kubernetes_service_account_v1');
    expect(ksa.metadata.annotations['iam.gke.io/gcp-service-account']).toBe(`\${google_service_account.${gsaId}.email}`);
    expect(ksa.automount_service_account_token).toBe(false);
    const binding = only(json, 'google_service_account_iam_member');
    expect(binding.role).toBe('roles/iam.workloadIdentityUser');
    expect(binding.member).toBe('serviceAccount:acme-convai-prod.svc.id.goog[webhook/webhook]');
    expect(binding.service_account_id).toBe(`\${google_service_account.${gsaId}.name}`);
    expect(pod.service_account_name).toBe('webhook');
    expect(pod.automount_service_account_token).toBe(false);
  });

  test('rolling update without unavailability, 3 replicas in production, spread across zones', () => {
    expect(deployment.spec.replicas).toBe('3');
    expect(deployment.spec.strategy).toEqual({ type: 'RollingUpdate', rolling_update: { max_unavailable: '0', max_surge: '25%' } });
    expect(deployment.lifecycle.ignore_changes).toEqual(['spec[0].replicas']);
    const zone = pod.topology_spread_constraint.find((c: Json) => c.topology_key === 'topology.kubernetes.io/zone');
    expect(zone).toMatchObject({ max_skew: 1, when_unsatisfiable: 'DoNotSchedule' });
    expect(zone.label_selector[0].match_labels).toEqual(deployment.spec.selector.match_labels);
  });

  test('probes against the runtime health endpoints', () => {
    const c = container(json);
    expect(c.startup_probe.http_get).toEqual({ path: '/readyz', port: '8080' });
    expect(c.liveness_probe.http_get).toEqual({ path: '/healthz', port: '8080' });
    expect(c.readiness_probe.http_get).toEqual({ path: '/readyz', port: '8080' });
  });

  test('requests and limits, image by digest, pulled every time', () => {
    const c = container(json);
    expect(c.resources).toEqual({ requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } });
    expect(c.image).toBe(IMAGE);
    expect(c.image_pull_policy).toBe('Always');
  });

  test('restricted security context on pod and container', () => {
    expect(pod.security_context).toMatchObject({
      run_as_non_root: true,
      run_as_user: '1000',
      seccomp_profile: { type: 'RuntimeDefault' },
    });
    expect(container(json).security_context).toEqual({
      run_as_non_root: true,
      run_as_user: '1000',
      run_as_group: '1000',
      privileged: false,
      allow_privilege_escalation: false,
      read_only_root_filesystem: true,
      capabilities: { drop: ['ALL'] },
      seccomp_profile: { type: 'RuntimeDefault' },
    });
    // The read-only root filesystem leaves /tmp writable through an in-memory volume.
    expect(container(json).volume_mount).toEqual([{ name: 'tmp', mount_path: '/tmp' }]);
    expect(pod.volume).toEqual([{ name: 'tmp', empty_dir: { medium: 'Memory', size_limit: '64Mi' } }]);
  });

  test('environment follows the runtime contract: the runtime checks ID tokens itself on GKE', () => {
    const env = Object.fromEntries(container(json).env.map((e: Json) => [e.name, e.value]));
    expect(env).toMatchObject({
      PORT: '8080',
      WEBHOOK_REGION: 'us-central1',
      AUTH_MODE: 'google-id-token',
      AUTH_AUDIENCE: 'https://webhook.acme.example',
      GOOGLE_CLOUD_PROJECT: 'acme-convai-prod',
      NODE_ENV: 'production',
    });
    // Any Google identity can mint a token for the audience: only Dialogflow's service agent is let in.
    expect(env.AUTH_ALLOWED_PRINCIPALS).toMatch(
      /^service-\$\{data\.google_project\.[\w-]+\.number\}@gcp-sa-dialogflow\.iam\.gserviceaccount\.com$/,
    );
  });

  test('the Service exposes standalone zonal NEGs named for the load balancer', () => {
    const service = only(json, 'kubernetes_service_v1');
    expect(service.spec.type).toBe('ClusterIP');
    expect(JSON.parse(service.metadata.annotations['cloud.google.com/neg'])).toEqual({ exposed_ports: { '80': { name: 'webhook-neg' } } });
    expect(service.spec.port).toEqual([{ name: 'http', port: 80, target_port: '8080', protocol: 'TCP' }]);
    expect(service.spec.selector).toEqual(deployment.spec.selector.match_labels);
  });
});

describe('ScalableWebhook on GKE: autoscaling and disruption budget', () => {
  test('HPA (autoscaling/v2) on CPU with fast scale-up and slow scale-down', () => {
    const hpa = only(gke().json, 'kubernetes_horizontal_pod_autoscaler_v2');
    expect(hpa.spec.min_replicas).toBe(3);
    expect(hpa.spec.max_replicas).toBe(10);
    expect(hpa.spec.scale_target_ref).toMatchObject({ api_version: 'apps/v1', kind: 'Deployment' });
    expect(hpa.spec.metric).toEqual([
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', average_utilization: 60 } } },
    ]);
    expect(hpa.spec.behavior.scale_up[0].stabilization_window_seconds).toBe(0);
    expect(hpa.spec.behavior.scale_down[0].stabilization_window_seconds).toBe(300);
    expect(hpa.spec.behavior.scale_down[0].policy).toEqual([{ type: 'Percent', value: 25, period_seconds: 60 }]);
  });

  test('an optional requests-per-second Pods metric', () => {
    const hpa = only(
      gke({ requestsPerSecondMetric: 'prometheus.googleapis.com|webhook_rps|gauge', targetRequestsPerSecond: 30, maxReplicas: 40 }).json,
      'kubernetes_horizontal_pod_autoscaler_v2',
    );
    expect(hpa.spec.max_replicas).toBe(40);
    expect(hpa.spec.metric[1]).toEqual({
      type: 'Pods',
      pods: { metric: { name: 'prometheus.googleapis.com|webhook_rps|gauge' }, target: { type: 'AverageValue', average_value: '30' } },
    });
  });

  test('PDB keeps all but one pod by default', () => {
    const pdb = only(gke().json, 'kubernetes_pod_disruption_budget_v1');
    expect(pdb.spec.min_available).toBe('2');
    expect(pdb.spec.selector.match_labels).toEqual({ 'app.kubernetes.io/name': 'webhook', 'app.kubernetes.io/component': 'webhook' });
  });

  test('outside production: 2 replicas and a PDB of 1', () => {
    const { json } = gke({}, {}, DEV_PROPS);
    expect(only(json, 'kubernetes_horizontal_pod_autoscaler_v2').spec.min_replicas).toBe(2);
    expect(only(json, 'kubernetes_pod_disruption_budget_v1').spec.min_available).toBe('1');
  });

  test('one replica is allowed in dev, with a PDB that protects nothing rather than one that blocks drains', () => {
    const { json } = gke({ minReplicas: 1 }, {}, DEV_PROPS);
    expect(only(json, 'kubernetes_pod_disruption_budget_v1').spec.min_available).toBe('0');
  });
});

describe('ScalableWebhook on GKE: network policy', () => {
  const policies = (json: Json): Json[] => Object.values(resources(json, 'kubernetes_network_policy_v1'));

  test('default deny for every pod in the namespace', () => {
    const deny = policies(gke().json).find((p) => p.metadata.name === 'default-deny-all')!;
    expect(deny.spec).toEqual({ pod_selector: {}, policy_types: ['Ingress', 'Egress'] });
  });

  test('the webhook pods accept only Google load balancer ranges on the container port', () => {
    const allow = policies(gke().json).find((p) => p.metadata.name === 'webhook-allow')!;
    expect(allow.spec.ingress).toEqual([
      {
        from: [{ ip_block: { cidr: '130.211.0.0/22' } }, { ip_block: { cidr: '35.191.0.0/16' } }],
        ports: [{ port: '8080', protocol: 'TCP' }],
      },
    ]);
  });

  test('egress: DNS, metadata server and private Google APIs; no Redis or database unless configured', () => {
    const egress: Json[] = policies(gke().json).find((p) => p.metadata.name === 'webhook-allow')!.spec.egress;
    const targets = egress.map((e) => [
      e.to.map((t: Json) => t.ip_block?.cidr ?? t.pod_selector?.match_labels['k8s-app']),
      e.ports.map((p: Json) => `${p.protocol}/${p.port}`),
    ]);
    expect(targets).toEqual([
      [['kube-dns'], ['UDP/53', 'TCP/53']],
      [['169.254.169.254/32'], ['TCP/80']],
      [['169.254.169.252/32'], ['TCP/988']],
      [['199.36.153.8/30', '199.36.153.4/30'], ['TCP/443']],
    ]);
  });

  test('egress to Redis and the database when their ranges are given', () => {
    const { json } = gke({ redisCidr: '10.20.0.0/29', databaseCidr: '10.30.0.0/24' });
    const egress: Json[] = policies(json).find((p) => p.metadata.name === 'webhook-allow')!.spec.egress;
    expect(egress).toContainEqual({
      to: [{ ip_block: { cidr: '10.20.0.0/29' } }],
      ports: [
        { port: '6378', protocol: 'TCP' },
        { port: '6379', protocol: 'TCP' },
      ],
    });
    expect(egress).toContainEqual({
      to: [{ ip_block: { cidr: '10.30.0.0/24' } }],
      ports: [
        { port: '5432', protocol: 'TCP' },
        { port: '3307', protocol: 'TCP' },
      ],
    });
  });
});

describe('ScalableWebhook on GKE: one exposure path with Cloud Run', () => {
  const onGke = gke().json;
  const stack = platformStack(PROD_PROPS);
  new ScalableWebhook(stack, 'webhook', BASE);
  const onRun = synth(stack);

  test.each([
    'google_compute_ssl_policy',
    'google_compute_managed_ssl_certificate',
    'google_compute_target_https_proxy',
    'google_compute_url_map',
    'google_compute_global_forwarding_rule',
  ])('%s is the same on both platforms', (type) => {
    expect(resources(onGke, type)).toEqual(resources(onRun, type));
  });

  test("the Cloud Armor policy is the same except the flood guard, sized from each platform's capacity", () => {
    const withoutThreshold = (json: Json): Json =>
      only(json, 'google_compute_security_policy').rule.map(({ description: _d, rate_limit_options: _r, ...rule }: Json) => rule);
    expect(withoutThreshold(onGke)).toEqual(withoutThreshold(onRun));
    const count = (json: Json): number =>
      only(json, 'google_compute_security_policy').rule.find((r: Json) => r.action === 'throttle').rate_limit_options.rate_limit_threshold
        .count;
    // GKE: one region × 10 replicas (default maxReplicas) × 100 requests a second per pod × 60 s.
    expect(count(onGke)).toBe(10 * 100 * 60);
    // Cloud Run: 3 regions × 10 instances × 80 concurrent requests × 60 s.
    expect(count(onRun)).toBe(3 * 10 * 80 * 60);
  });

  test('the backend service differs only in what reaches the backends', () => {
    const { backend: g, protocol: gp, health_checks, depends_on, ...gRest } = only(onGke, 'google_compute_backend_service');
    const { backend: r, protocol: rp, ...rRest } = only(onRun, 'google_compute_backend_service');
    expect(gRest).toEqual(rRest);
    expect(gp).toBe('HTTP');
    expect(rp).toBe('HTTPS');
    expect(g.map((b: Json) => b.group)).toEqual(ZONES.map((z) => `projects/acme-convai-prod/zones/${z}/networkEndpointGroups/webhook-neg`));
    expect(g[0]).toMatchObject({ balancing_mode: 'RATE', max_rate_per_endpoint: 100 });
    expect(health_checks).toEqual([expect.stringMatching(/^\$\{google_compute_health_check\..*\.id\}$/)]);
    // A bare address: Terraform refuses "${kubernetes_service_v1.x}" in depends_on at init.
    expect(depends_on).toEqual([`kubernetes_service_v1.${Object.keys(resources(onGke, 'kubernetes_service_v1'))[0]}`]);
    expect(r).toHaveLength(3);
  });

  test('health check on the readiness endpoint and a firewall rule for Google ranges only', () => {
    const hc = only(onGke, 'google_compute_health_check');
    expect(hc.http_health_check).toEqual({ port_specification: 'USE_SERVING_PORT', request_path: '/readyz' });
    const fw = only(onGke, 'google_compute_firewall');
    expect(fw).toMatchObject({ network: 'convai-vpc', direction: 'INGRESS', source_ranges: ['130.211.0.0/22', '35.191.0.0/16'] });
    expect(fw.allow).toEqual([{ protocol: 'tcp', ports: ['8080'] }]);
    expect(fw.target_service_accounts).toBeUndefined();
  });

  test('an existing namespace is used, not created', () => {
    const { json } = gke({ createNamespace: false, namespace: 'team-bots' });
    expect(resources(json, 'kubernetes_namespace_v1')).toEqual({});
    expect(only(json, 'kubernetes_deployment_v1').metadata.namespace).toBe('team-bots');
    expect(only(json, 'google_service_account_iam_member').member).toBe('serviceAccount:acme-convai-prod.svc.id.goog[team-bots/webhook]');
  });

  test('the synth-time policy checks catch an escape hatch that weakens the pods or the PDB', () => {
    const stack = k8sStack();
    const webhook = new ScalableWebhook(stack, 'webhook', { ...BASE, platform: Platform.gke(GKE) });
    webhook.gke!.deployment.addOverride('spec.template.spec.container.0.security_context.seccomp_profile.type', 'Unconfined');
    webhook.gke!.disruptionBudget.addOverride('spec.min_available', '100%');
    expect(() => synth(stack)).toThrow(
      /CKV_CONVAI_50 at test\/webhook\/gke\/deployment[\s\S]*CKV_CONVAI_51 at test\/webhook\/gke\/disruption-budget/,
    );
  });

  test('grantInvoke is refused: Cloud Run IAM does not apply', () => {
    const webhook = new ScalableWebhook(k8sStack(), 'webhook', { ...BASE, platform: Platform.gke(GKE) });
    expect(() => webhook.grantInvoke('x', Grantee.fromServiceAccountEmail('a@b.iam.gserviceaccount.com'))).toThrow(
      /does not apply on Platform\.gke/,
    );
  });

  test('request signals come from the cluster’s Managed Service for Prometheus, and need clusterName', () => {
    const stack = k8sStack();
    const withName = new ScalableWebhook(stack, 'webhook', { ...BASE, platform: Platform.gke({ ...GKE, clusterName: 'convai-prod' }) });
    const signals = withName.requestSignals;
    new TerraformOutput(stack, 'filter', { value: signals.totalRequestsFilter });
    expect(synth(stack).output.filter.value).toMatch(
      /^metric.type="prometheus.googleapis.com\/webhook_requests_total\/counter" resource.type="prometheus_target" resource.label.cluster="convai-prod" resource.label.namespace="webhook" resource.label.job="\$\{kubernetes_service_v1\.webhook_gke_service_\w+\.metadata\[0\]\.name\}"$/,
    );
    expect(signals.regions).toEqual(['us-central1']);
    expect(signals.maxInstances).toBe(10);
    const without = new ScalableWebhook(k8sStack(), 'webhook', { ...BASE, platform: Platform.gke(GKE) });
    expect(() => without.requestSignals).toThrow(
      /test\/webhook: Platform.gke was given no clusterName[\s\S]*clusterName: cluster.cluster.name/,
    );
  });
});

describe('ScalableWebhook on GKE: validation', () => {
  const fails = (
    options: Partial<GkePlatformOptions>,
    message: RegExp,
    props: Partial<ScalableWebhookProps> = {},
    stackProps = PROD_PROPS,
  ) => expect(() => gke(options, props, stackProps)).toThrow(message);

  test.each<[string, Partial<GkePlatformOptions>, RegExp]>([
    ['fewer than 2 replicas in production', { minReplicas: 1 }, /minReplicas is 1 in production: use at least 2/],
    ['maxReplicas below minReplicas', { minReplicas: 4, maxReplicas: 3 }, /maxReplicas \(3\) is below minReplicas \(4\)/],
    [
      'a PDB that blocks every eviction',
      { minReplicas: 3, pdbMinAvailable: 3 },
      /pdbMinAvailable \(3\) is not below minReplicas \(3\).*block every eviction.*at most 2/,
    ],
    ['a missing CPU request', { cpuRequest: '' }, /cpuRequest\/memoryRequest is empty: pods without resource requests/],
    ['a missing memory request', { memoryRequest: ' ' }, /cpuRequest\/memoryRequest is empty/],
    ['a namespace Kubernetes rejects', { namespace: 'Team_Bots' }, /namespace "Team_Bots" is not usable: Kubernetes needs a DNS label/],
    ['the default namespace', { namespace: 'default' }, /namespace "default" is not usable/],
    ['zones of two regions', { zones: ['us-central1-a', 'europe-west1-b'] }, /zones span regions us-central1, europe-west1/],
    ['no zones', { zones: [] }, /zones is empty/],
    ['a malformed zone', { zones: ['us-central1'] }, /zones us-central1 are not zone names/],
    ['a malformed quantity', { cpuLimit: 'two' }, /cpuLimit "two" not a Kubernetes quantity/],
    ['a request above its limit', { memoryRequest: '1Gi', memoryLimit: '512Mi' }, /memoryRequest 1Gi > memoryLimit 512Mi/],
    ['an odd CPU target', { targetCpuUtilization: 100 }, /targetCpuUtilization is 100: use a whole percentage in 10\.\.95/],
    ['a bad CIDR', { redisCidr: '10.0.0.1' }, /10\.0\.0\.1 not CIDR ranges/],
    ['an empty network', { network: '' }, /network is empty/],
  ])('%s', (_, options, message) => fails(options, message));

  test('several problems are reported together', () => {
    fails({ minReplicas: 1, namespace: 'kube-system' }, /namespace "kube-system"[\s\S]*minReplicas is 1 in production/);
  });

  test('props Cloud Run alone understands are refused on GKE', () => {
    fails({}, /secretEnv \(API_KEY\) is not supported on Platform\.gke/, { secretEnv: { API_KEY: { secret: 'api-key' } } });
    fails({}, /invokers \["user:someone@acme.dev"\] on Platform.gke must all be service accounts/, {
      invokers: [Grantee.fromMember('user:someone@acme.dev')],
    });
    fails({}, /regions is \["europe-west1"\] but Platform\.gke serves from one cluster in us-central1/, { regions: ['europe-west1'] });
  });

  test('unresolved tokens are not judged, and reach the JSON as references', () => {
    const stack = k8sStack();
    const min = new TerraformVariable(stack, 'min', { type: 'number' }).numberValue;
    const ns = new TerraformVariable(stack, 'ns', { type: 'string' }).stringValue;
    new ScalableWebhook(stack, 'webhook', { ...BASE, platform: Platform.gke({ ...GKE, minReplicas: min, namespace: ns }) });
    const json = synth(stack);
    expect(only(json, 'kubernetes_deployment_v1').spec.replicas).toBe('${var.min}');
    expect(only(json, 'kubernetes_horizontal_pod_autoscaler_v2').spec.min_replicas).toBe('${var.min}');
    expect(only(json, 'google_service_account_iam_member').member).toBe('serviceAccount:acme-convai-prod.svc.id.goog[${var.ns}/webhook]');
  });
});
