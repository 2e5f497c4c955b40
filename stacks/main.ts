import { App } from 'cdktf';
import { loadConfig } from './config';
import { WebhookPlatformStack } from './webhook-platform-stack';

/** The reference platform app: one stack per configured environment (Cloud Run, or GKE with `gke`). `cdktf synth` runs this. */
const app = new App();
for (const environment of loadConfig().environments) {
  new WebhookPlatformStack(app, environment);
}
app.synth();
