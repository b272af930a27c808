/**
 * Issue 9's two cost targets, from the cost model (bench/cost-model.ts): list prices and the stack's
 * settings, not a measurement, so the figures are the same on every machine.
 */
import { costLines, totalOf, WORKLOADS, type CostLine } from './cost-model';
import type { Bench, BenchResult } from './target';

/** The three largest lines, for the log. */
function largest(lines: readonly CostLine[]): string {
  return [...lines]
    .sort((a, b) => b.usd - a.usd)
    .slice(0, 3)
    .map((line) => `${line.name} $${line.usd.toFixed(4)}`)
    .join(', ');
}

export const benchCost: Bench = async (progress) => {
  progress('pricing the README cost model');
  const [oneEvent, hundredEvents] = WORKLOADS.map((workload) => costLines(workload));
  const results: BenchResult[] = [
    {
      id: 'cost-1-event',
      name: 'AWS cost, 1-event 1 KB requests',
      meaning: 'USD per million requests, list prices, every line in `npm run cost`',
      value: totalOf(oneEvent),
      unit: 'USD',
      max: 2.0,
      figures: `largest lines: ${largest(oneEvent)}`,
    },
    {
      id: 'cost-100-event',
      name: 'AWS cost, 100-event requests',
      meaning: 'USD per million events, list prices, every line in `npm run cost`',
      value: totalOf(hundredEvents),
      unit: 'USD',
      max: 0.15,
      figures: `largest lines: ${largest(hundredEvents)}`,
    },
  ];
  return results;
};
