/**
 * Glue and Athena as small stateful fakes on aws-sdk-client-mock, keeping state the way the services
 * do: databases and tables with versions that UpdateTable checks, and a CREATE VIEW that registers the
 * view in Glue with the columns it selects, as Athena does. A SELECT answers `selectResult`.
 */
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  type GetQueryResultsOutput,
} from '@aws-sdk/client-athena';
import {
  AlreadyExistsException,
  ConcurrentModificationException,
  CreateDatabaseCommand,
  CreateTableCommand,
  EntityNotFoundException,
  GetTableCommand,
  GetTablesCommand,
  GlueClient,
  UpdateTableCommand,
  type Table,
} from '@aws-sdk/client-glue';
import { mockClient } from 'aws-sdk-client-mock';

export class FakeGlueAndAthena {
  readonly glue = mockClient(GlueClient);
  readonly athena = mockClient(AthenaClient);
  /** Glue's tables by `db.name`. */
  readonly tables = new Map<string, Table>();
  readonly databases = new Set<string>();
  /** Every statement Athena was asked to run, in order. */
  readonly sqlRun: string[] = [];
  selectResult: GetQueryResultsOutput['ResultSet'] = { Rows: [], ResultSetMetadata: { ColumnInfo: [] } };
  /** How many UpdateTable calls still lose an optimistic-locking race, as under a concurrent writer. */
  racesToLose = 0;

  constructor(private readonly workGroup: string) {}

  /** (Re)installs the fakes on fresh mocks; the state is kept. */
  install(): void {
    this.installGlue();
    this.installAthena();
  }

  private installGlue(): void {
    const { glue, tables, databases } = this;
    glue.reset();
    glue.on(CreateDatabaseCommand).callsFake(({ DatabaseInput }) => {
      if (databases.has(DatabaseInput.Name)) throw new AlreadyExistsException({ $metadata: {}, message: 'exists' });
      databases.add(DatabaseInput.Name);
      return {};
    });
    glue.on(CreateTableCommand).callsFake(({ DatabaseName, TableInput }) => {
      const key = `${DatabaseName}.${TableInput.Name}`;
      if (!databases.has(DatabaseName)) throw new EntityNotFoundException({ $metadata: {}, message: 'no database' });
      if (tables.has(key)) throw new AlreadyExistsException({ $metadata: {}, message: 'exists' });
      tables.set(key, { ...TableInput, DatabaseName, VersionId: '1' });
      return {};
    });
    glue.on(GetTableCommand).callsFake(({ DatabaseName, Name }) => {
      const table = tables.get(`${DatabaseName}.${Name}`);
      if (!table) throw new EntityNotFoundException({ $metadata: {}, message: `Table ${Name} not found.` });
      return { Table: structuredClone(table) };
    });
    glue.on(GetTablesCommand).callsFake(({ DatabaseName }) => {
      if (!databases.has(DatabaseName)) throw new EntityNotFoundException({ $metadata: {}, message: `Database ${DatabaseName} not found.` });
      return { TableList: [...tables.values()].filter((table) => table.DatabaseName === DatabaseName).map((table) => structuredClone(table)) };
    });
    glue.on(UpdateTableCommand).callsFake(({ DatabaseName, TableInput, VersionId }) => {
      const key = `${DatabaseName}.${TableInput.Name}`;
      const current = tables.get(key);
      if (!current) throw new EntityNotFoundException({ $metadata: {}, message: 'missing' });
      if (this.racesToLose > 0 || VersionId !== current.VersionId) {
        this.racesToLose = Math.max(0, this.racesToLose - 1);
        throw new ConcurrentModificationException({ $metadata: {}, message: 'changed meanwhile' });
      }
      tables.set(key, { ...TableInput, DatabaseName, VersionId: String(Number(current.VersionId) + 1) });
      return {};
    });
  }

  private installAthena(): void {
    const { athena, tables, sqlRun } = this;
    athena.reset();
    sqlRun.length = 0;
    const statements = new Map<string, string>();
    athena.on(StartQueryExecutionCommand).callsFake(({ QueryString, WorkGroup }) => {
      if (WorkGroup !== this.workGroup) throw new Error(`query run in workgroup ${WorkGroup}, not ${this.workGroup}`);
      const id = `q${statements.size + 1}`;
      statements.set(id, QueryString);
      sqlRun.push(QueryString);
      // Athena stores a view in Glue with the columns of its select list.
      const view = /^CREATE OR REPLACE VIEW "(\w+)"\."(\w+)" AS SELECT (.*?) FROM /.exec(QueryString);
      if (view) {
        const columns = [...view[3].matchAll(/"(\w+)"/g)].map((match) => ({ Name: match[1], Type: 'string' }));
        tables.set(`${view[1]}.${view[2]}`, { Name: view[2], DatabaseName: view[1], TableType: 'VIRTUAL_VIEW', StorageDescriptor: { Columns: columns } });
      }
      return { QueryExecutionId: id };
    });
    athena.on(GetQueryExecutionCommand).callsFake(({ QueryExecutionId }) => ({
      QueryExecution: {
        QueryExecutionId,
        StatementType: statements.get(QueryExecutionId)?.startsWith('CREATE') ? 'DDL' : 'DML',
        Status: { State: 'SUCCEEDED' },
      },
    }));
    athena.on(GetQueryResultsCommand).callsFake(({ QueryExecutionId }) =>
      statements.get(QueryExecutionId)?.startsWith('CREATE') ? { ResultSet: { Rows: [], ResultSetMetadata: { ColumnInfo: [] } } } : { ResultSet: this.selectResult },
    );
  }
}
