import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { Platform } from '../../constructs/scalable-webhook/platform';
import { ScalableWebhook } from '../../constructs/scalable-webhook/scalable-webhook';
import { productionDeclaredBy } from '../../runtime/src/config';
import { DEV_PROPS, IMAGE, Json, PROD_PROPS, only, platformStack, resources, synth } from '../helpers/synth';

/**
 * The construct knows whether a webhook is production; the runtime must know it too, or it
 * would start without authentication. Checked through the runtime's own reading of the
 * container's environment, on both platforms, even when the caller's `env` says otherwise.
 */
describe('ScalableWebhook tells the runtime whether it is production', () => {
  // A caller's env that would make the runtime think it is not production, were it trusted.
  const misleading = { NODE_ENV: 'development', RUNTIME_ENV: 'dev' };

  function cloudRunEnv(stackProps: typeof PROD_PROPS): Record<string, string> {
    const stack = platformStack(stackProps);
    new ScalableWebhook(stack, 'webhook', { image: IMAGE, domains: ['webhook.acme.example'], env: misleading });
    const [service] = Object.values(resources(synth(stack), 'google_cloud_run_v2_service')) as Json[];
    const env = service.template.containers[0].env as { name: string; value?: string }[];
    expect(new Set(env.map((e) => e.name)).size).toBe(env.length); // Cloud Run refuses a name twice
    return Object.fromEntries(env.map((e) => [e.name, e.value ?? '']));
  }

  function gkeEnv(stackProps: typeof PROD_PROPS): Record<string, string> {
    const stack = platformStack(stackProps);
    new KubernetesProvider(stack, 'kubernetes', {});
    new ScalableWebhook(stack, 'webhook', {
      image: IMAGE,
      domains: ['webhook.acme.example'],
      platform: Platform.gke({ zones: ['us-central1-a', 'us-central1-b'], network: 'convai-vpc' }),
      env: misleading,
    });
    const container = only(synth(stack), 'kubernetes_deployment_v1').spec.template.spec.container[0];
    return Object.fromEntries((container.env as { name: string; value: string }[]).map((e) => [e.name, e.value]));
  }

  test.each([
    ['Cloud Run', cloudRunEnv],
    ['GKE', gkeEnv],
  ])('%s: a production webhook is production to the runtime; a development one is not made so', (_platform, envOf) => {
    expect(productionDeclaredBy(envOf(PROD_PROPS))).toBe('RUNTIME_ENV=production');
    const dev = envOf(DEV_PROPS);
    expect(dev.RUNTIME_ENV).toBe('dev');
    // GKE's construct also sets NODE_ENV=production as a default the caller may replace; here they did.
    expect(productionDeclaredBy(dev)).toBeUndefined();
  });
});
