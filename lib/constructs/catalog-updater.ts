import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { EVENT_TYPE_ITEM_PREFIX, TABLE_VERSION_ITEM_PREFIX, TOKEN_TABLE_KEYS } from '../../lambdas/core/deployment-names';
import { CATALOG_ENV } from '../../lambdas/catalog/env';
import { HooklakeFunction } from './hooklake-function';
import { logicalIdOf } from './logical-id';
import type { QueryWorkGroup } from './query-workgroup';
import type { TokenTable } from './token-table';

/** Properties of a {@link CatalogUpdater}. */
export interface CatalogUpdaterProps {
  /** The table whose column registry the catalog follows (its stream must be on). */
  readonly tokens: TokenTable;
  /** The lake the Glue tables point into. */
  readonly lakeBucket: s3.IBucket;
  /** The prefix inside `lakeBucket` where the per-schema folders start. */
  readonly lakePrefix: string;
  /** Where `data_latest` is re-made. */
  readonly queries: QueryWorkGroup;
  /** The function's entry file. */
  readonly entry: string;
}

/**
 * Keeps the Glue tables, `data_latest` and per-event views in step with each integration's registries:
 * the token table's stream, filtered to new integration and column items and new or grown event-type items and table resets, invokes a function that
 * adds the registered columns to Glue (`UpdateTable` with `VersionId`, retried on conflict) and
 * re-makes the view through Athena. A failed batch is retried by the stream; the sync is idempotent.
 */
export class CatalogUpdater extends Construct {
  readonly fn: HooklakeFunction;

  constructor(scope: Construct, id: string, props: CatalogUpdaterProps) {
    super(scope, id);
    this.fn = new HooklakeFunction(this, 'Function', {
      entry: props.entry,
      description: 'Hooklake catalog: Glue columns, data_latest and per-event views follow the registries',
      memorySize: 512,
      timeout: Duration.minutes(2),
      environment: {
        [CATALOG_ENV.tokenTableName]: props.tokens.tableName,
        [CATALOG_ENV.lakeBucketName]: props.lakeBucket.bucketName,
        [CATALOG_ENV.lakePrefix]: props.lakePrefix,
        [CATALOG_ENV.workGroup]: props.queries.workGroupName,
      },
    });

    const sk = TOKEN_TABLE_KEYS.sortKey.name;
    this.fn.function.addEventSource(
      new DynamoEventSource(props.tokens.table, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        // Registrations come in bursts as a provider's first events arrive: one sync per burst.
        maxBatchingWindow: Duration.seconds(5),
        retryAttempts: 10,
        bisectBatchOnError: true,
        filters: [
          lambda.FilterCriteria.filter({ eventName: lambda.FilterRule.isEqual('INSERT'), dynamodb: { Keys: { [sk]: { S: lambda.FilterRule.beginsWith('COLUMN#') } } } }),
          lambda.FilterCriteria.filter({ eventName: lambda.FilterRule.isEqual('INSERT'), dynamodb: { Keys: { [sk]: { S: lambda.FilterRule.isEqual('META') } } } }),
          // An event type's item is made with its first columns and gains more later: both re-make its views.
          lambda.FilterCriteria.filter({ eventName: lambda.FilterRule.or('INSERT', 'MODIFY'), dynamodb: { Keys: { [sk]: { S: lambda.FilterRule.beginsWith(EVENT_TYPE_ITEM_PREFIX) } } } }),
          // A table reset writes one item per new version: the `_latest` views name the version they show.
          lambda.FilterCriteria.filter({ eventName: lambda.FilterRule.isEqual('INSERT'), dynamodb: { Keys: { [sk]: { S: lambda.FilterRule.beginsWith(TABLE_VERSION_ITEM_PREFIX) } } } }),
        ],
      }),
    );

    props.tokens.grantTokenLookup(this.fn);
    props.tokens.table.grant(this.fn, 'dynamodb:Query');
    props.queries.grantQueries(this.fn);

    const stack = Stack.of(this);
    const glue = (resource: string) => stack.formatArn({ service: 'glue', resource, resourceName: undefined });
    this.fn.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['glue:GetDatabase', 'glue:CreateDatabase', 'glue:GetTable', 'glue:GetTables', 'glue:CreateTable', 'glue:UpdateTable'],
        resources: [glue('catalog'), glue('database/*'), glue('table/*/*')],
      }),
    );
    const glueReason =
      'Glue databases are made per integration at run time, one per schema, so their names are not known at deploy time; ' +
      'the grant is limited to reading and writing table definitions (no deletes, no data access).';
    for (const resource of ['database/*', 'table/*/*']) {
      Validations.of(this.fn.role).acknowledge({ id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:glue:<AWS::Region>:<AWS::AccountId>:${resource}]`, reason: glueReason });
    }
    Validations.of(this.fn.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${logicalIdOf(props.queries.resultsBucket)}.Arn>/*]`,
      reason: 'Athena names its result objects itself; the grant is get, put and abort on the results bucket only.',
    });
  }
}

