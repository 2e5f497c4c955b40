import { Queryable } from '../../../runtime/src/storage/database';
import { rng } from '../../../tools/corpus/banking77';

/**
 * Realistic experiment data with known true effects, from a seeded PRNG so every run inserts the
 * same rows: the report's tests then check that it finds the effects that are there and not the
 * ones that are not, deterministically.
 */

export interface VariantSpec {
  readonly name: string;
  readonly sessions: number;
  /** True probability that a conversation is not escalated. */
  readonly containment: number;
  /** True mean of the conversation quality score (normal, sd 0.15, clipped to [0, 1]). */
  readonly qualityMean: number;
  /** Probabilities of CSAT 1..5 among sessions that rate. @default [0.05, 0.10, 0.20, 0.35, 0.30] (mean 3.75) */
  readonly csatWeights?: readonly number[];
  /** Config version the exposures are recorded under. @default 1 */
  readonly configVersion?: number;
}

export interface DatasetSpec {
  readonly experimentId: string;
  readonly seed: number;
  readonly variants: readonly VariantSpec[];
  /** Prefix of the generated session ids; distinct per call for the same experiment. @default experimentId */
  readonly sessionPrefix?: string;
  /** Share of sessions that give a CSAT rating. @default 0.3 */
  readonly csatRate?: number;
  /** Share of sessions that give thumbs. @default 0.2 */
  readonly thumbsRate?: number;
}

export const DEFAULT_CSAT_WEIGHTS = [0.05, 0.1, 0.2, 0.35, 0.3];

/** Insert exposures, conversations and feedback for the spec; returns the number of sessions. */
export async function seedExperiment(db: Queryable, spec: DatasetSpec): Promise<number> {
  const random = rng(spec.seed);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const pick = (weights: readonly number[]): number => {
    let u = random();
    for (let i = 0; i < weights.length; i++) if ((u -= weights[i]) < 0) return i;
    return weights.length - 1;
  };
  const exposures = { session: [] as string[], variant: [] as string[], version: [] as number[] };
  const conv = {
    session: [] as string[],
    turns: [] as number[],
    noMatch: [] as number[],
    escalated: [] as boolean[],
    quality: [] as number[],
  };
  const fb = { id: [] as string[], session: [] as string[], kind: [] as string[], score: [] as number[], normalized: [] as number[] };
  let n = 0;
  for (const v of spec.variants) {
    for (let i = 0; i < v.sessions; i++) {
      const session = `${spec.sessionPrefix ?? spec.experimentId}-${v.name}-${i}`;
      exposures.session.push(session);
      exposures.variant.push(v.name);
      exposures.version.push(v.configVersion ?? 1);
      const escalated = random() >= v.containment;
      const turns = 2 + Math.floor(random() * 8);
      conv.session.push(session);
      conv.turns.push(turns);
      conv.noMatch.push(random() < 0.25 ? 1 + Math.floor(random() * 2) : 0);
      conv.escalated.push(escalated);
      conv.quality.push(Math.min(1, Math.max(0, v.qualityMean + 0.15 * normal())));
      if (random() < (spec.csatRate ?? 0.3)) {
        const score = 1 + pick(v.csatWeights ?? DEFAULT_CSAT_WEIGHTS);
        fb.id.push(`${session}-csat`);
        fb.session.push(session);
        fb.kind.push('csat');
        fb.score.push(score);
        fb.normalized.push((score - 1) / 4);
      }
      if (random() < (spec.thumbsRate ?? 0.2)) {
        const up = random() < (escalated ? 0.4 : 0.8) ? 1 : 0;
        fb.id.push(`${session}-thumbs`);
        fb.session.push(session);
        fb.kind.push('thumbs');
        fb.score.push(up);
        fb.normalized.push(up);
      }
      n++;
    }
  }
  await db.query(
    `INSERT INTO experiment_exposures (experiment_id, session_id, variant, config_version, exposed_at)
     SELECT $1, s, v, c, now() FROM unnest($2::text[], $3::text[], $4::int[]) AS t(s, v, c)`,
    [spec.experimentId, exposures.session, exposures.variant, exposures.version],
  );
  await db.query(
    `INSERT INTO conversations (session_id, started_at, updated_at, language_code, first_tag, last_tag, environment, turns,
                                no_match_turns, low_confidence_turns, repeated_turns, escalated, quality_components, quality_score)
     SELECT s, now(), now(), 'en', 'welcome', 'sentiment-escalation', 'production', t, nm, 0, 0, e, '{}'::jsonb, q
     FROM unnest($1::text[], $2::int[], $3::int[], $4::boolean[], $5::real[]) AS x(s, t, nm, e, q)`,
    [conv.session, conv.turns, conv.noMatch, conv.escalated, conv.quality],
  );
  await db.query(
    `INSERT INTO feedback (id, received_at, session_id, kind, score, normalized_score, language_code, region)
     SELECT i, now(), s, k, sc, ns, 'en', 'europe-west1'
     FROM unnest($1::text[], $2::text[], $3::text[], $4::real[], $5::real[]) AS x(i, s, k, sc, ns)`,
    [fb.id, fb.session, fb.kind, fb.score, fb.normalized],
  );
  return n;
}
