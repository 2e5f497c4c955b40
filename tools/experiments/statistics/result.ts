/**
 * What a statistical routine returns when its data cannot support the computation (no sessions,
 * a single observation, no variation): a reason a person can read, never NaN or Infinity.
 */
export interface NotEnoughData {
  readonly ok: false;
  readonly reason: string;
}

export function notEnoughData(reason: string): NotEnoughData {
  return { ok: false, reason };
}
