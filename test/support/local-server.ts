import { startLocalHooklake, type LocalHooklakeOptions, type RunningLocalHooklake } from '../../local/start-local';
import { RecordingLogger } from './recording-logger';
import { useTempDir } from './temp-dir';

export interface LocalServer {
  /** The server's own temporary data directory. */
  readonly dataDir: string;
  /** Where it answers, `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Waits until every row it answered for is in the lake's files (rows wait in its log a moment). */
  settleLake(): Promise<void>;
  /** Stops it before the tests end (to read what it left behind); its directory still goes after them. */
  stop(): Promise<void>;
}

/**
 * A local Hooklake server for the tests of a file or describe block, in a fresh temporary data
 * directory: started before them (1 MiB bodies, a recording logger, unless `options` say otherwise),
 * stopped and its directory removed after them.
 */
export function useLocalServer(name: string, options: Partial<Omit<LocalHooklakeOptions, 'dataDir'>> = {}): LocalServer {
  let running: RunningLocalHooklake | undefined;
  const stop = async () => {
    const stopping = running;
    running = undefined;
    await stopping?.close();
  };
  // Hooks run in the order they are declared: this stop comes before the directory's removal, and the
  // start below after its making.
  afterAll(stop);
  const dir = useTempDir(name);
  beforeAll(async () => {
    running = await startLocalHooklake({ dataDir: dir.path, port: 0, host: '127.0.0.1', maxBodyBytes: 1024 * 1024, logger: new RecordingLogger(), ...options });
  });
  return {
    get dataDir() {
      return dir.path;
    },
    get url() {
      if (running === undefined) throw new Error('The local server is not running: it starts before the tests and stop() ends it.');
      return running.url;
    },
    settleLake: () => {
      if (running === undefined) throw new Error('The local server is not running: it starts before the tests and stop() ends it.');
      return running.settleLake();
    },
    stop,
  };
}
