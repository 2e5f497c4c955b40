import { DataGoogleClientConfig } from '@cdktf/provider-google/lib/data-google-client-config';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { Fn, GcsBackend, LocalBackend } from 'cdktf';
import { Construct } from 'constructs';
import { PlatformStack } from '../constructs/core/platform-stack';
import { GkeClusterMode, HardenedGkeCluster } from '../constructs/gke/hardened-gke-cluster';
import { Platform } from '../constructs/scalable-webhook/platform';
import { ScalableWebhook } from '../constructs/scalable-webhook/scalable-webhook';
import { EnvironmentConfig, GkeConfig } from './config';

/**
 * One environment of the reference platform on GKE: a hardened private cluster and the webhook
 * as a Deployment on it, behind the same load balancer, SSL policy and Cloud Armor policy as the
 * Cloud Run stacks. Terraform must run where it reaches the private control plane (see
 * docs/constructs/scalable-webhook.md, "Cloud Run or GKE").
 */
export class GkeWebhookPlatformStack extends PlatformStack {
  public readonly cluster: HardenedGkeCluster;
  public readonly webhook: ScalableWebhook;

  constructor(scope: Construct, config: EnvironmentConfig & { gke: GkeConfig }) {
    super(scope, config.name, {
      projectId: config.projectId,
      environment: config.environment,
      regions: config.regions,
      team: config.team,
      costCenter: config.costCenter,
    });
    if (config.stateBucket) new GcsBackend(this, { bucket: config.stateBucket, prefix: `convai/${config.name}` });
    else new LocalBackend(this, { path: `terraform.${config.name}.tfstate` });

    const gke = config.gke;
    this.cluster = new HardenedGkeCluster(this, 'cluster', {
      name: `convai-${config.name}`,
      region: config.regions[0],
      zones: gke.zones,
      network: gke.network,
      subnetwork: gke.subnetwork,
      podsRangeName: gke.podsRangeName,
      servicesRangeName: gke.servicesRangeName,
      masterAuthorizedNetworks: gke.masterAuthorizedNetworks,
      mode: gke.autopilot ? GkeClusterMode.autopilot() : GkeClusterMode.standard(),
    });

    // The Kubernetes provider talks to the new cluster with the caller's Google credentials.
    const client = new DataGoogleClientConfig(this, 'google-client');
    new KubernetesProvider(this, 'kubernetes', {
      host: `https://${this.cluster.cluster.endpoint}`,
      token: client.accessToken,
      clusterCaCertificate: Fn.base64decode(this.cluster.cluster.masterAuth.clusterCaCertificate),
    });

    this.webhook = new ScalableWebhook(this, 'webhook', {
      image: config.image,
      domains: config.domains,
      platform: Platform.gke({
        zones: this.cluster.zones,
        network: this.cluster.network,
        nodeServiceAccount: this.cluster.nodeServiceAccount.email,
        workloadIdentityPool: this.cluster.workloadIdentityPool,
        namespace: 'convai-webhook',
        minReplicas: gke.minReplicas,
        maxReplicas: gke.maxReplicas,
      }),
      env: { PLATFORM_ENV: config.environment },
    });
  }
}
