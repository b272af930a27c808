import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { COLUMN_ITEM_ATTRIBUTES, COUNT_ITEM_ATTRIBUTE_PATTERNS, EVENT_TYPE_ITEM_ATTRIBUTES, TOKEN_TABLE_KEYS, TOKEN_TABLE_TTL_ATTRIBUTE } from '../../lambdas/core/deployment-names';

/** Properties of a {@link TokenTable}. */
export interface TokenTableProps {
  /**
   * What happens to the table (integrations and token hashes) when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Refuse `DeleteTable` calls, including CloudFormation's, until switched off.
   * @default - true when the removal policy is RETAIN, false otherwise
   */
  readonly deletionProtection?: boolean;
}

/**
 * The integration and token table: the key schema the local runtime and the DynamoDB adapter
 * use (`TOKEN_TABLE_KEYS`, defined once), on-demand capacity, point-in-time recovery, and
 * encryption at rest with the AWS managed key `aws/dynamodb`.
 *
 * Encryption choice: the AWS managed key costs nothing per month, needs no key policy and no
 * `kms:*` grant for readers, and its use still shows up in CloudTrail. A customer managed key
 * would add a monthly charge and key administration, and only pays off for cross-account
 * access or key-revocation requirements this table does not have (it holds SHA-256 hashes of
 * tokens, never the tokens).
 */
export class TokenTable extends Construct {
  /** The DynamoDB table. */
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: TokenTableProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const { partitionKey, sortKey } = TOKEN_TABLE_KEYS;

    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: partitionKey.name, type: attributeType(partitionKey.type) },
      sortKey: { name: sortKey.name, type: attributeType(sortKey.type) },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      // Keys only: the catalog learns which integration gained columns and reads its registry itself.
      stream: dynamodb.StreamViewType.KEYS_ONLY,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      // Only the loading-report counters carry it: they go after COUNT_RETENTION_DAYS, nothing else ever does.
      timeToLiveAttribute: TOKEN_TABLE_TTL_ATTRIBUTE,
      deletionProtection: props.deletionProtection ?? removalPolicy === RemovalPolicy.RETAIN,
      removalPolicy,
    });
  }

  /** The table name, for the function's environment and the stack outputs. */
  get tableName(): string {
    return this.table.tableName;
  }

  /**
   * Lets the ingest function look tokens and integrations up: `dynamodb:GetItem` on this
   * table only (the ingest path does nothing else; the CLI writes with the user's credentials).
   */
  grantTokenLookup(grantee: iam.IGrantable): iam.Grant {
    return this.table.grant(grantee, 'dynamodb:GetItem');
  }

  /**
   * Lets the ingest function read an integration's column registry (`dynamodb:Query`) and register
   * new columns (`dynamodb:PutItem`). The put may only write the attributes a column item has, so it
   * cannot overwrite an integration or a token item, which have others.
   */
  grantColumnRegistry(grantee: iam.IGrantable): iam.Grant {
    const query = this.table.grant(grantee, 'dynamodb:Query');
    const put = iam.Grant.addToPrincipal({
      grantee,
      actions: ['dynamodb:PutItem'],
      resourceArns: [this.table.tableArn],
      conditions: { 'ForAllValues:StringEquals': { 'dynamodb:Attributes': [...COLUMN_ITEM_ATTRIBUTES] } },
    });
    return query.combine(put);
  }

  /**
   * Lets the ingest function add to its loading-report counters (`dynamodb:UpdateItem`), touching only
   * the attributes a counter item has (counters, times, per-reason and per-token names by pattern).
   * The catalog's stream filter matches none of these items, so counting never invokes it.
   */
  grantLoadingCounts(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['dynamodb:UpdateItem'],
      resourceArns: [this.table.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:Attributes': [...COUNT_ITEM_ATTRIBUTE_PATTERNS] } },
    });
  }

  /**
   * Lets the ingest function register event types and their columns (`dynamodb:UpdateItem`), touching
   * only the attributes of those items; it reads them with the grants above.
   */
  grantEventTypeRegistry(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['dynamodb:UpdateItem'],
      resourceArns: [this.table.tableArn],
      conditions: { 'ForAllValues:StringEquals': { 'dynamodb:Attributes': [...EVENT_TYPE_ITEM_ATTRIBUTES] } },
    });
  }
}

type KeyType = (typeof TOKEN_TABLE_KEYS)[keyof typeof TOKEN_TABLE_KEYS]['type'];

function attributeType(type: KeyType | 'N' | 'B'): dynamodb.AttributeType {
  const byCode: Record<'S' | 'N' | 'B', dynamodb.AttributeType> = {
    S: dynamodb.AttributeType.STRING,
    N: dynamodb.AttributeType.NUMBER,
    B: dynamodb.AttributeType.BINARY,
  };
  return byCode[type];
}
