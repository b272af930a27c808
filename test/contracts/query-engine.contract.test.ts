import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  InvalidRequestException,
  StartQueryExecutionCommand,
  type ColumnInfo,
  type GetQueryExecutionCommandOutput,
  type GetQueryResultsCommandInput,
  type GetQueryResultsCommandOutput,
  type Row,
} from '@aws-sdk/client-athena';
import { DuckDBInstance } from '@duckdb/node-api';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AthenaQueryEngine } from '../../lambdas/aws/athena-query';
import { DuckDbQueryEngine } from '../../local/duckdb-engine';
import { FileLakeSink } from '../../local/file-lake-sink';
import { lakeQueryEngine } from '../../local/lake-query-engine';
import { MemoryStore } from '../support/memory-store';
import { CONTRACT_LAKE, CONTRACT_SQL, describeQueryEngineContract } from './query-engine.contract';

// --- DuckDbQueryEngine over a local lake written by FileLakeSink ----------------------------------

/** DuckDB's own message for a statement it refuses, from a bare in-memory database. */
async function duckDbReason(sql: string): Promise<string> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    await connection.run(sql);
    throw new Error(`DuckDB runs ${sql}; it has no reason to refuse it`);
  } catch (error) {
    return (error as Error).message;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

describeQueryEngineContract('DuckDbQueryEngine on a local lake', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'hooklake-query-contract-'));
  const sink = new FileLakeSink(dataDir);
  await sink.write({ schema: CONTRACT_LAKE.integration.schema, rows: CONTRACT_LAKE.rows });
  await sink.close();
  const engine = await DuckDbQueryEngine.open(dataDir, [{ integration: CONTRACT_LAKE.integration, columns: CONTRACT_LAKE.columns }]);
  return {
    engine,
    reasonFor: duckDbReason,
    close: async () => {
      await engine.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
});

// --- The CLI's local engine: DuckDB opened per query over the integrations the store holds ------

describeQueryEngineContract('lakeQueryEngine (DuckDB per query) on a local lake', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'hooklake-query-contract-'));
  const sink = new FileLakeSink(dataDir);
  await sink.write({ schema: CONTRACT_LAKE.integration.schema, rows: CONTRACT_LAKE.rows });
  await sink.close();
  const store = new MemoryStore();
  await store.createIntegration(CONTRACT_LAKE.integration);
  await store.addColumns(CONTRACT_LAKE.integration.schema, CONTRACT_LAKE.columns);
  return {
    engine: lakeQueryEngine(dataDir, store),
    reasonFor: duckDbReason,
    close: () => rm(dataDir, { recursive: true, force: true }),
  };
});

// --- AthenaQueryEngine on a fake Athena that knows the contract's statements ----------------------

interface AthenaColumn {
  readonly name: string;
  /** As Athena names it in ResultSetMetadata, e.g. `varchar`, `decimal`. */
  readonly type: string;
  readonly precision: number;
  readonly scale?: number;
}

/** A SELECT's answer as Athena sends it: every value as text, NULL as no text at all. */
interface AthenaAnswer {
  readonly columns: readonly AthenaColumn[];
  readonly rows: readonly (readonly (string | undefined)[])[];
}

const integer = (name: string): AthenaColumn => ({ name, type: 'integer', precision: 10 });
const bigint = (name: string): AthenaColumn => ({ name, type: 'bigint', precision: 19 });
const double = (name: string): AthenaColumn => ({ name, type: 'double', precision: 17 });
const boolean = (name: string): AthenaColumn => ({ name, type: 'boolean', precision: 0 });
/** Unbounded varchar, or a literal's varchar(n). */
const varchar = (name: string, length = 2147483647): AthenaColumn => ({ name, type: 'varchar', precision: length });

/** What Athena (engine version 3) answers for each statement of the contract. */
const ATHENA: Readonly<Record<string, AthenaAnswer | { readonly failure: string }>> = {
  [CONTRACT_SQL.scalars]: {
    columns: [integer('n'), varchar('missing'), varchar('s', 1), boolean('b'), { name: 'd', type: 'decimal', precision: 2, scale: 1 }, bigint('big')],
    rows: [['1', undefined, 'a', 'true', '2.5', '9007199254740993']],
  },
  [CONTRACT_SQL.edges]: {
    columns: [
      bigint('max_safe'),
      bigint('below_min'),
      double('x'),
      double('nan'),
      double('inf'),
      bigint('null_big'),
      boolean('null_bool'),
      boolean('f'),
      varchar('empty', 0),
      varchar('text', 9),
    ],
    rows: [['9007199254740991', '-9007199254740993', '0.1', 'NaN', 'Infinity', undefined, undefined, 'false', '', 'ünï "q" ✓']],
  },
  [CONTRACT_SQL.thousandRows]: {
    columns: [integer('i')],
    rows: Array.from({ length: 1000 }, (_, k) => [String(999 - k)]),
  },
  [CONTRACT_SQL.empty]: { columns: [integer('n'), varchar('s')], rows: [] },
  [CONTRACT_SQL.lake]: {
    // The Glue table's types: string columns read as varchar, the partition column too.
    columns: [varchar('event'), bigint('amount'), varchar('dt')],
    rows: [
      ['open', '5', '2026-11-23'],
      ['click', undefined, '2026-11-23'],
      ['open', '-3', '2026-11-23'],
    ],
  },
  [CONTRACT_SQL.syntaxError]: {
    failure:
      "line 1:1: mismatched input 'SELEC'. Expecting: 'ALTER', 'ANALYZE', 'CALL', 'COMMENT', 'COMMIT', 'CREATE', 'DEALLOCATE', " +
      "'DELETE', 'DENY', 'DESC', 'DESCRIBE', 'DROP', 'EXECUTE', 'EXPLAIN', 'GRANT', 'INSERT', 'MERGE', 'PREPARE', 'REFRESH', " +
      "'RESET', 'REVOKE', 'ROLLBACK', 'SET', 'SHOW', 'START', 'TRUNCATE', 'UPDATE', 'USE', <query>",
  },
  [CONTRACT_SQL.unknownColumn]: {
    failure: "COLUMN_NOT_FOUND: line 1:8: Column 'no_such_column' cannot be resolved or requester is not authorized to access requested resources",
  },
};

const WORKGROUP = 'Hooklake-lake';
const athena = mockClient(AthenaClient);

function columnInfo(column: AthenaColumn): ColumnInfo {
  return {
    CatalogName: 'hive',
    SchemaName: '',
    TableName: '',
    Name: column.name,
    Label: column.name,
    Type: column.type,
    Precision: column.precision,
    Scale: column.scale ?? 0,
    Nullable: 'UNKNOWN',
    CaseSensitive: column.type === 'varchar',
  };
}

const textRow = (values: readonly (string | undefined)[]): Row => ({ Data: values.map((value) => (value === undefined ? {} : { VarCharValue: value })) });

/**
 * Plays Athena for the contract's statements: a query is RUNNING at the first status check and
 * SUCCEEDED (or FAILED, with its reason) at the next; results come in pages of at most MaxResults
 * rows, the first of which is the header row of the SELECT.
 */
function fakeAthena(): void {
  const executions = new Map<string, { sql: string; checks: number }>();
  athena.reset();
  athena.on(StartQueryExecutionCommand).callsFake((input: { QueryString?: string; WorkGroup?: string }) => {
    const sql = input.QueryString ?? '';
    if (input.WorkGroup !== WORKGROUP) throw new Error(`Unexpected workgroup ${input.WorkGroup}`);
    if (!(sql in ATHENA)) throw new Error(`The fake Athena does not know this statement: ${sql}`);
    const id = `q-${executions.size + 1}`;
    executions.set(id, { sql, checks: 0 });
    return { QueryExecutionId: id };
  });
  athena.on(GetQueryExecutionCommand).callsFake((input: { QueryExecutionId?: string }): Partial<GetQueryExecutionCommandOutput> => {
    const execution = executions.get(input.QueryExecutionId ?? '');
    if (!execution) throw new InvalidRequestException({ message: `QueryExecution ${input.QueryExecutionId} was not found`, $metadata: {} });
    execution.checks += 1;
    const answer = ATHENA[execution.sql];
    const status =
      execution.checks === 1
        ? { State: 'RUNNING' as const }
        : 'failure' in answer
          ? {
              State: 'FAILED' as const,
              StateChangeReason: answer.failure,
              AthenaError: { ErrorCategory: 2, ErrorType: 1100, Retryable: false, ErrorMessage: answer.failure },
            }
          : { State: 'SUCCEEDED' as const };
    return { QueryExecution: { QueryExecutionId: input.QueryExecutionId, Query: execution.sql, StatementType: 'DML', WorkGroup: WORKGROUP, Status: status } };
  });
  athena.on(GetQueryResultsCommand).callsFake((input: GetQueryResultsCommandInput): Partial<GetQueryResultsCommandOutput> => {
    const execution = executions.get(input.QueryExecutionId ?? '');
    const answer = execution && ATHENA[execution.sql];
    if (!answer || 'failure' in answer || execution.checks < 2) {
      throw new InvalidRequestException({ message: 'Query has not yet finished or did not succeed.', $metadata: {} });
    }
    const all = [textRow(answer.columns.map((column) => column.name)), ...answer.rows.map(textRow)];
    const start = Number(input.NextToken ?? '0');
    const end = start + Math.min(input.MaxResults ?? 1000, 1000);
    return {
      UpdateCount: 0,
      ResultSet: { ResultSetMetadata: { ColumnInfo: answer.columns.map(columnInfo) }, Rows: all.slice(start, end) },
      ...(end < all.length ? { NextToken: String(end) } : {}),
    };
  });
}

describeQueryEngineContract('AthenaQueryEngine on a fake Athena', async () => {
  fakeAthena();
  const engine = new AthenaQueryEngine(new AthenaClient({ region: 'eu-west-1' }), { workGroup: WORKGROUP, sleep: async () => undefined });
  return {
    engine,
    reasonFor: async (sql) => {
      const answer = ATHENA[sql];
      if (answer === undefined || !('failure' in answer)) throw new Error(`Athena runs ${sql}; it has no reason to refuse it`);
      return answer.failure;
    },
    close: async () => undefined,
  };
});
