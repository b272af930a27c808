import type { Command } from 'commander';
import type { Backend } from './backend';

export type OpenBackend = (dataDir: string) => Promise<Backend>;

/** Opens the backend named by the global options for one command, and always closes it. */
export async function withBackend<T>(command: Command, open: OpenBackend, work: (backend: Backend) => Promise<T>): Promise<T> {
  const { dataDir } = command.optsWithGlobals<{ dataDir: string }>();
  const backend = await open(dataDir);
  try {
    return await work(backend);
  } finally {
    await backend.close();
  }
}
