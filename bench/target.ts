/**
 * What a benchmark reports: one figure checked against the target its issue names. Speed and memory
 * figures are ratios against a baseline measured in the same run (the machine is shared and noisy, and
 * a ratio cancels most of that out); a few targets are absolute by nature (a p99 in ms, a start time
 * in s, a cost in USD), and say so in `unit`.
 */
export type Unit = 'x' | 'ms' | 's' | 'USD' | 'files';

export interface BenchResult {
  /** Stable, short, unique: the key in bench/results.json, e.g. "http-1kb-single". */
  readonly id: string;
  readonly name: string;
  /** What the value is, e.g. "hooklake req/s ÷ group-commit receiver req/s". */
  readonly meaning: string;
  readonly value: number;
  readonly unit: Unit;
  /** The value must be at least `min`, at most `max`, or below `below` (the target, as it is). */
  readonly min?: number;
  readonly max?: number;
  readonly below?: number;
  /** The measured figures behind the value, for the log. */
  readonly figures: string;
}

export type Bench = (progress: (line: string) => void) => Promise<BenchResult | BenchResult[]>;

export function passes(result: BenchResult): boolean {
  return (
    (result.min === undefined || result.value >= result.min) &&
    (result.max === undefined || result.value <= result.max) &&
    (result.below === undefined || result.value < result.below)
  );
}

export function formatValue(value: number, unit: Unit): string {
  if (unit === 'USD') return `$${value.toFixed(2)}`;
  // Two significant digits even for small values, so 0.016 does not print as 0.02.
  const digits = Math.abs(value) < 0.1 && value !== 0 ? value.toPrecision(2) : value.toFixed(2);
  return unit === 'x' ? `${digits}x` : `${digits} ${unit}`;
}

export function targetText(result: BenchResult): string {
  const parts: string[] = [];
  if (result.min !== undefined) parts.push(`>= ${formatValue(result.min, result.unit)}`);
  if (result.max !== undefined) parts.push(`<= ${formatValue(result.max, result.unit)}`);
  if (result.below !== undefined) parts.push(`< ${formatValue(result.below, result.unit)}`);
  return parts.join(' and ');
}

export function describe(result: BenchResult): string {
  return (
    `${passes(result) ? 'PASS' : 'MISS'}  ${result.name}: ${formatValue(result.value, result.unit)} ` +
    `(target ${targetText(result)}; ${result.meaning})\n      ${result.figures}`
  );
}
