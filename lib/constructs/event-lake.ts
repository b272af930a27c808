import { Duration, RemovalPolicy, Size, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ERROR_ROOT, LAKE_FILE_SUFFIX, LAKE_PREFIX, PARTITION_COLUMN, PARTITION_KEY_QUERY, partitionPath, type PartitionKeys } from '../../lambdas/core/lake-layout';
import { ROW_DELIMITER } from '../../lambdas/core/record-packing';
import { DEFAULT_RAW_ARCHIVE_DAYS, RAW_PREFIX } from '../../lambdas/core/raw-archive';
import { logicalIdOf } from './logical-id';

/** Partition keys the JQ query extracts, in prefix order; checked against `PartitionKeys`. */
const PARTITION_KEYS = ['root', 'schema', 'table', 'dt'] as const satisfies readonly (keyof PartitionKeys)[];

const fromQuery = (key: (typeof PARTITION_KEYS)[number]): string => `!{partitionKeyFromQuery:${key}}`;

/**
 * Firehose prefix that writes the lake layout, `lake/<schema>/<table>/dt=YYYY-MM-DD/`, and in the same
 * stream the raw archive's, `raw/<schema>/requests/dt=YYYY-MM-DD/`: the routing field's root says which.
 */
export const LAKE_OUTPUT_PREFIX = partitionPath(fromQuery('schema'), fromQuery('table'), fromQuery('dt'), `${fromQuery('root')}/`);

/** Firehose error prefix: by error type and delivery day, outside `lake/` so no table reads it. */
export const ERROR_OUTPUT_PREFIX = `${ERROR_ROOT}!{firehose:error-output-type}/${PARTITION_COLUMN}=!{timestamp:yyyy-MM-dd}/`;

/** Properties of an {@link EventLake}. */
export interface EventLakeProps {
  /**
   * How long Firehose buffers before writing a file per partition. Dynamic partitioning
   * needs at least 60 s; longer means fewer, larger files and later rows.
   * @default Duration.seconds(60)
   */
  readonly bufferingInterval?: Duration;

  /**
   * Buffer size per partition; dynamic partitioning needs 64 to 128 MiB.
   * @default Size.mebibytes(64)
   */
  readonly bufferingSize?: Size;

  /**
   * Expire lake objects (`lake/`) this long after they were written.
   * @default - lake objects never expire
   */
  readonly dataExpiration?: Duration;

  /**
   * Expire Firehose error output (`errors/`) this long after it was written. Those are rows a
   * provider was told were stored: keep them until `hooklake recover` has put them in their tables.
   * @default - error output never expires
   */
  readonly errorOutputExpiration?: Duration;

  /**
   * Expire S3 server access logs of the lake (and of any bucket that logs to `accessLogsBucket`).
   * @default Duration.days(90)
   */
  readonly accessLogExpiration?: Duration;

  /**
   * What happens to the lake and access-log buckets when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Days the raw archive (`raw/`: every accepted request's body and headers, for `hooklake replay`)
   * keeps each request; the lake's stream writes it, in the same records as the rows, and a lifecycle
   * rule expires it. 0: no archive (the ingest function is told, and Firehose may not write `raw/`).
   * @default 30
   */
  readonly rawArchiveDays?: number;

  /**
   * Retention of the log group Firehose writes delivery errors to.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly deliveryLogRetention?: logs.RetentionDays;
}

/**
 * The event lake: an S3 bucket (public access blocked, TLS only, SSE-S3, server access logs
 * to a second bucket, lifecycle from props) and a Firehose `DeliveryStream` (L2) with dynamic
 * partitioning that writes gzip NDJSON files to `lake/<schema>/<table>/dt=YYYY-MM-DD/*.json.gz`.
 *
 * Each Firehose record carries up to 500 rows of one partition, one JSON object per line with no
 * newline after the last (lambdas/core/record-packing.ts). A record-deaggregation processor
 * splits a record at the newlines (DELIMITED: a byte split, so each row reaches S3 with exactly
 * the bytes the sink wrote; JSON deaggregation would parse the rows, and its output bytes are not
 * documented); the metadata-extraction (JQ) processor then reads the partition keys from each
 * row's routing field `_sdc_partition`, and an append-delimiter processor ends every row with a
 * newline. The L2 expresses all of this, so no escape hatch is needed.
 *
 * SSE-S3 rather than KMS: Athena users, Glue and Firehose need no key grants, and there is no
 * per-request KMS charge on a bucket that receives many small objects.
 */
export class EventLake extends Construct {
  /** The lake bucket. */
  readonly bucket: s3.Bucket;
  /** Receives the S3 server access logs of the lake (and of the Athena results bucket). */
  readonly accessLogsBucket: s3.Bucket;
  /** The Firehose stream the ingest function puts records into. */
  readonly deliveryStream: firehose.DeliveryStream;
  /** The role Firehose assumes to write to the bucket and to its log group. */
  readonly deliveryRole: iam.Role;
  /** Where Firehose logs delivery errors. */
  readonly deliveryLogGroup: logs.LogGroup;
  /** Whether the ingest function is to archive each request (`rawArchiveDays` above 0). */
  readonly rawArchive: boolean;
  /** `lake/`: where the per-schema folders start. */
  readonly lakePrefix = LAKE_PREFIX;

  constructor(scope: Construct, id: string, props: EventLakeProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const rawArchiveDays = props.rawArchiveDays ?? DEFAULT_RAW_ARCHIVE_DAYS;
    if (!Number.isInteger(rawArchiveDays) || rawArchiveDays < 0) throw new Error(`${this.node.path}: rawArchiveDays must be a whole number of days (0: no archive), got ${rawArchiveDays}.`);
    this.rawArchive = rawArchiveDays > 0;
    const rawPrefixes = this.rawArchive ? [RAW_PREFIX] : [];
    const bufferingInterval = props.bufferingInterval ?? Duration.seconds(60);
    if (!Token.isUnresolved(bufferingInterval.toSeconds()) && bufferingInterval.toSeconds() < 60) {
      throw new Error(`${this.node.path}: dynamic partitioning needs a buffering interval of at least 60 s.`);
    }

    this.accessLogsBucket = new s3.Bucket(this, 'AccessLogsBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      // S3 server access logging can only deliver to SSE-S3 buckets.
      encryption: s3.BucketEncryption.S3_MANAGED,
      // objectOwnership left to CDK: it grants log delivery by bucket policy (owner enforced)
      // under the `serverAccessLogsUseBucketPolicy` flag in cdk.json, by ACL without it.
      lifecycleRules: [{ id: 'expire-access-logs', expiration: props.accessLogExpiration ?? Duration.days(90) }],
      removalPolicy,
    });
    Validations.of(this.accessLogsBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This bucket is the target of the lake\'s server access logs; logging it into itself or another bucket would recurse.',
    });

    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'lake-bucket/',
      lifecycleRules: [
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
        ...(props.errorOutputExpiration ? [{ id: 'expire-error-output', prefix: ERROR_ROOT, expiration: props.errorOutputExpiration }] : []),
        ...(props.dataExpiration ? [{ id: 'expire-lake-data', prefix: LAKE_PREFIX, expiration: props.dataExpiration }] : []),
        ...rawPrefixes.map((prefix) => ({ id: `expire-${prefix.slice(0, -1)}`, prefix, expiration: Duration.days(rawArchiveDays) })),
      ],
      removalPolicy,
    });

    this.deliveryLogGroup = new logs.LogGroup(this, 'DeliveryLogGroup', {
      retention: props.deliveryLogRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // Firehose's role is granted here, scoped to the two prefixes it writes, instead of by the
    // S3Bucket destination, which would grant read/write/delete on every key (`bucket/*`).
    // The destination gets a view of the role that ignores its grants (`withoutPolicyUpdates`).
    this.deliveryRole = new iam.Role(this, 'DeliveryRole', {
      // Firehose passes the account id as external id; pinning it stops cross-account confused deputies.
      assumedBy: new iam.ServicePrincipal('firehose.amazonaws.com', {
        conditions: { StringEquals: { 'sts:ExternalId': Stack.of(this).account } },
      }),
      description: 'Firehose delivery into the Hooklake lake bucket',
    });
    for (const prefix of [LAKE_PREFIX, ERROR_ROOT, ...rawPrefixes]) {
      this.bucket.grantRead(this.deliveryRole, `${prefix}*`);
      this.bucket.grantPut(this.deliveryRole, `${prefix}*`);
    }
    this.deliveryLogGroup.grantWrite(this.deliveryRole);

    this.deliveryStream = new firehose.DeliveryStream(this, 'DeliveryStream', {
      encryption: firehose.StreamEncryption.awsOwnedKey(),
      destination: new firehose.S3Bucket(this.bucket, {
        role: this.deliveryRole.withoutPolicyUpdates(),
        loggingConfig: new firehose.EnableLogging(this.deliveryLogGroup),
        dynamicPartitioning: { enabled: true },
        processors: [
          // The L2 base64-encodes the delimiter, as the processor parameter requires.
          firehose.RecordDeAggregationProcessor.delimited(ROW_DELIMITER),
          new firehose.MetadataExtractionProcessor(
            { metadataExtractionQuery: PARTITION_KEY_QUERY, jsonParsingEngine: firehose.JsonParsingEngine.JQ_1_6 },
            [...PARTITION_KEYS],
          ),
          // One JSON object per line: the files are NDJSON, as the local lake writes them.
          new firehose.AppendDelimiterToRecordProcessor(),
        ],
        dataOutputPrefix: LAKE_OUTPUT_PREFIX,
        errorOutputPrefix: ERROR_OUTPUT_PREFIX,
        compression: firehose.Compression.GZIP,
        fileExtension: LAKE_FILE_SUFFIX,
        bufferingInterval,
        bufferingSize: props.bufferingSize ?? Size.mebibytes(64),
      }),
    });
    // The grants above are not the destination's own, so order them before the stream by hand:
    // Firehose checks that it can reach the bucket when the stream is created.
    this.deliveryStream.node.addDependency(this.deliveryRole);

    const acknowledgeOnRolePolicy = (finding: string, reason: string): void => {
      Validations.of(this.deliveryRole).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
    };
    for (const prefix of [LAKE_PREFIX, ERROR_ROOT, ...rawPrefixes]) {
      acknowledgeOnRolePolicy(
        `Resource::<${logicalIdOf(this.bucket)}.Arn>/${prefix}*`,
        `Firehose writes objects whose keys it names itself under ${prefix}; the grant is scoped to that prefix.`,
      );
    }
    // Action wildcards come from Bucket.grantRead/grantPut; each maps to what Firehose's S3
    // destination documents as needed, on the lake bucket and the two prefixes only.
    const actionReasons: Record<string, string> = {
      's3:GetObject*': 'Firehose reads objects it writes (GetObject) under lake/ and errors/ only.',
      's3:GetBucket*': 'Firehose calls GetBucketLocation on the lake bucket before delivering.',
      's3:List*': 'Firehose needs ListBucket and ListBucketMultipartUploads on the lake bucket.',
      's3:Abort*': 'Firehose aborts its own failed multipart uploads (AbortMultipartUpload) under lake/ and errors/.',
    };
    for (const [action, reason] of Object.entries(actionReasons)) {
      acknowledgeOnRolePolicy(`Action::${action}`, reason);
    }
    // The DeliveryStream L2 always adds a stack-level mapping of Firehose CIDR blocks (used for
    // Redshift/Splunk destinations); with an S3 destination nothing refers to it.
    Validations.of(Stack.of(this)).acknowledge({
      id: 'CloudFormation-Validate::W7001',
      reason: 'Unused mapping awscdkawskinesisfirehoseCidrBlocks is added by the DeliveryStream L2 itself; it is harmless.',
    });
  }

  /** Lets `grantee` put records (PutRecord, PutRecordBatch) into this lake's stream only. */
  grantPutRecords(grantee: iam.IGrantable): iam.Grant {
    return this.deliveryStream.grantPutRecords(grantee);
  }

}
