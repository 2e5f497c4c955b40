import { App } from 'cdktf';
import { loadConfig } from './config';
import { GkeWebhookPlatformStack } from './gke-webhook-platform-stack';
import { WebhookPlatformStack } from './webhook-platform-stack';

/** The reference platform app: one stack per configured environment. `cdktf synth` runs this. */
const app = new App();
for (const environment of loadConfig().environments) {
  if (environment.gke) new GkeWebhookPlatformStack(app, { ...environment, gke: environment.gke });
  else new WebhookPlatformStack(app, environment);
}
app.synth();
