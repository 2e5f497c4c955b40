import {
  ActionContext,
  AppliedMitigation,
  HttpClient,
  MinInstancesSpec,
  MitigationExecutor,
  MitigationOutcome,
  RevertOutcome,
} from './actions';

/** Highest min instances first response may set, whatever the rules say. */
export const DEFAULT_MAX_MIN_INSTANCES = 5;

const CALL_TIMEOUT_MS = 10_000;
const UPDATE_MASK = 'template.scaling.minInstanceCount';

/** The part of a Cloud Run Admin API v2 Service this executor reads. */
interface RunService {
  name?: string;
  etag?: string;
  template?: { scaling?: { minInstanceCount?: number; maxInstanceCount?: number } } & Record<string, unknown>;
  [field: string]: unknown;
}

/**
 * Raises a Cloud Run service's minimum instances through the Cloud Run Admin API v2:
 * `GET /v2/<service>`, then `PATCH /v2/<service>?updateMask=template.scaling.minInstanceCount`
 * with the service as read (so a server that ignored the mask would still change nothing else, and
 * the etag makes a concurrent change fail rather than be overwritten). Never above the smaller of
 * the rule's cap and `maxMinInstances`, never above the service's max instances, never lowers.
 * The revert restores the previous value only if the count is still the one set here.
 * Services are named per region (`projects/<p>/locations/<region>/services/<name>`): only those
 * are ever patched, matching the responder's IAM, which is granted on them alone.
 */
export class MinInstancesExecutor implements MitigationExecutor<MinInstancesSpec> {
  constructor(
    private readonly http: HttpClient,
    private readonly options: {
      /** Region → full service name. */
      readonly services: { readonly [region: string]: string };
      readonly maxMinInstances?: number;
      /** @default https://run.googleapis.com */
      readonly endpoint?: string;
    },
  ) {}

  async run(spec: MinInstancesSpec, context: ActionContext): Promise<MitigationOutcome> {
    const service = this.serviceFor(context.alert.region);
    if (!service) {
      return {
        mode: 'skipped',
        summary: `skipped: no Cloud Run service to scale${context.alert.region ? ` in ${context.alert.region}` : ''} (not configured, or not on Cloud Run)`,
      };
    }
    const cap = Math.min(spec.cap, this.options.maxMinInstances ?? DEFAULT_MAX_MIN_INSTANCES);
    const current = await this.get(service);
    const before = current.template?.scaling?.minInstanceCount ?? 0;
    const max = current.template?.scaling?.maxInstanceCount;
    const target = Math.min(before + spec.step, cap, max ?? Number.POSITIVE_INFINITY);
    const name = shortName(service);
    const details = { service, before, step: spec.step, cap, maxInstances: max ?? null, target };
    if (target <= before) {
      return { mode: 'skipped', target: service, details, summary: `min instances of ${name} already ${before} (cap ${cap}): not raised` };
    }
    if (context.dryRun) {
      return {
        mode: 'dry-run',
        target: service,
        details,
        summary: `dry run: would raise min instances of ${name} from ${before} to ${target} (cap ${cap})`,
      };
    }
    const operation = await this.patch(service, current, target);
    return {
      mode: 'applied',
      target: service,
      details: { ...details, operation: operation.name ?? null },
      undo: { service, previous: before, set: target },
      summary: `raised min instances of ${name} from ${before} to ${target} (cap ${cap}; operation ${operation.name ?? '?'})`,
    };
  }

  async revert(applied: AppliedMitigation): Promise<RevertOutcome> {
    const { service, previous, set } = applied.undo as { service: string; previous: number; set: number };
    const current = await this.get(service);
    const now = current.template?.scaling?.minInstanceCount ?? 0;
    if (now !== set) {
      return { mode: 'left', summary: `left min instances of ${shortName(service)} at ${now}: changed since it was set to ${set}` };
    }
    const operation = await this.patch(service, current, previous);
    return {
      mode: 'reverted',
      summary: `restored min instances of ${shortName(service)} from ${set} to ${previous} (operation ${operation.name ?? '?'})`,
      details: { service, from: set, to: previous, operation: operation.name ?? null },
    };
  }

  private serviceFor(region: string | undefined): string | undefined {
    const services = this.options.services;
    if (region) return services[region];
    // A global alert with one service: that one; with several, which one is not ours to guess.
    const all = Object.values(services);
    return all.length === 1 ? all[0] : undefined;
  }

  private url(service: string, query = ''): string {
    return `${(this.options.endpoint ?? 'https://run.googleapis.com').replace(/\/+$/, '')}/v2/${service}${query}`;
  }

  private async get(service: string): Promise<RunService> {
    const res = await this.http(this.url(service), { signal: AbortSignal.timeout(CALL_TIMEOUT_MS) });
    if (!res.ok) throw new Error(`GET ${shortName(service)}: Cloud Run Admin API answered ${res.status}${await errorMessage(res)}`);
    return (await res.json()) as RunService;
  }

  private async patch(service: string, current: RunService, minInstanceCount: number): Promise<{ name?: string }> {
    const body: RunService = {
      ...current,
      template: { ...current.template, scaling: { ...current.template?.scaling, minInstanceCount } },
    };
    const res = await this.http(this.url(service, `?updateMask=${encodeURIComponent(UPDATE_MASK)}`), {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
    });
    if (!res.ok) throw new Error(`PATCH ${shortName(service)}: Cloud Run Admin API answered ${res.status}${await errorMessage(res)}`);
    return (await res.json()) as { name?: string };
  }
}

/** `projects/p/locations/r/services/s` → `s in r`. */
function shortName(service: string): string {
  const m = /locations\/([^/]+)\/services\/([^/]+)$/.exec(service);
  return m ? `${m[2]} in ${m[1]}` : service;
}

async function errorMessage(res: Response): Promise<string> {
  const body = (await res.json().catch(() => undefined)) as { error?: { message?: string; status?: string } } | undefined;
  return body?.error ? `: ${body.error.status ?? ''} ${body.error.message ?? ''}`.trimEnd() : '';
}
