/** One verdict of a drill, as the report lists it. */
export interface DrillCheck {
  readonly name: string;
  readonly passed: boolean;
  readonly detail: string;
}

export function check(name: string, passed: boolean, detail: string): DrillCheck {
  return { name, passed, detail };
}

/** Round to milliseconds for the report (the clocks are not finer than that anyway). */
export function seconds(value: number): number {
  return Math.round(value * 1000) / 1000;
}
