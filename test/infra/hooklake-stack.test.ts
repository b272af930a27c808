import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { App, Stack } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { TOKEN_TABLE_KEYS } from '../../lambdas/core/deployment-names';
import { PARTITION_KEY_QUERY } from '../../lambdas/core/lake-layout';
import { ROW_DELIMITER } from '../../lambdas/core/record-packing';
import { AWS_MAX_BODY_BYTES } from '../../lambdas/ingest/config';
import { INGEST_ENV } from '../../lambdas/ingest/env';
import { HooklakeStack, INGEST_FUNCTION_COST_SETTINGS, METRICS_NAMESPACE, STACK_OUTPUTS } from '../../lib/hooklake-stack';
import { buildHooklakeApp } from './synth-hooklake';

type Resource = { Type: string; Properties?: Record<string, any>; DependsOn?: string[]; DeletionPolicy?: string };
type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

let stack: HooklakeStack;
let template: Template;
let outdir: string;
/** Logical ids of the main resources, resolved once. */
const id = {} as Record<'fn' | 'fnRole' | 'fnLogGroup' | 'table' | 'stream' | 'lakeBucket' | 'accessLogsBucket' |
  'resultsBucket' | 'deliveryRole' | 'accessLogGroup' | 'api' | 'workGroup', string>;

beforeAll(() => {
  const built = buildHooklakeApp();
  stack = built.stack;
  outdir = built.outdir;
  template = Template.fromStack(stack); // synthesizes once (bundling included) for the whole file
  const logicalId = (c: { node: { defaultChild?: unknown } }): string => stack.getLogicalId(c.node.defaultChild as never);
  id.fn = logicalId(stack.ingest.function);
  id.fnRole = logicalId(stack.ingest.role);
  id.fnLogGroup = logicalId(stack.ingest.logGroup);
  id.table = logicalId(stack.tokens.table);
  id.stream = logicalId(stack.lake.deliveryStream);
  id.lakeBucket = logicalId(stack.lake.bucket);
  id.accessLogsBucket = logicalId(stack.lake.accessLogsBucket);
  id.resultsBucket = logicalId(stack.queries.resultsBucket);
  id.deliveryRole = logicalId(stack.lake.deliveryRole);
  id.accessLogGroup = logicalId(stack.api.accessLogGroup);
  id.api = logicalId(stack.api.httpApi);
  id.workGroup = stack.getLogicalId(stack.queries.workGroup);
});

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

const resourcesOf = (type: string): Record<string, Resource> => template.findResources(type) as Record<string, Resource>;
const getAtt = (logicalId: string, attr = 'Arn') => ({ 'Fn::GetAtt': [logicalId, attr] });
const asArray = <T>(x: T | T[]): T[] => (Array.isArray(x) ? x : [x]);

/** Statements of every inline policy attached to a role. */
function statementsOfRole(roleId: string): Statement[] {
  return Object.values(resourcesOf('AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties?.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap((p) => p.Properties?.PolicyDocument.Statement as Statement[]);
}

/** The ingest function's bundled code, as staged in the cloud assembly. */
function ingestBundle(): string {
  const s3Key = String(resourcesOf('AWS::Lambda::Function')[id.fn].Properties?.Code.S3Key);
  return path.join(outdir, `asset.${s3Key.replace(/\.zip$/, '')}`, 'index.js');
}

/** What the ingest bundle needs to start outside Lambda. */
const ingestBundleEnv = {
  PATH: process.env.PATH,
  AWS_REGION: 'us-east-1',
  [INGEST_ENV.tokenTableName]: 'tokens',
  [INGEST_ENV.deliveryStreamName]: 'stream',
  POWERTOOLS_LOG_LEVEL: 'CRITICAL',
  POWERTOOLS_METRICS_NAMESPACE: 'Hooklake',
  POWERTOOLS_SERVICE_NAME: 'hooklake-test',
  AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
  // Node 20 here, Node 24 on Lambda: the SDK's notice about Node 20 is not this test's business.
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

describe('HooklakeFunction (ingest)', () => {
  test('runs Node.js 22 or newer on arm64 with the ingest handler, 512 MB, no X-Ray tracing', () => {
    const fn = resourcesOf('AWS::Lambda::Function')[id.fn];
    const runtime = String(fn.Properties?.Runtime);
    expect(runtime).toMatch(/^nodejs\d+\.x$/);
    expect(Number(/^nodejs(\d+)/.exec(runtime)?.[1])).toBeGreaterThanOrEqual(22);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 512,
      TracingConfig: Match.absent(),
      Role: getAtt(id.fnRole),
    });
    // What the cost model prices is what the stack deploys.
    expect(INGEST_FUNCTION_COST_SETTINGS).toEqual({ memorySize: 512, tracing: 'Disabled', applicationLogLevel: 'INFO', loggerLevel: 'WARN' });
  });

  test('other Hooklake functions keep the house defaults: tracing active, JSON logs, own lines from INFO, Lambda\'s from WARN', () => {
    const others = Object.entries(resourcesOf('AWS::Lambda::Function')).filter(([logicalId, fn]) => logicalId !== id.fn && fn.Properties?.Architectures?.[0] === 'arm64');
    expect(others.length).toBeGreaterThan(0);
    for (const [, fn] of others) {
      expect(fn.Properties?.TracingConfig).toEqual({ Mode: 'Active' });
      expect(fn.Properties?.LoggingConfig).toMatchObject({ LogFormat: 'JSON', ApplicationLogLevel: 'INFO', SystemLogLevel: 'WARN' });
    }
  });

  test('logs JSON, its own lines from WARN up (filtered by the function), metric lines (INFO to Lambda) and Lambda\'s from WARN up (no START/END/REPORT lines)', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      LoggingConfig: { LogFormat: 'JSON', ApplicationLogLevel: 'INFO', SystemLogLevel: 'WARN', LogGroup: { Ref: id.fnLogGroup } },
      Environment: { Variables: Match.objectLike({ [INGEST_ENV.logLevel]: 'WARN' }) },
    });
  });

  test('gets exactly the ingest environment, names taken from INGEST_ENV', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.exact({
          [INGEST_ENV.tokenTableName]: { Ref: id.table },
          [INGEST_ENV.deliveryStreamName]: { Ref: id.stream },
          [INGEST_ENV.rawArchive]: 'on',
          [INGEST_ENV.maxBodyBytes]: String(AWS_MAX_BODY_BYTES),
          [INGEST_ENV.tokenCacheSeconds]: '10',
          [INGEST_ENV.logLevel]: 'WARN',
          POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
          POWERTOOLS_SERVICE_NAME: stack.stackName,
        }),
      },
    });
    expect(AWS_MAX_BODY_BYTES).toBe(6 * 1024 * 1024);
  });

  test('passes tokenCacheSeconds to the ingest function, and refuses a value outside 0-300 at synth', () => {
    // No stack is bundled: only the environment is under test here.
    const unbundled = () => new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new HooklakeStack(unbundled(), 'CachedTokens', { tokenCacheSeconds: 0 });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ [INGEST_ENV.tokenCacheSeconds]: '0' }) },
    });
    expect(() => new HooklakeStack(unbundled(), 'TooLong', { tokenCacheSeconds: 301 })).toThrow(/tokenCacheSeconds must be a whole number from 0 to 300, got 301/);
  });

  test('was bundled locally by esbuild with a source map next to the code', () => {
    // The code asset is staged in the cloud assembly as asset.<hash>/, uploaded as <hash>.zip.
    const s3Key = String(resourcesOf('AWS::Lambda::Function')[id.fn].Properties?.Code.S3Key);
    const assetDir = path.join(outdir, `asset.${s3Key.replace(/\.zip$/, '')}`);
    expect(existsSync(path.join(assetDir, 'index.js'))).toBe(true);
    expect(existsSync(path.join(assetDir, 'index.js.map'))).toBe(true);
  });

  test('bundles the stand-ins of lib/lambda-bundling.ts for the SDK credential chain and event streams', () => {
    const map = JSON.parse(readFileSync(`${ingestBundle()}.map`, 'utf8')) as { sources: string[]; sourcesContent?: unknown };
    expect(map.sources).toEqual(
      expect.arrayContaining([expect.stringMatching(/lambdas\/ingest\/lambda\.ts$/), expect.stringMatching(/lambdas\/aws\/lambda-credentials\.ts$/)]),
    );
    expect(map.sources.filter((source) => /credential-provider-|nested-clients|\/event-streams\//.test(source))).toEqual([]);
    // Mappings only: a stack trace needs no sources' text, and Node parses the map at start-up.
    expect(map.sourcesContent).toBeUndefined();
  });

  test('the bundle signs its AWS calls with the keys Lambda puts in the environment', async () => {
    // A stand-in DynamoDB endpoint: it records the request and answers "no such token".
    const seen: IncomingHttpHeaders[] = [];
    const server = createServer((request, response) => {
      seen.push(request.headers);
      request.resume().on('end', () => response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end('{}'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const token = `hlk_${'A'.repeat(43)}`;
      const script = `
        const { handler } = require(${JSON.stringify(ingestBundle())});
        const event = { version: '2.0', rawPath: '/v1/hooks/${token}', rawQueryString: '', pathParameters: { token: '${token}' },
          headers: { 'content-type': 'application/json' }, body: '{"id":1}', isBase64Encoded: false,
          requestContext: { http: { method: 'POST', path: '/v1/hooks/${token}', sourceIp: '192.0.2.1' }, requestId: 'r', timeEpoch: Date.now() } };
        handler(event, { awsRequestId: 'r', getRemainingTimeInMillis: () => 10000 })
          .then((r) => process.stdout.write(JSON.stringify(r)), (e) => { console.error(e); process.exit(1); });`;
      const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], {
        env: {
          ...ingestBundleEnv,
          AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
          AWS_ACCESS_KEY_ID: 'AKIDFROMLAMBDA',
          AWS_SECRET_ACCESS_KEY: 'secret',
          AWS_SESSION_TOKEN: 'session-from-lambda',
        },
        encoding: 'utf8',
        timeout: 15_000,
      });
      expect(JSON.parse(stdout.slice(stdout.indexOf('{"statusCode"')))).toMatchObject({ statusCode: 401 });
      expect(seen.length).toBeGreaterThan(0);
      expect(seen[0].authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDFROMLAMBDA\/\d{8}\/us-east-1\/dynamodb\//);
      expect(seen[0]['x-amz-security-token']).toBe('session-from-lambda');
    } finally {
      server.close();
    }
  });

  test('stack traces from the bundle point into the TypeScript sources, with no NODE_OPTIONS', () => {
    // The probe is a getter the handler reads inside the bundle; the stack it records passes through it.
    const script = `
      const { handler } = require(${JSON.stringify(ingestBundle())});
      let stack;
      const event = { version: '2.0', rawPath: '/v1/hooks', rawQueryString: '', isBase64Encoded: false,
        get headers() { stack = new Error('probe').stack; return {}; },
        requestContext: { http: { method: 'GET', path: '/v1/hooks', sourceIp: '192.0.2.1' }, requestId: 'r', timeEpoch: Date.now() } };
      handler(event, { awsRequestId: 'r', getRemainingTimeInMillis: () => 10000 })
        .then(() => process.stdout.write('\\n' + stack), (e) => { console.error(e); process.exit(1); });`;
    const stdout = execFileSync(process.execPath, ['-e', script], { env: ingestBundleEnv, encoding: 'utf8', timeout: 15_000 });
    // Metric lines (EMF) come first on stdout.
    const stack = stdout.slice(stdout.indexOf('Error: probe'));
    expect(stack).toMatch(/^Error: probe\n/);
    // The path is the source's as the bundler saw it from its output folder (here a temporary one).
    expect(stack).toMatch(/at toWebhookRequest \((\S*\/)?lambdas\/ingest\/api-gateway\.ts:\d+:\d+\)/);
  });

  test('the bundle loads in Node and answers through the shared handler (cold start smoke test)', () => {
    const bundle = ingestBundle();
    // A GET needs no AWS call: the handler answers 405 before looking at the token.
    const script = `
      const { handler } = require(${JSON.stringify(bundle)});
      const event = { version: '2.0', routeKey: 'ANY /v1/hooks', rawPath: '/v1/hooks', rawQueryString: '', headers: {},
        requestContext: { http: { method: 'GET', path: '/v1/hooks', sourceIp: '192.0.2.1' }, requestId: 'r', timeEpoch: Date.now() },
        isBase64Encoded: false };
      handler(event, { awsRequestId: 'r', getRemainingTimeInMillis: () => 10000 })
        .then((r) => process.stdout.write(JSON.stringify(r)), (e) => { console.error(e); process.exit(1); });`;
    const stdout = execFileSync(process.execPath, ['-e', script], { env: ingestBundleEnv, encoding: 'utf8', timeout: 15_000 });
    const response = JSON.parse(stdout.slice(stdout.indexOf('{"statusCode"')));
    expect(response).toMatchObject({ statusCode: 405, headers: { allow: 'POST' } });
    // The metrics, as CloudWatch reads them from the log: the cold start and the refusal with its reason.
    const emf = stdout.split('\n').filter((line) => line.startsWith('{"_aws"')).map((line) => JSON.parse(line));
    const declared = (line: { _aws: { CloudWatchMetrics: { Namespace: string; Metrics: { Name: string }[] }[] } }) => line._aws.CloudWatchMetrics.flatMap((m) => m.Metrics.map((metric) => `${m.Namespace}/${metric.Name}`));
    expect(emf.flatMap(declared)).toEqual(expect.arrayContaining(['Hooklake/ColdStart', 'Hooklake/Refused']));
    expect(emf.find((line) => declared(line).includes('Hooklake/Refused'))).toMatchObject({ Reason: 'MethodNotAllowedError', Refused: 1, service: 'hooklake-test' });
  });

  test('logs to its own log group with a retention', () => {
    template.hasResourceProperties('AWS::Lambda::Function', { LoggingConfig: { LogGroup: { Ref: id.fnLogGroup } } });
    const group = resourcesOf('AWS::Logs::LogGroup')[id.fnLogGroup];
    expect(group.Properties?.RetentionInDays).toEqual(expect.any(Number));
  });

  test('role has no managed policies; it may write only to its own log group', () => {
    const role = resourcesOf('AWS::IAM::Role')[id.fnRole];
    expect(role.Properties?.ManagedPolicyArns).toBeUndefined();
    expect(statementsOfRole(id.fnRole)).toContainEqual({
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: getAtt(id.fnLogGroup),
    });
  });

  test('reads the token table, and may write only column-registry, event-type-registry and loading-counter items to it', () => {
    const dynamo = statementsOfRole(id.fnRole).filter((s) => asArray(s.Action).some((a) => a.startsWith('dynamodb:')));
    expect(dynamo).toEqual([
      { Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: getAtt(id.table) },
      { Effect: 'Allow', Action: 'dynamodb:Query', Resource: getAtt(id.table) },
      {
        Effect: 'Allow',
        Action: 'dynamodb:PutItem',
        Resource: getAtt(id.table),
        Condition: { 'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['pk', 'sk', 'name', 'type', 'firstSeenAt'] } },
      },
      {
        Effect: 'Allow',
        Action: 'dynamodb:UpdateItem',
        Resource: getAtt(id.table),
        Condition: { 'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['pk', 'sk', 'names', 'firstRefusedAt', 'eventType', 'firstSeenAt', 'columns'] } },
      },
      {
        Effect: 'Allow',
        Action: 'dynamodb:UpdateItem',
        Resource: getAtt(id.table),
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:Attributes': ['pk', 'sk', 'accepted', 'records', 'rejected', 'lastEventAt', 'expiresAt', 'refused_*', 'failed_*', 'used_*'] } },
      },
    ]);
  });

  test('loading counters expire through the token table TTL, and no counter item matches the catalog stream filter', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', { TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true } });
    const mapping = Object.values(resourcesOf('AWS::Lambda::EventSourceMapping'))[0];
    const patterns = (mapping.Properties?.FilterCriteria.Filters as { Pattern: string }[]).map((filter) => JSON.parse(filter.Pattern).dynamodb.Keys.sk.S[0]);
    const matches = (sk: string) => patterns.some((pattern: string | { prefix: string }) => (typeof pattern === 'string' ? sk === pattern : sk.startsWith(pattern.prefix)));
    expect(matches('STATS#2026-11-23')).toBe(false);
    expect(matches('COLUMN#id')).toBe(true);
  });

  test('puts records into the delivery stream only', () => {
    const firehose = statementsOfRole(id.fnRole).filter((s) => asArray(s.Action).some((a) => a.startsWith('firehose:')));
    expect(firehose).toEqual([
      { Effect: 'Allow', Action: ['firehose:PutRecord', 'firehose:PutRecordBatch'], Resource: getAtt(id.stream) },
    ]);
  });
});

describe('IAM across the stack', () => {
  test('no statement has a "*" resource except X-Ray and dynamodb:ListStreams, which have no resource-level permissions', () => {
    const starStatements = Object.values(resourcesOf('AWS::IAM::Policy'))
      .flatMap((p) => p.Properties?.PolicyDocument.Statement as Statement[])
      .filter((s) => asArray(s.Resource).includes('*'));
    expect(starStatements.length).toBeGreaterThan(0);
    for (const s of starStatements) {
      expect(asArray(s.Action).every((a) => a.startsWith('xray:') || a === 'dynamodb:ListStreams')).toBe(true);
    }
  });

  test('Firehose may read and write only lake/*, errors/* and the raw archive of the lake bucket, never delete', () => {
    const statements = statementsOfRole(id.deliveryRole);
    const s3Resources = statements
      .filter((s) => asArray(s.Action).some((a) => a.startsWith('s3:')))
      .flatMap((s) => asArray(s.Resource));
    const prefixArn = (prefix: string) => ({ 'Fn::Join': ['', [getAtt(id.lakeBucket), `/${prefix}`]] });
    expect(s3Resources.length).toBeGreaterThan(0);
    for (const r of s3Resources) {
      expect([getAtt(id.lakeBucket), prefixArn('lake/*'), prefixArn('errors/*'), prefixArn('raw/*'), prefixArn('raw-errors/*')]).toContainEqual(r);
    }
    const actions = statements.flatMap((s) => asArray(s.Action));
    expect(actions).toEqual(expect.arrayContaining(['s3:PutObject', 's3:Abort*', 's3:GetObject*', 's3:List*', 's3:GetBucket*']));
    expect(actions.filter((a) => a.startsWith('s3:Delete'))).toEqual([]);
  });
});

describe('TokenTable', () => {
  test('has the shared key schema, on-demand billing, PITR and SSE', () => {
    const { partitionKey, sortKey } = TOKEN_TABLE_KEYS;
    expect([partitionKey.name, sortKey.name]).toEqual(['pk', 'sk']);
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: partitionKey.name, KeyType: 'HASH' },
        { AttributeName: sortKey.name, KeyType: 'RANGE' },
      ],
      AttributeDefinitions: Match.arrayWith([
        { AttributeName: partitionKey.name, AttributeType: partitionKey.type },
        { AttributeName: sortKey.name, AttributeType: sortKey.type },
      ]),
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    });
  });

  test('is retained when the stack is deleted, by default', () => {
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });
});

describe('EventLake', () => {
  test('every bucket blocks public access, is encrypted and denies non-TLS requests', () => {
    const buckets = resourcesOf('AWS::S3::Bucket');
    expect(Object.keys(buckets).sort()).toEqual([id.accessLogsBucket, id.lakeBucket, id.resultsBucket].sort());
    for (const bucket of Object.values(buckets)) {
      expect(bucket.Properties?.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(bucket.Properties?.BucketEncryption).toEqual({
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      });
    }
    for (const bucketId of Object.keys(buckets)) {
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: bucketId },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Principal: { AWS: '*' },
              Action: 's3:*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    }
  });

  test('lake bucket logs server access and aborts stale uploads; nothing expires lake/ or errors/ by default, the raw archive after 30 days', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: { DestinationBucketName: { Ref: id.accessLogsBucket }, LogFilePrefix: 'lake-bucket/' },
      LifecycleConfiguration: {
        Rules: [
          Match.objectLike({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 }, Status: 'Enabled' }),
          Match.objectLike({ Prefix: 'raw/', ExpirationInDays: 30, Status: 'Enabled' }),
        ],
      },
    });
    template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain' });
  });

  test('the raw archive rides in the lake stream: the routing root names raw/, Firehose may write there, and 0 days turns it off', () => {
    const deliveryWrites = statementsOfRole(id.deliveryRole).filter((s) => asArray(s.Action).includes('s3:PutObject'));
    expect(JSON.stringify(deliveryWrites)).toContain('/raw/*');
    const unbundled = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const none = Template.fromStack(new HooklakeStack(unbundled, 'NoArchive', { rawArchiveDays: 0 }));
    none.resourceCountIs('AWS::KinesisFirehose::DeliveryStream', 1);
    none.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ [INGEST_ENV.rawArchive]: 'off' }) } });
    const rules = Object.values(none.findResources('AWS::S3::Bucket')).flatMap((bucket) => (bucket.Properties?.LifecycleConfiguration?.Rules ?? []) as { Prefix?: string }[]);
    expect(rules.some((rule) => rule.Prefix === 'raw/')).toBe(false);
    expect(() => new HooklakeStack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'BadArchive', { rawArchiveDays: 1.5 })).toThrow(/rawArchiveDays/);
  });

  test('delivery stream splits packed records at newlines, then partitions each row on schema/table/dt from its routing field', () => {
    template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      DeliveryStreamType: 'DirectPut',
      ExtendedS3DestinationConfiguration: Match.objectLike({
        BucketARN: getAtt(id.lakeBucket),
        RoleARN: getAtt(id.deliveryRole),
        DynamicPartitioningConfiguration: { Enabled: true },
        Prefix: '!{partitionKeyFromQuery:root}/!{partitionKeyFromQuery:schema}/!{partitionKeyFromQuery:table}/dt=!{partitionKeyFromQuery:dt}/',
        ErrorOutputPrefix: 'errors/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/',
        ProcessingConfiguration: {
          Enabled: true,
          Processors: [
            {
              Type: 'RecordDeAggregation',
              Parameters: [
                { ParameterName: 'SubRecordType', ParameterValue: 'DELIMITED' },
                { ParameterName: 'Delimiter', ParameterValue: Buffer.from(ROW_DELIMITER).toString('base64') },
              ],
            },
            {
              Type: 'MetadataExtraction',
              Parameters: [
                { ParameterName: 'MetadataExtractionQuery', ParameterValue: PARTITION_KEY_QUERY },
                { ParameterName: 'JsonParsingEngine', ParameterValue: 'JQ-1.6' },
              ],
            },
            { Type: 'AppendDelimiterToRecord', Parameters: [] },
          ],
        },
      }),
    });
    expect(PARTITION_KEY_QUERY).toBe(
      '{root: (._sdc_partition.root // "lake"), schema: ._sdc_partition.schema, table: ._sdc_partition.table, dt: ._sdc_partition.dt}',
    );
    expect(Buffer.from(ROW_DELIMITER).toString('base64')).toBe('Cg==');
  });

  test('writes gzip NDJSON files named .json.gz, buffering 60 s and 64 MiB', () => {
    template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      ExtendedS3DestinationConfiguration: Match.objectLike({
        CompressionFormat: 'GZIP',
        FileExtension: '.json.gz',
        BufferingHints: { IntervalInSeconds: 60, SizeInMBs: 64 },
      }),
    });
  });

  test('is encrypted at rest and logs delivery errors to a log group with retention', () => {
    const stream = resourcesOf('AWS::KinesisFirehose::DeliveryStream')[id.stream];
    expect(stream.Properties?.DeliveryStreamEncryptionConfigurationInput).toEqual({ KeyType: 'AWS_OWNED_CMK' });
    const logging = stream.Properties?.ExtendedS3DestinationConfiguration.CloudWatchLoggingOptions;
    expect(logging.Enabled).toBe(true);
    const group = resourcesOf('AWS::Logs::LogGroup')[logging.LogGroupName.Ref];
    expect(group.Properties?.RetentionInDays).toEqual(expect.any(Number));
  });

  test('only Firehose of this account may assume the delivery role', () => {
    const role = resourcesOf('AWS::IAM::Role')[id.deliveryRole];
    expect(role.Properties?.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Principal: { Service: 'firehose.amazonaws.com' },
        Condition: { StringEquals: { 'sts:ExternalId': { Ref: 'AWS::AccountId' } } },
      },
    ]);
  });

  test('is created after the policy that lets Firehose reach the bucket', () => {
    const stream = resourcesOf('AWS::KinesisFirehose::DeliveryStream')[id.stream];
    const policy = stack.lake.deliveryRole.node.findChild('DefaultPolicy').node.defaultChild;
    const policyId = stack.getLogicalId(policy as never);
    expect(statementsOfRole(id.deliveryRole).length).toBeGreaterThan(0);
    expect(stream.DependsOn).toEqual(expect.arrayContaining([policyId]));
  });
});

describe('WebhookApi', () => {
  test('routes POST /v1/hooks/{token} and POST /v1/hooks to the function, payload format 2.0', () => {
    const integrations = resourcesOf('AWS::ApiGatewayV2::Integration');
    expect(Object.keys(integrations)).toHaveLength(1);
    const [integrationId, integration] = Object.entries(integrations)[0];
    expect(integration.Properties).toMatchObject({
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
      IntegrationUri: getAtt(id.fn),
    });
    for (const routeKey of ['POST /v1/hooks/{token}', 'POST /v1/hooks']) {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        ApiId: { Ref: id.api },
        RouteKey: routeKey,
        Target: { 'Fn::Join': ['', ['integrations/', { Ref: integrationId }]] },
      });
    }
  });

  test('other methods reach the function too, so it can answer 405 with Allow: POST', () => {
    const keys = Object.values(resourcesOf('AWS::ApiGatewayV2::Route')).map((r) => r.Properties?.RouteKey);
    expect(keys.sort()).toEqual(['ANY /v1/hooks', 'ANY /v1/hooks/{token}', 'POST /v1/hooks', 'POST /v1/hooks/{token}']);
  });

  test('the $default stage is auto-deployed and throttled', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      ApiId: { Ref: id.api },
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingBurstLimit: 1000, ThrottlingRateLimit: 500 },
    });
  });

  test('access logs go to a log group with retention', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      AccessLogSettings: { DestinationArn: getAtt(id.accessLogGroup) },
    });
    const group = resourcesOf('AWS::Logs::LogGroup')[id.accessLogGroup];
    expect(group.Properties?.RetentionInDays).toEqual(expect.any(Number));
  });

  test('access log format logs the route key, status, request id, ip, latency and integration error', () => {
    const stage = Object.values(resourcesOf('AWS::ApiGatewayV2::Stage'))[0];
    const format = JSON.parse(stage.Properties?.AccessLogSettings.Format) as Record<string, string>;
    expect(Object.values(format)).toEqual(
      expect.arrayContaining([
        '$context.routeKey',
        '$context.status',
        '$context.requestId',
        '$context.identity.sourceIp',
        '$context.responseLatency',
        '$context.integrationErrorMessage',
      ]),
    );
  });

  test('access log format never contains the path, path parameters or headers (the token)', () => {
    const stages = Object.values(resourcesOf('AWS::ApiGatewayV2::Stage'));
    expect(stages).toHaveLength(1);
    const format = String(stages[0].Properties?.AccessLogSettings.Format);
    expect(format).not.toContain('$context.path');
    expect(format).not.toMatch(/requestPath|resourcePath|\$request\.|\$input\.|authoriz|header|token/i);
  });

  test('Lambda permissions are scoped to the API routes (and the silence check to its schedule)', () => {
    const all = Object.values(resourcesOf('AWS::Lambda::Permission'));
    const permissions = all.filter((p) => p.Properties?.Principal !== 'events.amazonaws.com');
    expect(all).toHaveLength(5);
    expect(permissions).toHaveLength(4);
    for (const p of permissions) {
      expect(p.Properties).toMatchObject({ Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com' });
      expect(JSON.stringify(p.Properties?.SourceArn)).toContain('/v1/hooks');
    }
  });
});

describe('QueryWorkGroup', () => {
  test('Athena workgroup enforces its configuration, a scan cutoff and encrypted results in its own bucket', () => {
    template.hasResourceProperties('AWS::Athena::WorkGroup', {
      Name: `${stack.stackName}-lake`,
      WorkGroupConfiguration: Match.objectLike({
        EnforceWorkGroupConfiguration: true,
        BytesScannedCutoffPerQuery: 10 * 1024 ** 3,
        ResultConfiguration: {
          OutputLocation: { 'Fn::Join': ['', ['s3://', { Ref: id.resultsBucket }, '/results/']] },
          EncryptionConfiguration: { EncryptionOption: 'SSE_S3' },
        },
      }),
    });
  });

  test('query results expire and the results bucket is access-logged', () => {
    const bucket = resourcesOf('AWS::S3::Bucket')[id.resultsBucket];
    expect(bucket.Properties?.LifecycleConfiguration.Rules).toContainEqual(
      expect.objectContaining({ ExpirationInDays: 7, Status: 'Enabled' }),
    );
    expect(bucket.Properties?.LoggingConfiguration.DestinationBucketName).toEqual({ Ref: id.accessLogsBucket });
  });
});

describe('DeliveryErrorCatalog', () => {
  const glueTable = (name: string) =>
    Object.values(resourcesOf('AWS::Glue::Table')).find((t) => t.Properties?.TableInput.Name === name)?.Properties as Record<string, any>;
  const lakeUrl = (suffix: string) => ({ 'Fn::Join': ['', ['s3://', { Ref: id.lakeBucket }, `/${suffix}`]] });

  test('a Glue database "hooklake" holds the error output table and view', () => {
    template.hasResourceProperties('AWS::Glue::Database', { DatabaseInput: Match.objectLike({ Name: 'hooklake' }) });
    expect(glueTable('delivery_errors').DatabaseName).toBe('hooklake');
    expect(glueTable('delivery_error_rows').DatabaseName).toBe('hooklake');
  });

  test('delivery_errors reads errors/<type>/dt=<day>/ as JSON, partitions projected, none registered', () => {
    const input = glueTable('delivery_errors').TableInput;
    expect(input.TableType).toBe('EXTERNAL_TABLE');
    expect(input.PartitionKeys.map((k: { Name: string }) => k.Name)).toEqual(['error_type', 'dt']);
    expect(input.Parameters).toMatchObject({
      'projection.enabled': 'true',
      'projection.error_type.type': 'enum',
      'projection.error_type.values': 'partitioning-failed,processing-failed',
      'projection.dt.type': 'date',
      'projection.dt.range': '2026-01-01,NOW',
      'storage.location.template': lakeUrl('errors/${error_type}/dt=${dt}/'),
    });
    expect(input.StorageDescriptor.Location).toEqual(lakeUrl('errors/'));
    expect(input.StorageDescriptor.SerdeInfo.SerializationLibrary).toBe('org.apache.hive.hcatalog.data.JsonSerDe');
    expect(input.StorageDescriptor.Columns.map((c: { Name: string }) => c.Name)).toEqual(
      ['attemptsmade', 'arrivaltimestamp', 'errorcode', 'errormessage', 'attemptendingtimestamp', 'rawdata'],
    );
  });

  test('delivery_error_rows is an Athena view that splits each record into rows with their schema, table and day', () => {
    const input = glueTable('delivery_error_rows').TableInput;
    expect(input.TableType).toBe('VIRTUAL_VIEW');
    const encoded = /^\/\* Presto View: ([A-Za-z0-9+/=]+) \*\/$/.exec(input.ViewOriginalText)?.[1] ?? '';
    const view = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
    expect(view).toMatchObject({ catalog: 'awsdatacatalog', schema: 'hooklake' });
    expect(view.originalSql).toContain('FROM "hooklake"."delivery_errors" e CROSS JOIN UNNEST(split(from_utf8(from_base64(e.rawdata)), chr(10)))');
    expect(view.originalSql).toContain("json_extract_scalar(r.row_text, '$._sdc_partition.schema') AS schema_name");
    // Athena finds a view stale when its Glue columns and its definition's disagree.
    expect(view.columns.map((c: { name: string }) => c.name)).toEqual(input.StorageDescriptor.Columns.map((c: { Name: string }) => c.Name));
    expect(view.columns.map((c: { name: string }) => c.name)).toEqual(
      ['schema_name', 'table_name', 'row_day', 'error_code', 'error_message', 'arrival_timestamp', 'row_text', 'error_type', 'error_day'],
    );
  });

  test('only Firehose\'s role may touch errors/: no function gets it', () => {
    const roles = Object.keys(resourcesOf('AWS::IAM::Role')).filter((roleId) => roleId !== id.deliveryRole);
    for (const roleId of roles) {
      expect(JSON.stringify(statementsOfRole(roleId))).not.toContain('/errors/');
    }
  });
});

describe('stack outputs', () => {
  test('publish what the CLI needs under stable ids, without exports', () => {
    const outputs = template.findOutputs('*');
    expect(Object.keys(outputs).sort()).toEqual(Object.values(STACK_OUTPUTS).sort());
    for (const output of Object.values(outputs)) expect(output.Export).toBeUndefined();
    template.hasOutput(STACK_OUTPUTS.webhookBaseUrl, { Value: getAtt(id.api, 'ApiEndpoint') });
    template.hasOutput(STACK_OUTPUTS.lakeBucketName, { Value: { Ref: id.lakeBucket } });
    template.hasOutput(STACK_OUTPUTS.lakePrefix, { Value: 'lake/' });
    template.hasOutput(STACK_OUTPUTS.athenaWorkGroup, { Value: { Ref: id.workGroup } });
    template.hasOutput(STACK_OUTPUTS.tokenTableName, { Value: { Ref: id.table } });
    template.hasOutput(STACK_OUTPUTS.deliveryStreamName, { Value: { Ref: id.stream } });
  });

  test('the stack is environment-agnostic (synth needs no account or region)', () => {
    expect(stack.environment).toBe('aws://unknown-account/unknown-region');
  });
});

describe('CatalogUpdater', () => {
  const catalogId = () => stack.getLogicalId(stack.catalog.fn.function.node.defaultChild as never);
  const catalogRoleId = () => stack.getLogicalId(stack.catalog.fn.role.node.defaultChild as never);

  test('the token table streams keys, so the catalog learns which integration changed', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', { StreamSpecification: { StreamViewType: 'KEYS_ONLY' } });
  });

  test('is invoked by the stream for new column and integration items and new or grown event-type items only, retried and bisected on failure', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: catalogId() },
      EventSourceArn: getAtt(id.table, 'StreamArn'),
      StartingPosition: 'TRIM_HORIZON',
      MaximumBatchingWindowInSeconds: 5,
      MaximumRetryAttempts: 10,
      BisectBatchOnFunctionError: true,
      FilterCriteria: {
        Filters: [
          { Pattern: JSON.stringify({ eventName: ['INSERT'], dynamodb: { Keys: { sk: { S: [{ prefix: 'COLUMN#' }] } } } }) },
          { Pattern: JSON.stringify({ eventName: ['INSERT'], dynamodb: { Keys: { sk: { S: ['META'] } } } }) },
          { Pattern: JSON.stringify({ eventName: ['INSERT', 'MODIFY'], dynamodb: { Keys: { sk: { S: [{ prefix: 'EVENT#' }] } } } }) },
          { Pattern: JSON.stringify({ eventName: ['INSERT'], dynamodb: { Keys: { sk: { S: [{ prefix: 'TABLE_VERSION#' }] } } } }) },
        ],
      },
    });
  });

  test('gets the table, lake and workgroup it needs from its environment', () => {
    const env = resourcesOf('AWS::Lambda::Function')[catalogId()].Properties?.Environment.Variables as Record<string, unknown>;
    expect(env).toMatchObject({
      TOKEN_TABLE_NAME: { Ref: id.table },
      LAKE_BUCKET_NAME: { Ref: id.lakeBucket },
      LAKE_PREFIX: 'lake/',
      ATHENA_WORKGROUP: { Ref: id.workGroup },
    });
  });

  test('may read the registry, change Glue table definitions (never delete), and query in the workgroup only', () => {
    const statements = statementsOfRole(catalogRoleId());
    const actions = statements.flatMap((s) => asArray(s.Action));
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query', 'glue:GetTables', 'glue:UpdateTable', 'glue:CreateTable', 'athena:StartQueryExecution']));
    expect(actions.some((a) => /Delete/.test(a) && a.startsWith('glue:'))).toBe(false);
    expect(actions.some((a) => a.startsWith('dynamodb:') && /Put|Update|Delete/.test(a))).toBe(false);
    const athena = statements.find((s) => asArray(s.Action).includes('athena:StartQueryExecution'));
    expect(JSON.stringify(athena?.Resource)).toContain(':workgroup/');
  });

  test('the bundle loads in Node and ignores a batch with no registry change (cold start smoke test)', () => {
    const s3Key = String(resourcesOf('AWS::Lambda::Function')[catalogId()].Properties?.Code.S3Key);
    const bundle = path.join(outdir, `asset.${s3Key.replace(/\.zip$/, '')}`, 'index.js');
    const script = `
      const { handler } = require(${JSON.stringify(bundle)});
      handler({ Records: [{ eventName: 'INSERT', dynamodb: { Keys: { pk: { S: 'TOKEN#abc' }, sk: { S: 'TOKEN' } } } }] })
        .then((r) => process.stdout.write('done:' + String(r)), (e) => { console.error(e); process.exit(1); });`;
    const stdout = execFileSync(process.execPath, ['-e', script], {
      env: {
        PATH: process.env.PATH,
        AWS_REGION: 'us-east-1',
        TOKEN_TABLE_NAME: 'tokens',
        LAKE_BUCKET_NAME: 'lake',
        LAKE_PREFIX: 'lake/',
        ATHENA_WORKGROUP: 'wg',
        POWERTOOLS_LOG_LEVEL: 'CRITICAL',
  POWERTOOLS_METRICS_NAMESPACE: 'Hooklake',
  POWERTOOLS_SERVICE_NAME: 'hooklake-test',
  AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
      encoding: 'utf8',
      timeout: 15_000,
    });
    expect(stdout).toContain('done:undefined');
  });

  test('a failure thrown from the bundle has a stack in the TypeScript sources', () => {
    const s3Key = String(resourcesOf('AWS::Lambda::Function')[catalogId()].Properties?.Code.S3Key);
    const bundle = path.join(outdir, `asset.${s3Key.replace(/\.zip$/, '')}`, 'index.js');
    const script = `
      require(${JSON.stringify(bundle)}).handler({ Records: null })
        .then(() => process.exit(1), (e) => process.stdout.write(e.stack));`;
    const stdout = execFileSync(process.execPath, ['-e', script], {
      env: { PATH: process.env.PATH, AWS_REGION: 'us-east-1', TOKEN_TABLE_NAME: 'tokens', LAKE_BUCKET_NAME: 'lake', LAKE_PREFIX: 'lake/', ATHENA_WORKGROUP: 'wg', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      encoding: 'utf8',
      timeout: 15_000,
    });
    expect(stdout).toMatch(/^TypeError: /);
    expect(stdout).toMatch(/at changedSchemas \((\S*\/)?lambdas\/catalog\/registry-events\.ts:\d+:\d+\)/);
  });
});

describe('OperationalAlarms', () => {
  type AlarmProps = { MetricName?: string; Namespace?: string; Threshold: number; ComparisonOperator: string; EvaluationPeriods: number; Metrics?: { Expression?: string }[]; AlarmActions?: unknown[]; OKActions?: unknown[]; TreatMissingData: string; AlarmDescription: string };
  const alarms = (t: Template = template) => Object.values(t.findResources('AWS::CloudWatch::Alarm')).map((alarm) => alarm.Properties as AlarmProps);
  const byMetric = (name: string, t?: Template) => alarms(t).find((alarm) => alarm.MetricName === name);

  test('watch delivery, partitions, throttling, the catalog and the 5xx share, none firing on missing data', () => {
    expect(byMetric('DeliveryToS3.Success')).toMatchObject({ Namespace: 'AWS/Firehose', Threshold: 1, ComparisonOperator: 'LessThanThreshold' });
    expect(byMetric('PartitionCount')).toMatchObject({ Threshold: 400, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    expect(byMetric('PartitionCountExceeded')).toMatchObject({ Threshold: 1 });
    expect(byMetric('ThrottledRecords')).toMatchObject({ Namespace: 'AWS/Firehose', Threshold: 0 });
    expect(byMetric('Throttles')).toMatchObject({ Namespace: 'AWS/Lambda', Threshold: 0 });
    expect(byMetric('IteratorAge')).toMatchObject({ Namespace: 'AWS/Lambda', Threshold: 15 * 60 * 1000 });
    expect(byMetric('Errors')).toMatchObject({ Namespace: 'AWS/Lambda', EvaluationPeriods: 3 });
    const fiveHundreds = alarms().find((alarm) => alarm.Metrics?.some((m) => m.Expression?.includes('100 * errors / requests')));
    expect(fiveHundreds).toMatchObject({ Threshold: 1, EvaluationPeriods: 2 });
    expect(alarms().some((alarm) => alarm.Metrics?.some((m) => JSON.stringify(m).includes('ThrottledRequests')))).toBe(true);
    for (const alarm of alarms()) {
      expect(alarm.TreatMissingData).toBe('notBreaching');
      expect(alarm.AlarmDescription.length).toBeGreaterThan(40);
      expect(alarm.AlarmActions).toBeUndefined();
    }
  });

  test('notify the alarm topic (alarm and OK) and follow the partition quota, given as props', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const topicStack = new Stack(app, 'Topics');
    const topic = new sns.Topic(topicStack, 'Ops');
    const stack = new HooklakeStack(app, 'Alarmed', { alarmTopic: topic, activePartitionQuota: 2000 });
    const t = Template.fromStack(stack);
    expect(byMetric('PartitionCount', t)?.Threshold).toBe(1600);
    for (const alarm of alarms(t)) {
      expect(alarm.AlarmActions).toHaveLength(1);
      expect(alarm.OKActions).toEqual(alarm.AlarmActions);
    }
    expect(() => new HooklakeStack(app, 'NoQuota', { activePartitionQuota: 0 })).toThrow(/activePartitionQuota must be a positive whole number/);
  });
});

describe('SilenceCheck', () => {
  const fnId = () => stack.getLogicalId(stack.silenceCheck.fn.function.node.defaultChild as never);
  const roleId = () => stack.getLogicalId(stack.silenceCheck.fn.role.node.defaultChild as never);

  test('runs every 15 minutes and may only read the token table', () => {
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(15 minutes)', Targets: [{ Arn: getAtt(fnId()) }] });
    const actions = statementsOfRole(roleId()).flatMap((s) => asArray(s.Action)).filter((a) => a.startsWith('dynamodb:'));
    expect(actions.sort()).toEqual(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan']);
  });

  test('the SilentIntegrations alarm watches the metric the check publishes', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'SilentIntegrations',
      Namespace: 'Hooklake',
      Statistic: 'Maximum',
      Period: 900,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
  });
});
