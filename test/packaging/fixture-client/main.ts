// A platform team's app, written only against the published package: packaging.test.ts copies
// this folder into a throwaway project outside the repository, installs the packed tarball,
// compiles this file with the client's own tsc and runs it. Excluded from the repo's tsconfig,
// because '@convai-platform/cdktf-gcp' resolves only in that client.
import { App } from 'cdktf';
import { PlatformStack, PolicySuppressions, ScalableWebhook, SloAlerting, SloTarget } from '@convai-platform/cdktf-gcp';

const app = new App();
const stack = new PlatformStack(app, 'client-prod', {
  projectId: 'client-convai-prod',
  environment: 'prod',
  regions: ['us-central1', 'europe-west1'],
  team: 'client-team',
  costCenter: 'cc-0001',
});
const webhook = new ScalableWebhook(stack, 'webhook', {
  image: 'us-docker.pkg.dev/client/webhook/runtime@sha256:' + 'c'.repeat(64),
  domains: ['webhook.client.example.com'],
  // Breaks CKV_CONVAI_2 in production: synth passes only if the suppression below, recorded
  // through the package's own PolicySuppressions, is honoured by the package's PolicyChecks.
  minInstances: 0,
});
// Production Cloud Run services must be watched by SLOs that page someone (CKV_CONVAI_45, 42).
new SloAlerting(stack, 'slo', {
  target: SloTarget.cloudRun({ services: webhook.services }),
  pageChannels: ['projects/client-convai-prod/notificationChannels/1234567890'],
});
// Context `noSuppression` (CDKTF_CONTEXT_JSON) lets the test prove the check really fires without it.
if (!app.node.tryGetContext('noSuppression')) {
  PolicySuppressions.add(webhook, 'CKV_CONVAI_2', 'Scale to zero is accepted in this packaging fixture, which is never deployed.');
}

// A second stack with a violation the pipeline's policy gate must catch: production scale-to-zero
// (CKV_CONVAI_2) with no suppression. Its synth-time checks are switched off (`policyChecks:
// false`), as a team might do, so only `convai-policy` (run by packaging.test.ts from the packed
// tarball) stands between it and a deploy.
const violating = new PlatformStack(app, 'client-violating', {
  projectId: 'client-convai-prod',
  environment: 'prod',
  regions: ['us-central1'],
  team: 'client-team',
  costCenter: 'cc-0001',
  policyChecks: false,
});
new ScalableWebhook(violating, 'webhook', {
  image: 'us-docker.pkg.dev/client/webhook/runtime@sha256:' + 'c'.repeat(64),
  domains: ['webhook.client.example.com'],
  minInstances: 0,
});
app.synth();
