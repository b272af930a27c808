/**
 * `npm run test:crash -- [--cycles N] [--seed S] [--keep]`: the kill -9 torture of test/support/crash-torture.ts,
 * longer than `npm test` runs it (default 10 cycles, each killed 0.3-3 s into its load). Exit code 1 when
 * an acknowledged row or request is missing or any is there twice. `--keep` leaves the data directory
 * (and the server's log beside it) for a look.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCrashTorture } from '../support/crash-torture';

function argument(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  const value = at > 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} takes a whole number`);
  return value;
}

async function main(): Promise<void> {
  const cycles = argument('--cycles', 10);
  const seed = argument('--seed', Math.floor(Math.random() * 2 ** 31));
  const keep = process.argv.includes('--keep');
  const root = await mkdtemp(join(tmpdir(), 'hooklake-crash-torture-'));
  const dataDir = join(root, 'data');
  await mkdir(dataDir);
  const progress = (line: string) => process.stderr.write(`[crash] ${line}\n`);
  progress(`seed ${seed}, ${cycles} cycles, data directory ${dataDir}`);
  try {
    const report = await runCrashTorture({ dataDir, cycles, connections: 16, killAfterMs: [300, 3000], seed, progress });
    const { final, archive } = report;
    const failures = [
      final.missing.length > 0 && `${final.missing.length} acknowledged ids missing (first: ${final.missing.slice(0, 5).join(', ')})`,
      final.duplicated.length > 0 && `${final.duplicated.length} ids more than once (first: ${final.duplicated.slice(0, 5).join(', ')})`,
      final.partial.length > 0 && `${final.partial.length} requests with only some of their rows`,
      final.rows !== final.distinctIds && `count(*) ${final.rows} != count(DISTINCT id) ${final.distinctIds}`,
      ...report.cycles.filter((cycle) => cycle.midCheck !== undefined && (cycle.midCheck.missing.length + cycle.midCheck.duplicated.length + cycle.midCheck.partial.length) > 0).map((cycle) => `cycle ${cycle.cycle}: the query with no server found a loss or a duplicate`),
      archive.missing.length > 0 && `${archive.missing.length} acknowledged requests not in the raw archive`,
      archive.duplicated.length > 0 && `${archive.duplicated.length} requests archived twice or more`,
      archive.sharedSequences > 0 && `${archive.sharedSequences} sequences on more than one archived request`,
      archive.incomplete > 0 && `${archive.incomplete} archived requests with parts missing`,
      archive.disagreeing.length > 0 && `${archive.disagreeing.length} requests in the lake but not the archive, or the other way round`,
      report.segmentsAfterStop > 0 && `${report.segmentsAfterStop} log segments left after a clean stop`,
      report.stopCode !== 0 && `the clean stop exited with ${report.stopCode}`,
    ].filter((failure): failure is string => typeof failure === 'string');
    process.stdout.write(
      `crash: ${report.cycles.length} kills; ${report.ackedRequests} requests acked (${report.ackedRows} rows); ` +
        `lake: ${final.rows} rows, ${final.distinctIds} distinct ids, ${final.missing.length} acked missing, ${final.duplicated.length} duplicated; ` +
        `archive: ${archive.requests} requests in ${archive.files} files, ${archive.missing.length} acked missing, ${archive.duplicated.length} duplicated\n`,
    );
    process.stdout.write(failures.length === 0 ? 'crash: all checks passed\n' : `crash: FAILED (seed ${seed}):\n${failures.map((f) => `  - ${f}`).join('\n')}\n`);
    process.exitCode = failures.length === 0 ? 0 : 1;
  } finally {
    if (keep || process.exitCode === 1) progress(`kept ${root}`);
    else await rm(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`[crash] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
