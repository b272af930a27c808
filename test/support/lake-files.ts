/**
 * Lake files as the file sink leaves them (gzip NDJSON, `<ms>-<pid>-<n>.json.gz`, one per flush),
 * written directly so compaction tests can make thousands quickly; and what a reader of them sees.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Integration } from '../../lambdas/core/integration';
import { partitionPath } from '../../lambdas/core/lake-layout';
import type { RegisteredColumn } from '../../lambdas/app/ports';
import { visibleTableFiles } from '../../local/lake-files';

export const TEST_SCHEMA = 'compaction_test';
export const TEST_DAY = '2026-11-23';

export const testIntegration: Integration = {
  name: 'Compaction Test',
  schema: TEST_SCHEMA,
  type: 'webhooks',
  tableVersion: 0,
  createdAt: '2026-11-23T00:00:00.000Z',
  primaryKey: 'id',
};
export const testColumns: RegisteredColumn[] = [{ name: 'id', type: 'string', firstSeenAt: '2026-11-23T00:00:00.000Z' }];

export const partitionDir = (dataDir: string, day = TEST_DAY): string => join(dataDir, partitionPath(TEST_SCHEMA, 'data', day));
export const tableDir = (dataDir: string): string => join(dataDir, 'lake', TEST_SCHEMA, 'data');

let counter = 0;

/** Writes `files` files of `rowsPerFile` rows each, ids `first`, `first + 1`, ...; returns the next id. */
export async function writeSinkFiles(dataDir: string, first: number, files: number, rowsPerFile: number, day = TEST_DAY): Promise<number> {
  const dir = partitionDir(dataDir, day);
  await mkdir(dir, { recursive: true });
  let id = first;
  for (let f = 0; f < files; f++) {
    const lines = Array.from({ length: rowsPerFile }, () => JSON.stringify(row(id++)));
    await writeFile(join(dir, `${Date.now()}-${process.pid}-${++counter}.json.gz`), gzipSync(`${lines.join('\n')}\n`));
  }
  return id;
}

function row(id: number): object {
  return { id: `id-${id}`, _sdc_sequence: 1_795_000_000_000_000 + id, _sdc_received_at: '2026-11-23T10:00:00.000Z', _sdc_batched_at: '2026-11-23T10:00:00.000Z', _sdc_table_version: 0 };
}

/** The ids of every row a reader of the table sees, sorted, duplicates kept. */
export async function visibleIds(dataDir: string): Promise<number[]> {
  const files = await visibleTableFiles(tableDir(dataDir));
  const ids: number[] = [];
  for (const file of files) {
    const text = gunzipSync(await readFile(file)).toString('utf8');
    for (const line of text.split('\n')) if (line !== '') ids.push(Number((JSON.parse(line) as { id: string }).id.slice(3)));
  }
  return ids.sort((a, b) => a - b);
}

export const range = (count: number): number[] => Array.from({ length: count }, (_, i) => i);
