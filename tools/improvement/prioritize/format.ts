/** Number formatting shared by the candidates' "why" texts and the report. */

/** 1240 -> "1,240". */
export function count(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** 0.256 -> "26%". */
export function percent(x: number, digits = 0): string {
  return `${(x * 100).toFixed(digits)}%`;
}

/** A quality score or a gap, two decimals. */
export function score2(x: number): string {
  return x.toFixed(2);
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${count(n)} ${n === 1 ? one : many}`;
}
