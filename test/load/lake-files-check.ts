/**
 * Reads every file of a local lake the way a reader would: each `*.json.gz` must decompress whole
 * and hold one JSON object per line. Leftovers of a crash (temporary files) are counted apart.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { isLakeFile, isTemporaryFile } from '../../lambdas/core/lake-layout';

export interface LakeFilesReport {
  readonly files: number;
  readonly rows: number;
  /** Files that did not decompress or held a line that is not a JSON object, with the reason. */
  readonly unreadable: string[];
  readonly temporary: string[];
}

export async function checkLakeFiles(lakeDir: string): Promise<LakeFilesReport> {
  const report = { files: 0, rows: 0, unreadable: [] as string[], temporary: [] as string[] };
  const entries = await readdir(lakeDir, { recursive: true, withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    if (isTemporaryFile(entry.name)) report.temporary.push(path);
    if (!isLakeFile(entry.name)) continue;
    report.files += 1;
    try {
      const lines = gunzipSync(await readFile(path)).toString('utf8').split('\n');
      if (lines.at(-1) === '') lines.pop();
      for (const line of lines) {
        const row: unknown = JSON.parse(line);
        if (typeof row !== 'object' || row === null || Array.isArray(row)) throw new Error('a line is not a JSON object');
      }
      report.rows += lines.length;
    } catch (error) {
      report.unreadable.push(`${path}: ${(error as Error).message}`);
    }
  }
  return report;
}
