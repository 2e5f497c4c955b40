import { expectedShares } from '../../runtime/src/experiments/assignment';
import { Experiment, ExperimentsFile } from '../../runtime/src/experiments/experiment-config';
import { JsonValue } from '../../runtime/src/protocol/turn';

/**
 * Which config versions' exposures may be pooled with the current version's. Exposures record only
 * the file's version number, so older versions can be judged only from copies of those files
 * (`history`). Pooling needs the same variants with the same traffic shares *and* the same
 * treatment (parameters, handler, settings): a changed split changes who lands where over time
 * (and breaks the SRM check), a changed treatment makes two experiments one name.
 */
export type VersionStatus = 'current' | 'same-variants' | 'different-variants' | 'unknown-version';

export function versionStatus(
  experiment: Experiment,
  currentVersion: number,
  version: number,
  history: readonly ExperimentsFile[],
): VersionStatus {
  if (version === currentVersion) return 'current';
  const old = history.find((f) => f.version === version);
  if (!old) return 'unknown-version';
  const then = old.experiments.find((e) => e.id === experiment.id);
  if (!then) return 'unknown-version';
  return variantsFingerprint(then) === variantsFingerprint(experiment) ? 'same-variants' : 'different-variants';
}

/** Variants in order with normalized shares (weights 1:1 and 50:50 are the same split) and their treatment. */
export function variantsFingerprint(experiment: Pick<Experiment, 'variants'>): string {
  const shares = expectedShares(experiment);
  return canonicalJson(
    experiment.variants.map((v, i) => ({
      name: v.name,
      // 12 significant digits: 1/3 computed from 1:2 and 2:4 must compare equal.
      share: Number(shares[i].toPrecision(12)),
      parameters: v.parameters,
      handler: v.handler ?? null,
      settings: v.settings,
    })) as JsonValue,
  );
}

/** JSON with object keys sorted, so key order in the file does not matter. */
function canonicalJson(value: JsonValue): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}
