/**
 * How long `hooklake --help` takes, as a whole fresh process (`node bin/hooklake.js --help`, what
 * `npx hooklake --help` runs once npm has found it), against the absolute target. Printed
 * beside it, from the same rounds: node's own start (`node -e 0`, the floor), a real command on a
 * small data directory, and help from the TypeScript sources (what runs after an edit, before a rebuild).
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { BenchResult } from './target';
import { median } from './stats';

const ROOT = join(__dirname, '..');
const ROUNDS = 15;
const WARM_UP_ROUNDS = 2;

export async function benchCliStart(progress: (line: string) => void): Promise<BenchResult> {
  const dataDir = await mkdtemp(join(tmpdir(), 'hooklake-bench-cli-'));
  try {
    runOnce(['bin/hooklake.js', '--data-dir', dataDir, 'integrations', 'create', 'Bench Start']);
    const commands = {
      floor: ['-e', '0'],
      help: ['bin/hooklake.js', '--help'],
      list: ['bin/hooklake.js', '--data-dir', dataDir, 'integrations', 'list'],
      sources: ['--require', 'tsx/cjs', 'bin/hooklake.ts', '--help'],
    };
    progress(`cli start: ${ROUNDS} rounds of node -e 0, hooklake --help, integrations list, --help from the sources`);
    const times = { floor: [] as number[], help: [] as number[], list: [] as number[], sources: [] as number[] };
    for (let round = 0; round < WARM_UP_ROUNDS + ROUNDS; round++) {
      for (const [name, argv] of Object.entries(commands) as [keyof typeof commands, string[]][]) {
        const seconds = runOnce(argv);
        if (round >= WARM_UP_ROUNDS) times[name].push(seconds);
      }
    }
    const seconds = (values: number[]) => `${median(values).toFixed(3)} s (${Math.min(...values).toFixed(3)}–${Math.max(...values).toFixed(3)})`;
    return {
      id: 'cli-start',
      name: 'CLI start (hooklake --help)',
      meaning: `median wall time of ${ROUNDS} fresh \`node bin/hooklake.js --help\` processes, built at install`,
      value: median(times.help),
      unit: 's',
      below: 0.4,
      figures:
        `--help ${seconds(times.help)}; node -e 0 (floor) ${seconds(times.floor)}; ` +
        `integrations list (1 integration) ${seconds(times.list)}; --help from the TypeScript sources via tsx ${seconds(times.sources)}`,
    };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Wall seconds of one process, spawn to exit; a failed run fails the benchmark rather than timing an error. */
function runOnce(argv: readonly string[]): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, argv, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`node ${argv.join(' ')} exited with ${result.status}: ${result.stderr}`);
  return seconds;
}
