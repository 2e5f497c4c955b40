import { GcsBackend, LocalBackend, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { PlatformBootstrap, PlatformServices, PlatformStack } from '../constructs';
import { BOOTSTRAP_STACK, BootstrapConfig, EnvironmentConfig } from './config';

/** One platform stack and the project it deploys into. */
export interface PlatformTarget {
  readonly stack: TerraformStack;
  readonly projectId: string;
}

/**
 * The bootstrap stack: what must exist before the platform's stacks can be deployed (state
 * bucket, APIs, deployer identity, keyless CI). Its APIs and the deployer's roles are derived from
 * the resource types the platform stacks in `targets` use, so build it after them.
 *
 * A project owner applies it once with local state, then migrates its state into the bucket it
 * made and sets `bootstrap.remoteState` (docs/operations/deploy.md).
 */
export class BootstrapStack extends PlatformStack {
  public readonly bootstrap: PlatformBootstrap;

  constructor(scope: Construct, config: BootstrapConfig, environments: EnvironmentConfig[], targets: PlatformTarget[]) {
    super(scope, BOOTSTRAP_STACK, {
      projectId: config.projectId,
      environment: 'shared',
      regions: [config.location],
      team: config.team ?? environments[0].team,
      costCenter: config.costCenter ?? environments[0].costCenter,
      extraLabels: { component: 'bootstrap' },
    });
    if (config.remoteState) new GcsBackend(this, { bucket: config.stateBucket, prefix: `convai/${BOOTSTRAP_STACK}` });
    else new LocalBackend(this, { path: `terraform.${BOOTSTRAP_STACK}.tfstate` });

    const projects = [...new Set(targets.map((t) => t.projectId))];
    this.bootstrap = new PlatformBootstrap(this, 'bootstrap', {
      stateBucketName: config.stateBucket,
      location: config.location,
      projects,
      resourceTypes: [...new Set(targets.flatMap((t) => PlatformServices.resourceTypesIn(t.stack)))].sort(),
      grantableRoles: [...new Set(targets.flatMap((t) => PlatformServices.projectRolesGrantedIn(t.stack, t.projectId)))].sort(),
      github: config.github,
      cloudBuildServiceAccounts: config.cloudBuildServiceAccounts,
    });

    new TerraformOutput(this, 'state-bucket', { value: this.bootstrap.stateBucket.name, description: 'stateBucket of every environment' });
    new TerraformOutput(this, 'deployer', { value: this.bootstrap.deployerEmail, description: 'the service account CI deploys as' });
    if (this.bootstrap.githubProvider) {
      new TerraformOutput(this, 'workload-identity-provider', {
        value: this.bootstrap.githubProvider.name,
        description: 'workload_identity_provider for google-github-actions/auth',
      });
    }
  }
}
