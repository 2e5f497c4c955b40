import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { Aspects, TerraformStack } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { PlatformLabels } from './platform-labels';
import { PolicyChecks } from './policy-checks';
import { PRODUCTION_ENVS } from './label-conventions';
import { TerraformChecks } from './terraform-checks';
import { validateProps } from './validation';

export interface PlatformStackProps {
  /** The Google Cloud project every resource is created in. */
  readonly projectId: string;
  /** Environment name; `prod` or `production` turns on production defaults and policy rules. */
  readonly environment: string;
  /** Regions the platform serves from; the first is primary. */
  readonly regions: string[];
  /** Owning team, applied as the `team` label. */
  readonly team: string;
  /** Cost center, applied as the `cost-center` label. */
  readonly costCenter: string;
  /** Further labels on every resource. @default - none */
  readonly extraLabels?: { [key: string]: string };
  /**
   * Run this library's policy pack at synth time and fail synth on violations.
   * @default true
   */
  readonly policyChecks?: boolean;
  /**
   * Base URL of the runbooks that alert documentation links to (one `<name>.md` per runbook).
   * @default - this library's runbooks on GitHub (`docs/monitoring/runbooks`)
   */
  readonly runbookBaseUrl?: string;
}

/**
 * A stack for one environment of the platform: configures the Google provider, labels every
 * resource, checks at synth what Terraform would refuse (TerraformChecks) and the policy pack. Constructs inside it take their production
 * defaults and regions from it; constructs in a plain `TerraformStack` work too, with props.
 */
export class PlatformStack extends TerraformStack {
  /** Environment names that get production defaults and rules (the module constant `PRODUCTION_ENVS` holds the same, for JavaScript and TypeScript only). */
  public static readonly PRODUCTION_ENVS: string[] = [...PRODUCTION_ENVS];

  /** The enclosing PlatformStack, or undefined when `scope` is in a plain TerraformStack. */
  public static find(scope: IConstruct): PlatformStack | undefined {
    const stack = TerraformStack.of(scope);
    return stack instanceof PlatformStack ? stack : undefined;
  }

  public readonly projectId: string;
  public readonly environment: string;
  public readonly regions: string[];
  /** True for `prod`/`production`. */
  public readonly production: boolean;
  /** The labels applied to every resource. */
  public readonly labels: { [key: string]: string };
  /** Base URL of runbooks linked from alerts. @default - see PlatformStackProps.runbookBaseUrl */
  public readonly runbookBaseUrl?: string;
  /** Escape hatch: the Google provider. */
  public readonly provider: GoogleProvider;

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id);
    validateProps(this.node.path, props, [
      { when: (p) => !p.projectId, say: () => 'projectId is empty: give the Google Cloud project id, e.g. "acme-convai-prod"' },
      { when: (p) => (p.regions ?? []).length === 0, say: () => 'regions is empty: give at least one region, e.g. ["us-central1"]' },
    ]);
    this.projectId = props.projectId;
    this.environment = props.environment;
    this.regions = [...props.regions];
    this.runbookBaseUrl = props.runbookBaseUrl;
    this.production = (PRODUCTION_ENVS as readonly string[]).includes(props.environment);
    this.provider = new GoogleProvider(this, 'google', { project: props.projectId, region: props.regions[0] });

    const labels = new PlatformLabels({
      env: props.environment,
      team: props.team,
      costCenter: props.costCenter,
      extra: props.extraLabels,
    });
    this.labels = labels.labels;
    Aspects.of(this).add(labels);
    // What Terraform would refuse (stray `${`, depends_on forms) or churn on (token ids): always on.
    Aspects.of(this).add(new TerraformChecks());
    if (props.policyChecks ?? true) Aspects.of(this).add(new PolicyChecks());
  }
}
