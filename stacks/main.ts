import { App } from 'cdktf';
import { BootstrapStack } from './bootstrap-stack';
import { loadConfig } from './config';
import { WebhookPlatformStack } from './webhook-platform-stack';

/** The reference platform app: one stack per configured environment (Cloud Run, or GKE with `gke`). `cdktf synth` runs this. */
const app = new App();
const config = loadConfig();
const platforms = config.environments.map((environment) => new WebhookPlatformStack(app, environment));
// The bootstrap stack, derived from what the platform stacks above use.
if (config.bootstrap) {
  new BootstrapStack(
    app,
    config.bootstrap,
    config.environments,
    platforms.map((stack, i) => ({ stack, projectId: config.environments[i].projectId })),
  );
}
app.synth();
