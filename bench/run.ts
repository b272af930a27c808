/**
 * `npm run bench`: each benchmark measures Hooklake against a baseline in the same run and checks
 * the ratio against its target. Exits 1 only when a target is missed (or a benchmark breaks).
 */
import { benchHandlerCpu } from './handler-cpu';
import { benchHttpIngest } from './http-ingest';
import { benchMemory } from './memory';
import { describe, passes, type RatioTarget } from './ratio';

// As in bin/hooklake.ts: the SDK's Node 22 notice for its 2027 releases would clutter the report.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

type Bench = (progress: (line: string) => void) => Promise<RatioTarget | RatioTarget[]>;
const BENCHES: readonly Bench[] = [benchHandlerCpu, benchMemory, benchHttpIngest];

async function main(): Promise<number> {
  const started = Date.now();
  const progress = (line: string) => process.stderr.write(`… ${line}\n`);
  const results: RatioTarget[] = [];
  for (const bench of BENCHES) {
    for (const result of [await bench(progress)].flat()) {
      process.stdout.write(`${describe(result)}\n`);
      results.push(result);
    }
  }
  const failed = results.filter((result) => !passes(result)).length;
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  process.stdout.write(failed === 0 ? `All ${results.length} targets met (${seconds} s).\n` : `${failed} of ${results.length} targets missed (${seconds} s).\n`);
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
