import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TempDir {
  /** The directory, made before the tests. */
  readonly path: string;
}

/** A fresh temporary directory (`hooklake-<name>-...`) for the tests of a file or describe block, removed after them. */
export function useTempDir(name: string): TempDir {
  let path: string | undefined;
  beforeAll(async () => {
    path = await mkdtemp(join(tmpdir(), `hooklake-${name}-`));
  });
  afterAll(async () => {
    if (path !== undefined) await rm(path, { recursive: true, force: true });
  });
  return {
    get path() {
      if (path === undefined) throw new Error('The temporary directory is made before the tests, not while they are declared.');
      return path;
    },
  };
}
