/**
 * Compacts the data directory given as its argument, pass after pass, merging as often as it can (tiny
 * tiers, no grace period): the compaction crash test kills it with SIGKILL at random moments.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { LakeCompactor } from '../../local/lake-compactor';
import { RecordingLogger } from './recording-logger';

async function main(dataDir: string): Promise<void> {
  const compactor = new LakeCompactor(dataDir, {
    logger: new RecordingLogger(),
    graceMs: 0,
    policy: { maxFileBytes: 256 * 1024, tierBaseBytes: 2048, fanIn: 4, maxSources: 4 },
  });
  process.stdout.write('compacting\n');
  for (;;) {
    const report = await compactor.runPass();
    if (report.merged === 0 && report.removed === 0) await sleep(5);
  }
}

void main(process.argv[2]);
