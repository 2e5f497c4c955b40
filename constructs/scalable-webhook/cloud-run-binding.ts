import { CloudRunV2Service, CloudRunV2ServiceTemplateContainersEnv } from '@cdktf/provider-google/lib/cloud-run-v2-service';
import { CloudRunV2ServiceIamMember } from '@cdktf/provider-google/lib/cloud-run-v2-service-iam-member';
import { ComputeRegionNetworkEndpointGroup } from '@cdktf/provider-google/lib/compute-region-network-endpoint-group';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { Grantee } from '../core/grantee';
import { RequestSignals, cloudRunSignals } from '../core/request-signals';
import { GlobalHttpsLoadBalancer } from '../edge/global-https-load-balancer';
import { SecretAccess } from '../secure-secrets/secret-access';
import type { IPlatformBinding, WebhookBackend } from './platform-binding';
import type { PlatformBindInputs } from './platform-inputs';
import { DEFAULT_PORT, DEFAULT_REQUEST_TIMEOUT_SECONDS, RUNTIME_ENV } from './runtime-settings';

/** One Cloud Run v2 service per region, each behind a serverless NEG. */
export class CloudRunBinding implements IPlatformBinding {
  public readonly serviceAccount: ServiceAccount;
  public readonly services: CloudRunV2Service[];
  public readonly networkEndpointGroups: ComputeRegionNetworkEndpointGroup[];
  public readonly backend: WebhookBackend;
  public readonly requestSignals: RequestSignals;

  constructor(
    private readonly scope: Construct,
    private readonly o: PlatformBindInputs,
  ) {
    const p = o.props;
    this.serviceAccount = new ServiceAccount(scope, 'service-account', {
      accountId: `${o.name}-run`,
      displayName: `Webhook ${o.name} (Cloud Run)`,
      description: 'Runs the conversational webhook; holds only the grants this construct adds.',
    });
    const runtime = Grantee.fromServiceAccount(this.serviceAccount);

    // One accessor grant per secret (on the secret, never the project), through the same helper
    // as PlatformSecret.grantAccess (SecretAccess.grant). A secret used both as env and as a file is granted once.
    const granted = new Set<string>();
    for (const [envName, ref] of Object.entries(p.secretEnv ?? {})) {
      if (granted.has(ref.secret)) continue;
      granted.add(ref.secret);
      SecretAccess.grant(scope, `secret-access-${envName}`, ref.secret, runtime);
    }
    for (const [i, ref] of Object.values(p.secretFiles ?? {}).entries()) {
      if (granted.has(ref.secret)) continue;
      granted.add(ref.secret);
      SecretAccess.grant(scope, `secret-file-access-${i}`, ref.secret, runtime);
    }

    this.services = o.regions.map((region) => this.service(region));
    this.networkEndpointGroups = o.regions.map(
      (region, i) =>
        new ComputeRegionNetworkEndpointGroup(scope, `neg-${region}`, {
          name: `${o.name}-neg-${region}`,
          region,
          networkEndpointType: 'SERVERLESS',
          cloudRun: { service: this.services[i].name },
        }),
    );
    this.backend = { groups: this.networkEndpointGroups.map((neg) => neg.id) };
    this.requestSignals = cloudRunSignals(this.services);
  }

  public grantInvoke(id: string, grantee: Grantee): CloudRunV2ServiceIamMember[] {
    return this.services.map(
      (service, i) =>
        new CloudRunV2ServiceIamMember(this.scope, `${id}-${this.o.regions[i]}`, {
          name: service.name,
          location: service.location,
          role: 'roles/run.invoker',
          member: grantee.member,
        }),
    );
  }

  public connect(_loadBalancer: GlobalHttpsLoadBalancer): void {
    for (const [i, invoker] of this.o.invokers.entries()) this.grantInvoke(`invoker-${i}`, invoker);
    new TerraformOutput(this.scope, 'service-names', {
      value: Object.fromEntries(this.o.regions.map((r, i) => [r, this.services[i].name])),
      description: 'Cloud Run service per region.',
    });
  }

  private service(region: string): CloudRunV2Service {
    const o = this.o;
    const p = o.props;
    const port = p.containerPort ?? DEFAULT_PORT;
    const env: CloudRunV2ServiceTemplateContainersEnv[] = [
      ...Object.entries(p.env ?? {})
        .filter(([name]) => !(o.production && name === RUNTIME_ENV.name))
        .map(([name, value]) => ({ name, value })),
      ...(o.production ? [RUNTIME_ENV] : []),
      ...Object.entries(p.secretEnv ?? {}).map(([name, ref]) => ({
        name,
        valueSource: { secretKeyRef: { secret: ref.secret, version: ref.version ?? 'latest' } },
      })),
      { name: 'WEBHOOK_REGION', value: region },
      ...Object.entries(o.runtimeEnv).map(([name, value]) => ({ name, value })),
    ];
    // One volume per secret file, mounted at the file's directory (Cloud Run mounts per directory).
    const secretFiles = Object.entries(p.secretFiles ?? {}).map(([path, ref], i) => ({
      volume: {
        name: `secret-file-${i}`,
        secret: { secret: ref.secret, items: [{ version: ref.version ?? 'latest', path: path.slice(path.lastIndexOf('/') + 1) }] },
      },
      mount: { name: `secret-file-${i}`, mountPath: path.slice(0, path.lastIndexOf('/')) },
    }));
    return new CloudRunV2Service(this.scope, `service-${region}`, {
      name: o.name,
      location: region,
      description: `Conversational webhook ${o.name} in ${region}`,
      ingress: 'INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER',
      deletionProtection: p.deletionProtection ?? true,
      // Callers come through the load balancer, so their ID tokens name the public URL.
      customAudiences: p.audiences ?? p.domains.map((d) => `https://${d}`),
      template: {
        serviceAccount: this.serviceAccount.email,
        executionEnvironment: 'EXECUTION_ENVIRONMENT_GEN2',
        maxInstanceRequestConcurrency: o.concurrency,
        timeout: `${p.requestTimeout?.toSeconds() ?? DEFAULT_REQUEST_TIMEOUT_SECONDS}s`,
        volumes: secretFiles.length > 0 ? secretFiles.map((f) => f.volume) : undefined,
        scaling: { minInstanceCount: o.minInstances, maxInstanceCount: o.maxInstances },
        containers: [
          {
            image: p.image,
            ports: { containerPort: port },
            resources: { limits: { cpu: o.cpu, memory: o.memory }, cpuIdle: true, startupCpuBoost: true },
            env,
            volumeMounts: secretFiles.length > 0 ? secretFiles.map((f) => f.mount) : undefined,
            startupProbe: {
              httpGet: { path: p.readinessPath ?? '/readyz', port },
              initialDelaySeconds: 0,
              periodSeconds: 2,
              timeoutSeconds: 1,
              failureThreshold: 30,
            },
            livenessProbe: {
              httpGet: { path: p.healthPath ?? '/healthz', port },
              periodSeconds: 15,
              timeoutSeconds: 3,
              failureThreshold: 3,
            },
          },
        ],
      },
    });
  }
}
