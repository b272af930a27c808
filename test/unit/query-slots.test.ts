import type { QueryEngine, QueryResult } from '../../lambdas/app/ports';
import { QueryStoppedError } from '../../lambdas/core/errors';
import { limitQueries } from '../../local/query-slots';

/** Each query runs until the test ends it. */
class HeldEngine implements QueryEngine {
  readonly started: string[] = [];
  private readonly ends = new Map<string, (result: QueryResult) => void>();

  query(sql: string): Promise<QueryResult> {
    this.started.push(sql);
    return new Promise((resolve) => this.ends.set(sql, resolve));
  }

  end(sql: string): void {
    this.ends.get(sql)!({ columns: ['sql'], rows: [{ sql }] });
  }
}

const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('limitQueries', () => {
  it('runs at most `slots` queries at once; the next starts when one ends, in the order they came', async () => {
    const engine = new HeldEngine();
    const limited = limitQueries(engine, 2);
    const results = ['a', 'b', 'c', 'd'].map((sql) => limited.query(sql));
    await settled();
    expect(engine.started).toEqual(['a', 'b']);
    engine.end('b');
    expect((await results[1]).rows).toEqual([{ sql: 'b' }]);
    await settled();
    expect(engine.started).toEqual(['a', 'b', 'c']);
    engine.end('a');
    engine.end('c');
    await settled();
    expect(engine.started).toEqual(['a', 'b', 'c', 'd']);
    engine.end('d');
    await expect(Promise.all(results)).resolves.toHaveLength(4);
  });

  it('lets a waiting query leave the line when its signal fires, without taking a slot', async () => {
    const engine = new HeldEngine();
    const limited = limitQueries(engine, 1);
    const first = limited.query('a');
    const leaving = new AbortController();
    const waiting = limited.query('b', { signal: leaving.signal });
    const after = limited.query('c');
    leaving.abort(new Error('Stopped: the browser left the page.'));
    await expect(waiting).rejects.toMatchObject({ name: QueryStoppedError.name, message: 'Stopped: the browser left the page.' });
    engine.end('a');
    await first;
    await settled();
    expect(engine.started).toEqual(['a', 'c']);
    engine.end('c');
    await after;
  });
});
