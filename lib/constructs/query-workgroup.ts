import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/** Athena's smallest allowed per-query cutoff. */
const MIN_BYTES_SCANNED_CUTOFF = 10 * 1024 * 1024;

/** Properties of a {@link QueryWorkGroup}. */
export interface QueryWorkGroupProps {
  /**
   * Bucket that receives the S3 server access logs of the query-results bucket.
   * @default - the results bucket is not access-logged
   */
  readonly serverAccessLogsBucket?: s3.IBucket;

  /**
   * Name of the Athena workgroup.
   * @default - `<stack name>-lake`
   */
  readonly workGroupName?: string;

  /**
   * Queries that would scan more than this many bytes are cancelled (Athena bills per byte
   * scanned). Athena's minimum is 10 MiB.
   * @default 10 GiB
   */
  readonly bytesScannedCutoffPerQuery?: number;

  /**
   * Query results are deleted this long after they were written.
   * @default Duration.days(7)
   */
  readonly resultsExpiration?: Duration;

  /**
   * What happens to the results bucket when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Where lake queries run: an Athena workgroup (engine v3) with its own encrypted results bucket,
 * enforced configuration so clients cannot redirect or unencrypt results, and a bytes-scanned cutoff.
 *
 * The Glue databases and tables the queries read (`<schema>.data`, `<schema>._sdc_rejected`, date
 * partition projection on `dt`) are not made here: the CLI makes them with the user's credentials
 * when an integration is created, from the lake bucket and prefix the stack publishes.
 */
export class QueryWorkGroup extends Construct {
  /** Holds Athena query results; nothing else writes here. */
  readonly resultsBucket: s3.Bucket;
  /** The Athena workgroup; L1 because aws-cdk-lib has no Athena L2. */
  readonly workGroup: athena.CfnWorkGroup;

  constructor(scope: Construct, id: string, props: QueryWorkGroupProps = {}) {
    super(scope, id);
    const cutoff = props.bytesScannedCutoffPerQuery ?? 10 * 1024 ** 3;
    if (!Number.isSafeInteger(cutoff) || cutoff < MIN_BYTES_SCANNED_CUTOFF) {
      throw new Error(`${this.node.path}: bytesScannedCutoffPerQuery must be a whole number >= ${MIN_BYTES_SCANNED_CUTOFF}.`);
    }

    this.resultsBucket = new s3.Bucket(this, 'ResultsBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: props.serverAccessLogsBucket,
      serverAccessLogsPrefix: props.serverAccessLogsBucket ? 'athena-results-bucket/' : undefined,
      lifecycleRules: [
        { id: 'expire-query-results', expiration: props.resultsExpiration ?? Duration.days(7) },
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });

    this.workGroup = new athena.CfnWorkGroup(this, 'WorkGroup', {
      name: props.workGroupName ?? `${Stack.of(this).stackName}-lake`,
      description: 'Hooklake: queries over the webhook lake',
      state: 'ENABLED',
      // Lets `cdk destroy` remove the workgroup even when it holds saved queries.
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        bytesScannedCutoffPerQuery: cutoff,
        publishCloudWatchMetricsEnabled: true,
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        resultConfiguration: {
          outputLocation: `s3://${this.resultsBucket.bucketName}/results/`,
          encryptionConfiguration: { encryptionOption: 'SSE_S3' },
        },
      },
    });
  }

  /** The workgroup name, as queries and the CLI refer to it. */
  get workGroupName(): string {
    return this.workGroup.ref;
  }

  /** Lets `grantee` run queries in this workgroup only, and write and read their results. */
  grantQueries(grantee: iam.IGrantable): iam.Grant {
    const workGroupArn = Stack.of(this).formatArn({ service: 'athena', resource: 'workgroup', resourceName: this.workGroupName });
    const run = iam.Grant.addToPrincipal({
      grantee,
      actions: ['athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:GetQueryResults', 'athena:StopQueryExecution'],
      resourceArns: [workGroupArn],
    });
    // Named actions, not grantReadWrite's wildcards: Athena writes results and the caller reads them back.
    const bucket = iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:GetBucketLocation', 's3:ListBucket'],
      resourceArns: [this.resultsBucket.bucketArn],
    });
    const objects = iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'],
      resourceArns: [this.resultsBucket.arnForObjects('*')],
    });
    return run.combine(bucket).combine(objects);
  }
}
