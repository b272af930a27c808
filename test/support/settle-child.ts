/**
 * Opens the local lake on the data directory given as its argument, writes one row, waits for it to
 * reach the lake's files, and prints how many files the lake holds: a process with nothing else to keep
 * it alive, as a script or a CLI command is.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { openLocalLake } from '../../local/local-lake';
import { lakeRow } from './lake-rows';
import { RecordingLogger } from './recording-logger';

async function main(dataDir: string): Promise<void> {
  const lake = openLocalLake(dataDir, new RecordingLogger(), { log: { sealAfterMs: 60_000 } });
  await lake.sink.write({ schema: 'child', rows: [lakeRow('data', '2026-11-25', { id: 'a' })] });
  await lake.settle();
  const files = (await readdir(join(dataDir, 'lake'), { recursive: true })).filter((name) => name.endsWith('.json.gz'));
  process.stdout.write(`settled: ${files.length} file\n`);
  await lake.close();
}

void main(process.argv[2]);
