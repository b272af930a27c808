/**
 * Benchmarks here report ratios against a baseline measured in the same run, never absolute
 * figures: the machine is shared and noisy, and a ratio cancels most of that out.
 */
export interface RatioTarget {
  readonly name: string;
  /** What the ratio means, e.g. "hooklake req/s ÷ bare node:http req/s". */
  readonly meaning: string;
  readonly ratio: number;
  /** The ratio must be at least `min`, or at most `max`. */
  readonly min?: number;
  readonly max?: number;
  /** The measured figures behind the ratio, for the log. */
  readonly figures: string;
}

export function passes(target: RatioTarget): boolean {
  return (target.min === undefined || target.ratio >= target.min) && (target.max === undefined || target.ratio <= target.max);
}

export function describe(target: RatioTarget): string {
  const bound = target.min !== undefined ? `>= ${target.min}` : `<= ${target.max}`;
  // Two significant digits even for small ratios, so 0.016 does not print as 0.02.
  const ratio = target.ratio < 0.1 ? target.ratio.toPrecision(2) : target.ratio.toFixed(2);
  return `${passes(target) ? 'PASS' : 'FAIL'}  ${target.name}: ${ratio} (target ${bound}; ${target.meaning})\n      ${target.figures}`;
}
