import { assertReadOnlySql } from '../../lambdas/core/read-only-sql';

describe('assertReadOnlySql', () => {
  it.each([
    'SELECT * FROM shop.data',
    'select count(*) from shop.data;',
    "WITH t AS (SELECT 1 AS n) SELECT * FROM t",
    'DESCRIBE shop.data',
    "SELECT 'insert; drop table' AS text, \"update\" FROM shop.data",
    'SELECT * FROM (SELECT order_id FROM shop.data) AS t',
    'SELECT * FROM "shop"."data" -- COPY in a comment',
  ])('runs a statement that reads: %s', (sql) => {
    expect(() => assertReadOnlySql(sql)).not.toThrow();
  });

  it('trims one final semicolon and keeps the statement as written', () => {
    expect(assertReadOnlySql(" SELECT 'a;' ;  ")).toBe("SELECT 'a;'");
  });

  it.each([
    ["COPY (SELECT 1) TO '/tmp/x.csv'", /Only statements that read/],
    ['SELECT 1; DROP TABLE shop.data', /one statement at a time/],
    ['CREATE TABLE t AS SELECT 1', /Only statements that read/],
    ['WITH t AS (SELECT 1) INSERT INTO x SELECT * FROM t', /found "INSERT"/],
    ["SELECT * FROM read_text('/etc/passwd')", /read_text/],
    ["SELECT * FROM '/etc/passwd'", /file path/],
    ['SELECT * FROM "secrets.csv"', /file path/],
    ["SELECT getenv('HOME')", /getenv/],
    ["ATTACH '/tmp/other.db'", /Only statements that read/],
    ['   ', /Write a SQL statement/],
    ['SELEC * FROM shop.data', /^Syntax error: "SELEC" does not start a statement this box knows/],
    ['seletc count(*) from shop.data', /^Syntax error: "seletc"/],
    ['SELEC* FROM shop.data', /^Syntax error: "SELEC" does/],
    ['(VALUS (1))', /^Syntax error: "VALUS"/],
    ['SELEC 1; DROP TABLE shop.data', /one statement at a time/],
    ['FOO INSERT INTO x VALUES (1)', /found "INSERT"/],
  ])('refuses %s', (sql, message) => {
    expect(() => assertReadOnlySql(sql)).toThrow(message);
  });
});
