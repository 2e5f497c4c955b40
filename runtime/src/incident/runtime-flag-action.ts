import { Queryable } from '../storage/database';
import { ActionContext, AppliedMitigation, MitigationExecutor, MitigationOutcome, RevertOutcome, RuntimeFlagSpec } from './actions';

/**
 * The flags and values first response may set: each is safe (the runtime still answers every turn)
 * and reversible. Anything else in a rules document is refused, not applied.
 */
export const SETTABLE_FLAGS: { readonly [flag: string]: readonly string[] } = {
  // The runtime answers from the local analyzer without calling the Natural Language API
  // (runtime/src/resilience/runtime-flags.ts, nlp/enricher.ts).
  'nlp-mode': ['local'],
};

/** Longest a flag may be set for, whatever the rules say. */
export const DEFAULT_FLAG_MAX_TTL_MINUTES = 60;

/**
 * Sets a runtime flag in the `runtime_flags` table the webhook instances poll (every 5 s). The row
 * carries its expiry, so the flag reverts by itself after the TTL (capped by `maxTtlMinutes`) even
 * if the responder never comes back; the responder also clears it when the incident resolves. A
 * flag is per region (the alert's) or `*`. The row names the action that set it: a revert touches
 * only a flag this action still holds.
 */
export class RuntimeFlagExecutor implements MitigationExecutor<RuntimeFlagSpec> {
  constructor(
    private readonly db: Queryable,
    private readonly options: { readonly maxTtlMinutes?: number } = {},
  ) {}

  async run(spec: RuntimeFlagSpec, context: ActionContext): Promise<MitigationOutcome> {
    const region = context.alert.region ?? '*';
    const target = `${spec.flag}@${region}`;
    if (!SETTABLE_FLAGS[spec.flag]?.includes(spec.value)) {
      return { mode: 'skipped', target, summary: `refused: runtime flag ${spec.flag}=${spec.value} is not one first response may set` };
    }
    const ttlMinutes = Math.min(spec.ttlMinutes, this.options.maxTtlMinutes ?? DEFAULT_FLAG_MAX_TTL_MINUTES);
    const where = `${context.alert.service}${region === '*' ? ' in every region' : ` in ${region}`}`;
    const current = await this.current(spec.flag, region, context.now);
    const was = current ? `${current.value} until ${new Date(current.expires_at).toISOString()} (set by ${current.set_by})` : 'unset';
    const details = { flag: spec.flag, value: spec.value, region, ttlMinutes, previous: current ?? null };
    if (context.dryRun) {
      return {
        mode: 'dry-run',
        target,
        details,
        summary: `dry run: would set runtime flag ${spec.flag}=${spec.value} for ${where} for at most ${ttlMinutes} min (now ${was})`,
      };
    }
    const expiresAt = context.now + ttlMinutes * 60;
    await this.db.query(
      `INSERT INTO runtime_flags (flag, region, value, set_at, expires_at, set_by, reason)
       VALUES ($1, $2, $3, to_timestamp($4), to_timestamp($5), $6, $7)
       ON CONFLICT (flag, region) DO UPDATE SET value = EXCLUDED.value, set_at = EXCLUDED.set_at,
         expires_at = EXCLUDED.expires_at, set_by = EXCLUDED.set_by, reason = EXCLUDED.reason, reverted_at = NULL`,
      [spec.flag, region, spec.value, context.now, expiresAt, context.actionId, `incident ${context.incidentId}: ${context.alert.kind}`],
    );
    return {
      mode: 'applied',
      target,
      details,
      undo: { flag: spec.flag, region, value: spec.value },
      expiresAt,
      summary: `set runtime flag ${spec.flag}=${spec.value} for ${where} until ${new Date(expiresAt * 1000).toISOString()} (${ttlMinutes} min; was ${was})`,
    };
  }

  async revert(applied: AppliedMitigation, context: { readonly incidentId: string; readonly now: number }): Promise<RevertOutcome> {
    const { flag, region } = applied.undo as { flag: string; region: string };
    const row = await this.row(flag, region);
    if (!row || row.set_by !== applied.actionId || row.reverted_at) {
      return {
        mode: 'left',
        summary: `left runtime flag ${flag}@${region}: ${row ? `now held by ${row.set_by}${row.reverted_at ? ' (cleared)' : ''}` : 'no longer set'}`,
      };
    }
    if (new Date(row.expires_at).getTime() <= context.now * 1000) {
      return {
        mode: 'expired',
        summary: `runtime flag ${flag}@${region} had already expired at ${new Date(row.expires_at).toISOString()}`,
      };
    }
    await this.db.query(
      `UPDATE runtime_flags SET reverted_at = to_timestamp($4), expires_at = least(expires_at, to_timestamp($4))
        WHERE flag = $1 AND region = $2 AND set_by = $3 AND reverted_at IS NULL`,
      [flag, region, applied.actionId, context.now],
    );
    return { mode: 'reverted', summary: `cleared runtime flag ${flag}@${region} (was ${row.value})` };
  }

  private async current(flag: string, region: string, now: number) {
    const row = await this.row(flag, region);
    return row && !row.reverted_at && new Date(row.expires_at).getTime() > now * 1000 ? row : undefined;
  }

  private async row(flag: string, region: string) {
    const { rows } = await this.db.query<{ value: string; expires_at: Date; set_by: string; reverted_at: Date | null }>(
      'SELECT value, expires_at, set_by, reverted_at FROM runtime_flags WHERE flag = $1 AND region = $2',
      [flag, region],
    );
    return rows[0];
  }
}
