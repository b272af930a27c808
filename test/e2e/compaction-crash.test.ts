import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { partitionState } from '../../lambdas/core/lake-compaction';
import { DuckDbQueryEngine } from '../../local/duckdb-engine';
import { LakeCompactor } from '../../local/lake-compactor';
import { readPartition } from '../../local/lake-files';
import { partitionDir, range, testColumns, testIntegration, visibleIds, writeSinkFiles } from '../support/lake-files';
import { RecordingLogger } from '../support/recording-logger';
import { useTempDir } from '../support/temp-dir';

const ROOT = join(__dirname, '..', '..');
const ROUNDS = 8;

/** Starts a process that compacts `dataDir` without pause, and resolves once it is at work. */
async function startCompacting(dataDir: string): Promise<ReturnType<typeof spawn>> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/compact-child.ts', dataDir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      output += chunk;
      if (output.includes('compacting')) resolve();
    });
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('exit', () => reject(new Error(`the compacting process ended:\n${output}`)));
  });
  return child;
}

describe('compaction under kill -9', () => {
  const dataDir = useTempDir('compaction-crash');

  it('loses no row and counts none twice, wherever the compacting process is killed', async () => {
    let rows = 0;
    for (let round = 0; round < ROUNDS; round++) {
      rows = await writeSinkFiles(dataDir.path, rows, 200, 3);
      const child = await startCompacting(dataDir.path);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 600));
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
      // Right after the kill, before any recovery: a reader already sees each row exactly once.
      expect(await visibleIds(dataDir.path)).toEqual(range(rows));
    }

    // Recovery is the next compactor's first pass: leftovers go, the rest is merged and cleaned up.
    const compactor = new LakeCompactor(dataDir.path, { logger: new RecordingLogger(), graceMs: 0 });
    for (let report = await compactor.runPass(); report.merged + report.removed > 0; report = await compactor.runPass());
    const left = await readPartition(partitionDir(dataDir.path));
    expect(left === undefined ? [] : partitionState(left).abandoned).toEqual([]);
    expect((await readdir(partitionDir(dataDir.path))).filter((name) => !name.endsWith('.json.gz'))).toEqual([]);
    expect(await visibleIds(dataDir.path)).toEqual(range(rows));

    const engine = await DuckDbQueryEngine.open(dataDir.path, [{ integration: testIntegration, columns: testColumns }]);
    try {
      const result = await engine.query('SELECT count(*) AS n, count(DISTINCT id) AS ids FROM compaction_test.data');
      expect(result.rows).toEqual([{ n: rows, ids: rows }]);
    } finally {
      await engine.close();
    }
  });
});
