/**
 * `npm run bench`: each benchmark measures Hooklake against a baseline in the same run and checks
 * the ratio against its target. Exit code 1 when a target is missed.
 */
import { benchHandlerCpu } from './handler-cpu';
import { benchHttpIngest } from './http-ingest';
import { describe, passes, type RatioTarget } from './ratio';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

async function main(): Promise<number> {
  const progress = (line: string) => process.stderr.write(`… ${line}\n`);
  const results: RatioTarget[] = [];
  for (const bench of [benchHandlerCpu, benchHttpIngest]) {
    const result = await bench(progress);
    process.stdout.write(`${describe(result)}\n`);
    results.push(result);
  }
  const failed = results.filter((result) => !passes(result));
  process.stdout.write(failed.length === 0 ? 'All benchmark targets met.\n' : `${failed.length} benchmark target(s) missed.\n`);
  return failed.length === 0 ? 0 : 1;
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
