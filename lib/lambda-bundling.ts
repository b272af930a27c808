/**
 * How every Hooklake Lambda is bundled, in one place: the construct (constructs/hooklake-function.ts)
 * deploys with these options and `npm run bench -- lambda-load` builds with them, so the benchmark
 * measures exactly what the stack ships.
 */
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';

export const DEFAULT_LAMBDA_RUNTIME = lambda.Runtime.NODEJS_24_X;

/**
 * Node's own source maps, which the functions do without: with them Node reads the map and scans the
 * whole bundle at every cold start. The entries map their stack traces when one is first written
 * instead (lambdas/aws/lambda-source-maps.ts). The lambda-load benchmark prints what this would cost.
 */
export const EAGER_SOURCE_MAPS_NODE_OPTIONS = '--enable-source-maps';

/**
 * Packages the bundles replace with a smaller module of the same exports (paths relative to the
 * project root, where the bundler runs). Each replaced package is code a Lambda never runs but would
 * parse at every cold start: together they were a third of the ingest bundle.
 */
export const LAMBDA_BUNDLE_ALIASES: Readonly<Record<string, string>> = {
  // The SDK's default credential chain: Lambda's keys are in the environment, its first link. The
  // other links (profiles, SSO, web identity, IMDS, ...) carry their own STS and SSO clients.
  '@aws-sdk/credential-provider-node': './lambdas/aws/lambda-credentials.ts',
  // Loaded only by operations with event streams; DynamoDB, Firehose, Glue and Athena calls have none.
  '@smithy/core/event-streams': './lambdas/aws/no-event-streams.ts',
};

export const LAMBDA_BUNDLING: BundlingOptions = {
  forceDockerBundling: false,
  format: OutputFormat.CJS,
  minify: true,
  // Keep class and function names: error names appear in logs and in `error.name` checks.
  keepNames: true,
  // Next to the code, for the entries' stack traces; it carries the mappings, not the sources' text.
  sourceMap: true,
  sourcesContent: false,
  // Ship the SDK versions the adapters were tested with instead of whatever the runtime bundles.
  bundleAwsSDK: true,
  // Prefer packages' ESM builds: they tree-shake, and some UMD builds (jsonc-parser's) require()
  // their own files dynamically, which esbuild cannot follow, and the bundle then fails at cold start.
  mainFields: ['module', 'main'],
  esbuildArgs: { '--alias': Object.entries(LAMBDA_BUNDLE_ALIASES).map(([from, to]) => `${from}=${to}`) },
};
