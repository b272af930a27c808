/**
 * The two bundles lambda-load compares, built with esbuild's JS API: the ingest Lambda with the
 * options the stack deploys (lib/lambda-bundling.ts, translated here the way NodejsFunction turns
 * them into esbuild flags), and a naive bundle of the same SDK clients, middy and Powertools logger and metrics
 * with esbuild's defaults for Node.
 */
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Runtime } from 'aws-cdk-lib/aws-lambda';
import type { BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { build, type BuildOptions, type Metafile } from 'esbuild';
import { DEFAULT_LAMBDA_RUNTIME, LAMBDA_BUNDLING } from '../lib/lambda-bundling';

export const PROJECT_ROOT = resolve(__dirname, '..');
const INGEST_ENTRY = 'lambdas/ingest/lambda.ts';

export interface BuiltBundle {
  readonly file: string;
  readonly bytes: number;
  /** The source map next to it, 0 when there is none. */
  readonly mapBytes: number;
}

/** The ingest Lambda as the stack bundles it, into `outDir`/index.js. */
export async function buildIngestBundle(outDir: string): Promise<BuiltBundle> {
  const outfile = join(outDir, 'index.js');
  const result = await build({
    ...esbuildOptionsOf(LAMBDA_BUNDLING, DEFAULT_LAMBDA_RUNTIME),
    entryPoints: [join(PROJECT_ROOT, INGEST_ENTRY)],
    outfile,
    absWorkingDir: PROJECT_ROOT,
    metafile: true,
    logLevel: 'warning',
  });
  assertNaiveImportsTheSamePackages(result.metafile);
  return sizes(outfile);
}

/**
 * What a handler written without care for cold starts looks like: the same clients, created at init
 * with default settings, behind middy, with the Powertools logger and metrics; `bundle: true` and nothing else.
 */
const NAIVE_HANDLER = `
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { FirehoseClient, PutRecordBatchCommand } from '@aws-sdk/client-firehose';
import middy from '@middy/core';

const logger = new Logger({ serviceName: 'naive-ingest' });
const metrics = new Metrics({ namespace: 'Naive', serviceName: 'naive-ingest' });
const dynamodb = new DynamoDBClient({});
const firehose = new FirehoseClient({});

export const handler = middy().handler(async (event) => {
  const token = await dynamodb.send(new GetItemCommand({
    TableName: process.env.TOKEN_TABLE_NAME,
    Key: { pk: { S: event.pathParameters?.token ?? '' }, sk: { S: 'TOKEN' } },
  }));
  await firehose.send(new PutRecordBatchCommand({
    DeliveryStreamName: process.env.DELIVERY_STREAM_NAME,
    Records: [{ Data: Buffer.from(event.body ?? '') }],
  }));
  logger.info('stored', { known: token.Item !== undefined });
  metrics.addMetric('Records', MetricUnit.Count, 1);
  metrics.publishStoredMetrics();
  return { statusCode: 200, body: '{"status":"OK"}' };
});
`;

/** The packages the naive handler imports: the clients and middleware the ingest bundle uses, no more, no fewer. */
const NAIVE_PACKAGES = ['@aws-lambda-powertools/logger', '@aws-lambda-powertools/metrics', '@aws-sdk/client-dynamodb', '@aws-sdk/client-firehose', '@middy/core'];

export async function buildNaiveBundle(outDir: string): Promise<BuiltBundle> {
  const outfile = join(outDir, 'index.js');
  await build({
    stdin: { contents: NAIVE_HANDLER, resolveDir: PROJECT_ROOT, sourcefile: 'naive-handler.js', loader: 'js' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile,
    logLevel: 'warning',
  });
  return sizes(outfile);
}

/**
 * NodejsFunction's translation of its bundling props into esbuild flags, for the props Hooklake
 * sets. A prop this does not know stops the benchmark rather than measure something else.
 */
export function esbuildOptionsOf(bundling: BundlingOptions, runtime: Runtime): BuildOptions {
  const translated = new Set(['forceDockerBundling', 'format', 'minify', 'keepNames', 'sourceMap', 'sourcesContent', 'bundleAwsSDK', 'mainFields', 'esbuildArgs']);
  const unknown = Object.keys(bundling).filter((key) => !translated.has(key));
  const unknownArgs = Object.keys(bundling.esbuildArgs ?? {}).filter((key) => key !== '--alias');
  if (unknown.length > 0 || unknownArgs.length > 0) {
    throw new Error(`bench/lambda-bundles.ts does not translate the bundling option(s) ${[...unknown, ...unknownArgs].join(', ')} yet`);
  }
  const major = /^nodejs(\d+)\./.exec(runtime.name)?.[1];
  if (!major) throw new Error(`Not a Node.js runtime: ${runtime.name}`);
  return {
    bundle: true,
    platform: 'node',
    target: `node${major}`,
    format: bundling.format as BuildOptions['format'],
    minify: bundling.minify,
    keepNames: bundling.keepNames,
    sourcemap: bundling.sourceMap,
    sourcesContent: bundling.sourcesContent,
    mainFields: bundling.mainFields,
    // Without bundleAwsSDK, NodejsFunction leaves the SDK to the runtime.
    external: bundling.bundleAwsSDK ? [] : ['@aws-sdk/*'],
    alias: aliasesOf(bundling.esbuildArgs?.['--alias']),
  };
}

function aliasesOf(arg: string | boolean | string[] | undefined): Record<string, string> {
  const entries = typeof arg === 'string' ? [arg] : Array.isArray(arg) ? arg : [];
  return Object.fromEntries(entries.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]));
}

/** Keeps the comparison fair: the naive handler loads the clients and middleware the ingest Lambda loads. */
function assertNaiveImportsTheSamePackages(metafile: Metafile): void {
  const used = new Set<string>();
  for (const input of Object.keys(metafile.inputs)) {
    const match = /node_modules\/(@aws-sdk\/client-[^/]+|@middy\/[^/]+|@aws-lambda-powertools\/(?!commons)[^/]+)\//.exec(input);
    if (match) used.add(match[1]);
  }
  const differ = [...used].sort().join(', ') !== [...NAIVE_PACKAGES].sort().join(', ');
  if (differ) {
    throw new Error(`The ingest Lambda loads ${[...used].join(', ')}, the naive handler in bench/lambda-bundles.ts ${NAIVE_PACKAGES.join(', ')}: make them match`);
  }
}

function sizes(file: string): BuiltBundle {
  const mapBytes = (() => {
    try {
      return statSync(`${file}.map`).size;
    } catch {
      return 0;
    }
  })();
  return { file, bytes: statSync(file).size, mapBytes };
}
