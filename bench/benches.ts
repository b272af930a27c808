/**
 * Every benchmark `npm run bench` runs, in order, with the ids of the results it reports (so
 * `npm run bench -- <id-prefix>` can pick some without running the others).
 */
import { benchCliStart } from './cli-start';
import { benchCost } from './cost';
import { benchHandlerCpu } from './handler-cpu';
import { benchHttpIngest } from './http-ingest';
import { benchLakeFiles } from './lake-files';
import { benchLambdaLoad } from './lambda-load';
import { benchMemory } from './memory';
import { benchQuery1m } from './query-1m';
import type { Bench } from './target';

export interface RegisteredBench {
  readonly ids: readonly string[];
  readonly run: Bench;
}

export const BENCHES: readonly RegisteredBench[] = [
  { ids: ['handler-cpu-1kb-object', 'handler-cpu-100-array'], run: benchHandlerCpu },
  { ids: ['memory-burst'], run: benchMemory },
  { ids: ['http-1kb-single', 'http-1kb-single-p99', 'http-100-event'], run: benchHttpIngest },
  { ids: ['cli-start'], run: benchCliStart },
  { ids: ['cost-1-event', 'cost-100-event'], run: benchCost },
  { ids: ['lambda-load'], run: benchLambdaLoad },
  { ids: ['lake-files'], run: benchLakeFiles },
  { ids: ['query-1m-count', 'query-1m-latest', 'query-1m-cli'], run: benchQuery1m },
];
