import { IAspect, TerraformResource, Token } from 'cdktf';
import { IConstruct } from 'constructs';
import { REQUIRED_LABELS } from './label-conventions';

/** The labels every resource of the platform carries. */
export interface PlatformLabelValues {
  /** Environment name, e.g. `dev` or `prod`. `prod`/`production` turn on production policy rules. */
  readonly env: string;
  /** Owning team. */
  readonly team: string;
  /** Cost center for billing reports. */
  readonly costCenter: string;
  /** What manages the resource. @default "cdktf" */
  readonly managedBy?: string;
  /** Further labels. Keys and values follow the same GCP label rules. @default - none */
  readonly extra?: { [key: string]: string };
}

const LABEL_KEY = /^[a-z][a-z0-9_-]{0,62}$/;
const LABEL_VALUE = /^[a-z0-9_-]{0,63}$/;

/**
 * Applies the platform labels to every resource under a scope that accepts `labels`, and to the
 * `user_labels` of those that have them instead (Cloud Monitoring alert policies, SLOs, services).
 *
 * One mechanism instead of labels threaded through every construct: constructs stay unaware of
 * labelling, and resources a user adds beside them are labelled too. Labels a resource sets
 * itself win over the platform's, except the required ones, which the platform owns.
 */
export class PlatformLabels implements IAspect {
  /** Labels every resource carries and the platform owns (the module constant `REQUIRED_LABELS` holds the same, for JavaScript and TypeScript only). */
  public static readonly REQUIRED_LABELS: string[] = [...REQUIRED_LABELS];

  /** The label map this aspect applies. */
  public readonly labels: { [key: string]: string };

  constructor(values: PlatformLabelValues) {
    const labels: { [key: string]: string } = {
      ...values.extra,
      env: values.env,
      team: values.team,
      'cost-center': values.costCenter,
      'managed-by': values.managedBy ?? 'cdktf',
    };
    const problems = Object.entries(labels).flatMap(([k, v]) => {
      const out: string[] = [];
      if (!LABEL_KEY.test(k))
        out.push(`label key "${k}" is invalid: use lowercase letters, digits, "_" or "-", starting with a letter, at most 63 characters`);
      if (!LABEL_VALUE.test(v))
        out.push(`label "${k}" has invalid value "${v}": use lowercase letters, digits, "_" or "-", at most 63 characters`);
      return out;
    });
    for (const required of REQUIRED_LABELS) {
      if (!labels[required]) problems.push(`label "${required}" is empty: every platform resource must carry it`);
    }
    if (problems.length > 0) throw new Error(`PlatformLabels: ${problems.join('; ')}`);
    this.labels = labels;
  }

  public visit(node: IConstruct): void {
    if (!TerraformResource.isTerraformResource(node)) return;
    const required = Object.fromEntries(REQUIRED_LABELS.map((k) => [k, this.labels[k]]));
    if (acceptsLabels(node)) {
      const own = (node as unknown as LabelledResource).labelsInput ?? {};
      (node as unknown as LabelledResource).labels = { ...this.labels, ...own, ...required };
    }
    // Cloud Monitoring resources (alert policies, SLOs, services, uptime checks, channels) name
    // their labels `user_labels`: the policy checks judge an alert's environment from them.
    if (acceptsUserLabels(node)) {
      const own = (node as unknown as UserLabelledResource).userLabelsInput;
      // A label map that is itself a reference cannot be merged into; leave it to its author.
      if (own !== undefined && Token.isUnresolved(own)) return;
      (node as unknown as UserLabelledResource).userLabels = { ...this.labels, ...own, ...required };
    }
  }
}

interface LabelledResource {
  labels: { [key: string]: string };
  readonly labelsInput?: { [key: string]: string };
}

interface UserLabelledResource {
  userLabels: { [key: string]: string };
  readonly userLabelsInput?: { [key: string]: string };
}

/**
 * Cloud Monitoring resources whose provider class takes `user_labels` (a `userLabelsInput` getter
 * beside the setter). Other `user_labels` (a Cloud SQL instance's) sit in nested blocks that
 * their constructs label themselves.
 */
function acceptsUserLabels(resource: TerraformResource): boolean {
  return resource.terraformResourceType.startsWith('google_monitoring_') && 'userLabelsInput' in resource;
}

/**
 * Resource types whose `labels` attribute is configuration, not resource labels: a notification
 * channel's `labels` are its address (`email_address`, `channel_name`, ...), and extra keys there
 * make the API reject the channel.
 */
const LABELS_ARE_CONFIG = ['google_monitoring_notification_channel'];

/** Provider classes that take labels expose a `labelsInput` getter beside the `labels` setter. */
function acceptsLabels(resource: TerraformResource): boolean {
  return 'labelsInput' in resource && !LABELS_ARE_CONFIG.includes(resource.terraformResourceType);
}
