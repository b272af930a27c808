/**
 * `npm run bench [-- <id-prefix>...]`: each benchmark measures Hooklake against a baseline in the
 * same run and checks the figure against the target its issue names. Prints each result as it
 * comes, then a table; updates bench/results.json (results of benchmarks not run are kept). Exits 1
 * when a target is missed or a benchmark breaks. With arguments, runs only the benchmarks whose ids
 * start with one of them.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildCli, freshBuild } from '../bin/cli-build';
import { BENCHES } from './benches';
import { describe, formatValue, passes, targetText, type BenchResult } from './target';

// As in bin/hooklake.js: the SDK's Node 22 notice for its 2027 releases would clutter the report.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const RESULTS_FILE = join(__dirname, 'results.json');

async function main(filters: readonly string[]): Promise<number> {
  const selected = BENCHES.filter((bench) => filters.length === 0 || filters.some((filter) => bench.ids.some((id) => id.startsWith(filter))));
  if (selected.length === 0) {
    process.stderr.write(`No benchmark matches ${filters.join(', ')}; ids: ${BENCHES.flatMap((bench) => bench.ids).join(', ')}\n`);
    return 2;
  }
  const started = Date.now();
  const progress = (line: string) => process.stderr.write(`… ${line}\n`);
  // Measure what `npm start` runs after `npm install`: the build, not the sources through tsx, which a
  // source edited since the last build would otherwise leave the HTTP and memory benches running.
  if (freshBuild() === undefined) {
    progress('building the CLI (dist/), as npm install does: the sources changed since the last build');
    await buildCli();
  }
  const results: BenchResult[] = [];
  for (const bench of selected) {
    for (const result of [await bench.run(progress)].flat()) {
      process.stdout.write(`${describe(result)}\n`);
      results.push(result);
    }
  }
  process.stdout.write(`\n${table(results)}\n`);
  const missed = results.filter((result) => !passes(result)).length;
  const seconds = Math.round((Date.now() - started) / 1000);
  process.stdout.write(missed === 0 ? `All ${results.length} targets met (${seconds} s).\n` : `${missed} of ${results.length} targets missed (${seconds} s).\n`);
  await writeFile(RESULTS_FILE, `${JSON.stringify(await mergedResults(results), null, 2)}\n`);
  process.stdout.write(`Updated ${RESULTS_FILE} (${results.length} of its results)\n`);
  return missed === 0 ? 0 : 1;
}

function table(results: readonly BenchResult[]): string {
  const rows = results.map((result) => [passes(result) ? 'PASS' : 'MISS', result.name, formatValue(result.value, result.unit), targetText(result)]);
  const header = ['', 'benchmark', 'measured', 'target'];
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i].length)));
  const line = (cells: readonly string[]) => cells.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

interface StoredResult extends BenchResult {
  readonly pass: boolean;
  readonly measuredAt: string;
  readonly node: string;
}

/** The file's results with this run's in place of theirs: a run of some benchmarks keeps the others'. */
async function mergedResults(results: readonly BenchResult[]): Promise<{ results: StoredResult[] }> {
  const previous = await readFile(RESULTS_FILE, 'utf8').then(
    (text) => (JSON.parse(text) as { results?: StoredResult[] }).results ?? [],
    () => [] as StoredResult[],
  );
  const measuredAt = new Date().toISOString();
  const fresh = new Map(results.map((result) => [result.id, { ...result, pass: passes(result), measuredAt, node: process.version }]));
  const order = [...BENCHES.flatMap((bench) => bench.ids), ...previous.map((result) => result.id)];
  const byId = new Map<string, StoredResult>([...previous.map((result) => [result.id, result] as const), ...fresh]);
  return { results: [...new Set(order)].flatMap((id) => byId.get(id) ?? []) };
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
