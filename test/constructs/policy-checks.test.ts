import { CloudRunV2Service } from '@cdktf/provider-google/lib/cloud-run-v2-service';
import { CloudRunV2ServiceIamMember } from '@cdktf/provider-google/lib/cloud-run-v2-service-iam-member';
import { PubsubTopic } from '@cdktf/provider-google/lib/pubsub-topic';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { ComputeBackendService } from '@cdktf/provider-google/lib/compute-backend-service';
import { Aspects, TerraformStack, Testing } from 'cdktf';
import { PolicyChecks, stackViolations, stackWarnings } from '../../constructs/core/policy-checks';
import { PolicySuppressions } from '../../constructs/core/policy-suppressions';
import { ScalableWebhook } from '../../constructs/scalable-webhook/scalable-webhook';
import { DEV_PROPS, IMAGE, PROD_PROPS, platformStack, synth, synthWithMetadata } from '../helpers/synth';

/** A Cloud Run service written by hand the insecure way: public ingress, default account. */
function rawService(stack: ReturnType<typeof platformStack>): CloudRunV2Service {
  return new CloudRunV2Service(stack, 'raw', {
    name: 'raw',
    location: 'us-central1',
    template: { containers: [{ image: IMAGE }] },
  });
}

describe('PolicyChecks at synth', () => {
  test('fails synth on every violation, naming the construct, the check and the fix', () => {
    const stack = platformStack(PROD_PROPS);
    rawService(stack);
    expect(() => synth(stack)).toThrow(/CKV_CONVAI_1 at test\/raw .*ingress is INGRESS_TRAFFIC_ALL\. Fix: set ingress/);
    expect(() => synth(stack)).toThrow(/CKV_CONVAI_2 at test\/raw/);
    expect(() => synth(stack)).toThrow(/CKV_CONVAI_3 at test\/raw .*default compute service account/);
  });

  test('production min instances is judged only in production', () => {
    const stack = platformStack(DEV_PROPS);
    const svc = rawService(stack);
    PolicySuppressions.add(svc, 'CKV_CONVAI_1', 'Fixture: ingress is judged by its own test in this file.');
    PolicySuppressions.add(svc, 'CKV_CONVAI_3', 'Fixture: the service account is judged by its own test here.');
    expect(() => synth(stack)).not.toThrow();
  });

  test('a production image referenced by tag fails synth; a digest passes', () => {
    const stack = platformStack(PROD_PROPS);
    new ScalableWebhook(stack, 'webhook', { image: 'us-docker.pkg.dev/acme/convai/webhook:1.4.2', domains: ['w.acme.example'] });
    expect(() => synth(stack)).toThrow(
      /CKV_CONVAI_12 at test\/webhook\/service-us-central1 .*image us-docker\.pkg\.dev\/acme\/convai\/webhook:1\.4\.2 is not pinned by digest/,
    );
    const dev = platformStack(DEV_PROPS);
    new ScalableWebhook(dev, 'webhook', { image: 'us-docker.pkg.dev/acme/convai/webhook:1.4.2', domains: ['w.acme.example'] });
    expect(() => synth(dev)).not.toThrow();
  });

  test('a public invoker fails synth', () => {
    const stack = platformStack(DEV_PROPS);
    new CloudRunV2ServiceIamMember(stack, 'public', {
      name: 'svc',
      location: 'us-central1',
      role: 'roles/run.invoker',
      member: 'allUsers',
    });
    expect(() => synth(stack)).toThrow(/CKV_CONVAI_4 at test\/public .*member allUsers makes the service public/);
  });

  test('a reasoned suppression on a scope silences the check for everything under it', () => {
    const stack = platformStack(PROD_PROPS);
    // traceExport off: the Cloud Trace writer grant carries a suppression of its own (CKV_CONVAI_39).
    const webhook = new ScalableWebhook(stack, 'webhook', {
      image: IMAGE,
      domains: ['w.acme.example'],
      minInstances: 0,
      traceExport: false,
    });
    expect(() => synth(stack)).toThrow(/CKV_CONVAI_2 at test\/webhook\/service-us-central1/);
    PolicySuppressions.add(webhook, 'CKV_CONVAI_2', 'Scale to zero accepted: this agent is only used in office hours.');
    const json = synthWithMetadata(stack);
    expect(json['//'].policy_suppressions).toHaveLength(3);
    expect(json['//'].policy_suppressions[0]).toMatchObject({
      check_id: 'CKV_CONVAI_2',
      reason: 'Scale to zero accepted: this agent is only used in office hours.',
    });
    expect(json['//'].policy_suppressions.map((s: { resource: string }) => s.resource).sort()).toEqual(
      Object.keys(json.resource.google_cloud_run_v2_service)
        .map((id) => `google_cloud_run_v2_service.${id}`)
        .sort(),
    );
  });

  test('in a plain stack, unlabelled resources fail the label rule with the fix', () => {
    const stack = new TerraformStack(Testing.app(), 'plain');
    new GoogleProvider(stack, 'google', { project: 'acme' });
    Aspects.of(stack).add(new PolicyChecks());
    new PubsubTopic(stack, 'topic', { name: 't' });
    expect(() => synth(stack)).toThrow(
      /CKV_CONVAI_9 at plain\/topic .*missing labels: env, team, cost-center, managed-by\. Fix: create the resource inside a PlatformStack/,
    );
  });

  test('a warning-severity rule is reported as a synth warning on the construct and does not fail synth', () => {
    const stack = platformStack(DEV_PROPS);
    new ComputeBackendService(stack, 'backend', {
      name: 'b',
      loadBalancingScheme: 'EXTERNAL_MANAGED',
      securityPolicy: 'projects/acme/global/securityPolicies/edge',
      logConfig: { enable: false },
    });
    expect(() => synth(stack)).not.toThrow();
    synth(stack); // validations run on every synth: the warning is still annotated once
    const backend = stack.node.findChild('backend');
    const warnings = backend.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => String(m.data));
    expect(warnings).toEqual([
      expect.stringMatching(/^\[warning\] CKV_CONVAI_13 at test\/backend .*request logging off\. Fix: set log_config\.enable = true/),
    ]);
    expect(stackWarnings(stack)).toEqual(warnings);
    expect(stackViolations(stack)).toEqual([]);
  });

  test('error-severity violations carry their severity', () => {
    const stack = platformStack(PROD_PROPS);
    rawService(stack);
    expect(stackViolations(stack).every((m) => m.startsWith('[error] CKV_CONVAI_'))).toBe(true);
    expect(stackViolations(stack).length).toBeGreaterThanOrEqual(3);
  });

  test('can be turned off', () => {
    const stack = platformStack({ ...PROD_PROPS, policyChecks: false }, Testing.app());
    rawService(stack);
    expect(() => synth(stack)).not.toThrow();
  });
});

describe('PolicySuppressions', () => {
  test.each([
    ['', 'A perfectly good reason for this exception.', /checkId "" is not a check id/],
    ['CKV_CONVAI_2', '', /reason "" is too short/],
    ['CKV_CONVAI_2', 'because', /reason "because" is too short/],
  ])('rejects %p with reason %p', (id, reason, message) => {
    const stack = platformStack(DEV_PROPS);
    expect(() => PolicySuppressions.add(stack, id, reason)).toThrow(message);
  });

  test('no suppressions, no block', () => {
    const stack = platformStack(DEV_PROPS);
    // traceExport off: the Cloud Trace writer grant carries a suppression of its own (CKV_CONVAI_39).
    new ScalableWebhook(stack, 'webhook', { image: IMAGE, domains: ['w.acme.example'], traceExport: false });
    expect(synthWithMetadata(stack)['//'].policy_suppressions).toBeUndefined();
  });
});
