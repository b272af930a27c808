import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  InvalidRequestException,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  type QueryExecutionState,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { AthenaQueryEngine, toValue } from '../../lambdas/aws/athena-query';
import { AccessDeniedError, AwsSetupError, QueryEngineUnavailableError, ValidationError } from '../../lambdas/core/errors';

const athena = mockClient(AthenaClient);
let clock = 0;
let sleeps: number[] = [];
let progress: string[] = [];

function engine(options: { timeoutMs?: number } = {}): AthenaQueryEngine {
  return new AthenaQueryEngine(new AthenaClient({ region: 'eu-west-1' }), {
    workGroup: 'Hooklake-lake',
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    now: () => clock,
    onProgress: (state, elapsed) => progress.push(`${state}@${elapsed}`),
    ...options,
  });
}

/** Status answers, one per GetQueryExecution call, the last one repeated. */
function states(statementType: string, ...sequence: { state: QueryExecutionState; reason?: string; category?: number }[]): void {
  let call = 0;
  athena.on(GetQueryExecutionCommand).callsFake(() => {
    const { state, reason, category } = sequence[Math.min(call++, sequence.length - 1)];
    return {
      QueryExecution: {
        QueryExecutionId: 'q1',
        StatementType: statementType,
        Status: { State: state, StateChangeReason: reason, AthenaError: category === undefined ? undefined : { ErrorCategory: category } },
      },
    };
  });
}

const columnInfo = (names: string[], types: string[]) => ({ ColumnInfo: names.map((Name, i) => ({ Name, Label: Name, Type: types[i] })) });
const row = (...values: (string | undefined)[]) => ({ Data: values.map((VarCharValue) => (VarCharValue === undefined ? {} : { VarCharValue })) });

beforeEach(() => {
  athena.reset();
  clock = 0;
  sleeps = [];
  progress = [];
  athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q1' });
});

describe('AthenaQueryEngine', () => {
  it('starts in the workgroup, polls with doubling capped backoff, and skips a SELECT\'s header row', async () => {
    states('DML', { state: 'QUEUED' }, { state: 'RUNNING' }, { state: 'RUNNING' }, { state: 'RUNNING' }, { state: 'RUNNING' }, { state: 'SUCCEEDED' });
    athena.on(GetQueryResultsCommand).resolves({
      ResultSet: { ResultSetMetadata: columnInfo(['event', 'n'], ['varchar', 'bigint']), Rows: [row('event', 'n'), row('open', '2')] },
    });
    const result = await engine().query('SELECT event, count(*) AS n FROM s.data GROUP BY 1');
    expect(result).toEqual({ columns: ['event', 'n'], rows: [{ event: 'open', n: 2 }] });
    expect(athena).toHaveReceivedCommandWith(StartQueryExecutionCommand, {
      QueryString: 'SELECT event, count(*) AS n FROM s.data GROUP BY 1',
      WorkGroup: 'Hooklake-lake',
    });
    // The workgroup enforces its result location: none is sent.
    expect(athena.commandCalls(StartQueryExecutionCommand)[0].args[0].input).not.toHaveProperty('ResultConfiguration');
    expect(sleeps).toEqual([200, 400, 800, 1600, 2000]);
    expect(progress).toEqual(['QUEUED@0', 'RUNNING@200', 'RUNNING@600', 'RUNNING@1400', 'RUNNING@3000', 'SUCCEEDED@5000']);
  });

  /** A finished query whose ids 1 to 4 come in three pages, the header row on the first. */
  const threePagesOfIds = () => {
    states('DML', { state: 'SUCCEEDED' });
    const metadata = columnInfo(['id'], ['integer']);
    athena
      .on(GetQueryResultsCommand)
      .resolvesOnce({ ResultSet: { ResultSetMetadata: metadata, Rows: [row('id'), row('1'), row('2')] }, NextToken: 'p2' })
      .resolvesOnce({ ResultSet: { ResultSetMetadata: metadata, Rows: [row('3')] }, NextToken: 'p3' })
      .resolvesOnce({ ResultSet: { ResultSetMetadata: metadata, Rows: [row('4')] } });
  };

  it('pages through every result page, the header only on the first', async () => {
    threePagesOfIds();
    const result = await engine().query('SELECT id FROM t');
    expect(result.rows).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }, { id: 4 }]);
    const tokens = athena.commandCalls(GetQueryResultsCommand).map((call) => call.args[0].input.NextToken);
    expect(tokens).toEqual([undefined, 'p2', 'p3']);
    expect(athena.commandCalls(GetQueryResultsCommand)[0].args[0].input.MaxResults).toBe(1000);
  });

  it('with maxRows stops paging once past it, and says the result was cut', async () => {
    threePagesOfIds();
    expect(await engine().query('SELECT id FROM t', { maxRows: 2 })).toEqual({ columns: ['id'], rows: [{ id: 1 }, { id: 2 }], truncated: true });
    expect(athena.commandCalls(GetQueryResultsCommand)).toHaveLength(2);
  });

  it('keeps every row of a DDL or utility statement, which has no header row', async () => {
    states('UTILITY', { state: 'SUCCEEDED' });
    athena.on(GetQueryResultsCommand).resolves({
      ResultSet: { ResultSetMetadata: columnInfo(['tab_name'], ['string']), Rows: [row('_sdc_rejected'), row('data')] },
    });
    const result = await engine().query('SHOW TABLES IN s');
    expect(result.rows).toEqual([{ tab_name: '_sdc_rejected' }, { tab_name: 'data' }]);
  });

  it('reports a statement Athena refuses as a ValidationError with Athena\'s reason', async () => {
    states('DML', { state: 'FAILED', reason: "COLUMN_NOT_FOUND: line 1:8: Column 'x' cannot be resolved", category: 2 });
    const failure = engine().query('SELECT x FROM s.data');
    await expect(failure).rejects.toBeInstanceOf(ValidationError);
    await expect(engine().query('SELECT x FROM s.data')).rejects.toThrow("Query failed: COLUMN_NOT_FOUND: line 1:8: Column 'x' cannot be resolved");
  });

  it('reports a failure on Athena\'s side as unavailable, not as the user\'s mistake', async () => {
    states('DML', { state: 'FAILED', reason: 'Internal error', category: 1 });
    await expect(engine().query('SELECT 1')).rejects.toBeInstanceOf(QueryEngineUnavailableError);
  });

  it('explains a query cancelled by the bytes-scanned cutoff and how to read less', async () => {
    states('DML', { state: 'CANCELLED', reason: 'Query cancelled: exceeded the BytesScannedCutoffPerQuery limit' });
    await expect(engine().query('SELECT * FROM s.data')).rejects.toThrow(/bytes-scanned cutoff.*WHERE dt >=/);
  });

  it('stops a query that runs past the timeout and says which one', async () => {
    states('DML', { state: 'RUNNING' });
    athena.on(StopQueryExecutionCommand).resolves({});
    const running = engine({ timeoutMs: 3000 }).query('SELECT * FROM s.data');
    await expect(running).rejects.toBeInstanceOf(QueryEngineUnavailableError);
    await expect(running).rejects.toThrow(/Athena query q1 was still running after 3 s and was stopped/);
    expect(athena).toHaveReceivedCommandWith(StopQueryExecutionCommand, { QueryExecutionId: 'q1' });
  });

  it('stops the query in Athena when the caller aborts while it runs, and gives the abort\'s reason', async () => {
    states('DML', { state: 'RUNNING' });
    athena.on(StopQueryExecutionCommand).resolves({});
    const caller = new AbortController();
    const reason = new ValidationError('The query ran past 30 s and was stopped.');
    // A wait between status checks that never ends on its own: only the abort ends it.
    const subject = new AthenaQueryEngine(new AthenaClient({ region: 'eu-west-1' }), { workGroup: 'Hooklake-lake', sleep: () => new Promise(() => undefined), now: () => clock });
    const running = subject.query('SELECT * FROM s.data', { signal: caller.signal });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(athena).toHaveReceivedCommandTimes(GetQueryExecutionCommand, 1);
    expect(athena).not.toHaveReceivedCommand(StopQueryExecutionCommand);
    caller.abort(reason);
    await expect(running).rejects.toBe(reason);
    expect(athena).toHaveReceivedCommandWith(StopQueryExecutionCommand, { QueryExecutionId: 'q1' });
    expect(athena).not.toHaveReceivedCommand(GetQueryResultsCommand);
  });

  it('starts nothing when the caller has already aborted', async () => {
    const caller = new AbortController();
    caller.abort(new ValidationError('gone'));
    await expect(engine().query('SELECT 1', { signal: caller.signal })).rejects.toThrow('gone');
    expect(athena).not.toHaveReceivedCommand(StartQueryExecutionCommand);
  });

  it('translates a refused start and missing permissions into errors that say what to do', async () => {
    athena.on(StartQueryExecutionCommand).rejectsOnce(new InvalidRequestException({ $metadata: {}, message: 'WorkGroup Hooklake-lake is not found.' }));
    await expect(engine().query('SELECT 1')).rejects.toThrow('Query failed: WorkGroup Hooklake-lake is not found.');
    athena.reset();
    athena
      .on(StartQueryExecutionCommand)
      .rejects(Object.assign(new Error('User: arn:aws:iam::1:user/x is not authorized to perform: athena:StartQueryExecution'), { name: 'AccessDeniedException' }));
    const denied = engine().query('SELECT 1');
    await expect(denied).rejects.toBeInstanceOf(AccessDeniedError);
    await expect(denied).rejects.toThrow(/Not allowed to call athena:StartQueryExecution on Athena workgroup "Hooklake-lake"/);
  });

  it('names GetQueryExecution when polling is not allowed', async () => {
    athena.on(GetQueryExecutionCommand).rejects(Object.assign(new Error('not authorized to perform: athena:GetQueryExecution'), { name: 'AccessDeniedException' }));
    await expect(engine().query('SELECT 1')).rejects.toMatchObject({ name: 'AccessDeniedError', action: 'athena:GetQueryExecution' });
  });

  it('says to sign in again when the credentials have expired', async () => {
    athena.on(StartQueryExecutionCommand).rejects(Object.assign(new Error('expired'), { name: 'ExpiredTokenException' }));
    const starting = engine().query('SELECT 1');
    await expect(starting).rejects.toBeInstanceOf(AwsSetupError);
    await expect(starting).rejects.toThrow(/credentials have expired \(athena:StartQueryExecution\)/);
  });

  it('reports an Athena failure as the query engine being unavailable, naming the call', async () => {
    athena.on(StartQueryExecutionCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' }));
    await expect(engine().query('SELECT 1')).rejects.toMatchObject({
      name: 'QueryEngineUnavailableError',
      dependency: 'query engine',
      message: 'Could not call athena:StartQueryExecution on Athena workgroup "Hooklake-lake": TooManyRequestsException: Rate exceeded',
    });
  });
});

describe('toValue', () => {
  it.each([
    [undefined, 'varchar', null],
    ['', 'varchar', ''],
    ['true', 'boolean', true],
    ['false', 'boolean', false],
    ['42', 'integer', 42],
    ['-7', 'tinyint', -7],
    ['9007199254740991', 'bigint', 9007199254740991],
    ['9007199254740993', 'bigint', '9007199254740993'],
    ['1.5', 'double', 1.5],
    ['NaN', 'double', 'NaN'],
    ['Infinity', 'real', 'Infinity'],
    ['12.30', 'decimal(10,2)', 12.3],
    ['{"a":[1,2]}', 'json', { a: [1, 2] }],
    ['[1, 2]', 'array', '[1, 2]'],
    ['{a=1}', 'map', '{a=1}'],
    ['2026-11-23 10:00:00.123', 'timestamp', '2026-11-23 10:00:00.123'],
    ['2026-11-23', 'date', '2026-11-23'],
  ])('reads %j of type %s as %j', (text, type, expected) => {
    expect(toValue(text, type)).toEqual(expected);
  });
});
