/**
 * Every benchmark `npm run bench` runs, in order, with the ids of the results it reports (so
 * `npm run bench -- <id-prefix>` can pick some without running the others).
 */
import { benchHandlerCpu } from './handler-cpu';
import { benchHttpIngest } from './http-ingest';
import { benchLakeFiles } from './lake-files';
import { benchMemory } from './memory';
import { benchQuery1m } from './query-1m';
import type { Bench } from './target';

export interface RegisteredBench {
  readonly ids: readonly string[];
  readonly run: Bench;
}

export const BENCHES: readonly RegisteredBench[] = [
  { ids: ['handler-cpu-array', 'handler-cpu-ndjson'], run: benchHandlerCpu },
  { ids: ['memory-one-body'], run: benchMemory },
  { ids: ['http-vs-bare', 'http-vs-fsync'], run: benchHttpIngest },
  { ids: ['lake-files'], run: benchLakeFiles },
  { ids: ['query-1m-count', 'query-1m-latest', 'query-1m-cli'], run: benchQuery1m },
];
