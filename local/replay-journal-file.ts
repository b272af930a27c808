/** The replay journal on the local disk: one JSON file per schema under `replays/`, replaced whole and fsynced. */
import { readFile } from 'node:fs/promises';
import { ownerOnlyFolder } from './owner-only-folder';
import { join } from 'node:path';
import type { ReplayJournal, ReplayState } from '../lambdas/app/ports';
import { fsyncDirectory, writeFileAtomically } from './durable-files';
import { isMissing } from './lake-files';

export const REPLAYS_DIR = 'replays';

export function localReplayJournal(dataDir: string): ReplayJournal {
  const dir = join(dataDir, REPLAYS_DIR);
  return {
    async load(schema) {
      try {
        return JSON.parse(await readFile(join(dir, `${schema}.json`), 'utf8')) as ReplayState;
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
    },
    async save(state) {
      await ownerOnlyFolder(dir);
      await writeFileAtomically(dir, `${state.schema}.json`, `${JSON.stringify(state, null, 2)}\n`);
      await fsyncDirectory(dir);
    },
  };
}
