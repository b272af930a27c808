/**
 * Cold-start module load of the ingest Lambda against a naive bundle of the same SDK clients, middy
 * and Powertools logger (bench/lambda-bundles.ts builds both). Each load is a fresh node process
 * that times require() of the bundle, that is the function's init work: reading its configuration,
 * creating the clients and the logger. Both get the environment a Lambda has, and no NODE_OPTIONS, as
 * the construct sets none. Runs alternate ours, naive, and ours under Node's eager source maps (what
 * --enable-source-maps would cost, for the record), round after round.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INGEST_ENV } from '../lambdas/ingest/env';
import { EAGER_SOURCE_MAPS_NODE_OPTIONS } from '../lib/lambda-bundling';
import { buildIngestBundle, buildNaiveBundle, type BuiltBundle } from './lambda-bundles';
import { median } from './stats';
import type { BenchResult } from './target';

const WARMUP_ROUNDS = 3;
const ROUNDS = 25;

/** Prints how long require() of the bundle took, in ms. */
const LOAD_SCRIPT = `
const { performance } = require('node:perf_hooks');
const started = performance.now();
require(process.argv[1]);
process.stdout.write(String(performance.now() - started));`;

/** What Lambda sets for a function (the credentials are placeholders: init makes no AWS call). */
const LAMBDA_ENV = {
  AWS_REGION: 'eu-west-1',
  AWS_DEFAULT_REGION: 'eu-west-1',
  AWS_LAMBDA_FUNCTION_NAME: 'hooklake-ingest',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
  AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
  AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  AWS_SESSION_TOKEN: 'session-token',
  [INGEST_ENV.tokenTableName]: 'hooklake-tokens',
  [INGEST_ENV.deliveryStreamName]: 'hooklake-events',
  // Node 20 here, Node 24 on Lambda: the SDK's notice about Node 20 is not part of the load.
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

export async function benchLambdaLoad(progress: (line: string) => void): Promise<BenchResult> {
  const dir = await mkdtemp(join(tmpdir(), 'hooklake-bench-lambda-'));
  try {
    progress('lambda load: bundling the ingest Lambda as the stack does, and the naive bundle');
    const ours = await buildIngestBundle(join(dir, 'ingest'));
    const naive = await buildNaiveBundle(join(dir, 'naive'));
    const arms = [
      { bundle: ours, nodeOptions: '', ms: [] as number[] },
      { bundle: naive, nodeOptions: '', ms: [] as number[] },
      { bundle: ours, nodeOptions: EAGER_SOURCE_MAPS_NODE_OPTIONS, ms: [] as number[] },
    ];
    progress(`lambda load: ${WARMUP_ROUNDS} + ${ROUNDS} rounds of fresh processes, ours / naive / ours with ${EAGER_SOURCE_MAPS_NODE_OPTIONS}`);
    for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
      for (const arm of arms) {
        const ms = loadMs(arm.bundle.file, arm.nodeOptions);
        if (round >= WARMUP_ROUNDS) arm.ms.push(ms);
      }
    }
    const [oursMs, naiveMs, oursEagerMapsMs] = arms.map((arm) => median(arm.ms));
    const pairRatios = arms[0].ms.map((ms, i) => ms / arms[1].ms[i]);
    return {
      id: 'lambda-load',
      name: 'Lambda module load',
      meaning: `ingest bundle init ÷ naive bundle init (same SDK clients, middy, Powertools logger and metrics), median of ${ROUNDS} fresh processes each`,
      value: oursMs / naiveMs,
      unit: 'x',
      max: 0.6,
      figures:
        `ours ${oursMs.toFixed(1)} ms (${oursEagerMapsMs.toFixed(1)} ms with ${EAGER_SOURCE_MAPS_NODE_OPTIONS}), naive ${naiveMs.toFixed(1)} ms; ` +
        `median of paired ratios ${median(pairRatios).toFixed(2)}x; bundles: ours ${describe(ours)}, naive ${describe(naive)}`,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function loadMs(file: string, nodeOptions: string): number {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, ...LAMBDA_ENV, ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}) };
  const run = spawnSync(process.execPath, ['-e', LOAD_SCRIPT, file], { env, encoding: 'utf8', timeout: 30_000 });
  const ms = Number(run.stdout);
  if (run.status !== 0 || !Number.isFinite(ms)) throw new Error(`loading ${file} failed (exit ${run.status}): ${run.stderr}`);
  return ms;
}

function describe(bundle: BuiltBundle): string {
  const kib = (bytes: number) => `${Math.round(bytes / 1024)} KiB`;
  return bundle.mapBytes > 0 ? `${kib(bundle.bytes)} + ${kib(bundle.mapBytes)} map` : kib(bundle.bytes);
}
