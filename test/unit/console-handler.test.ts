/**
 * The console's request handling over plain HTTP, with a stand-in query engine: what it asks of the
 * engine (row limit, a signal that stops the query) and what the pages say back.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { QueryEngine, QueryLimits, QueryResult } from '../../lambdas/app/ports';
import { QueryStoppedError } from '../../lambdas/core/errors';
import { ConsoleAuth } from '../../console/auth';
import { createWebConsole, SQL_MAX_ROWS, type ConsoleServices, type WebConsole } from '../../console/console-handler';
import { MemoryStore } from '../support/memory-store';
import { storedCounts } from '../support/stored-counts';
import { RecordingLogger } from '../support/recording-logger';

/** An engine whose every query waits until its test settles it, or until its signal stops it. */
class HeldEngine implements QueryEngine {
  readonly calls: { sql: string; limits?: QueryLimits; settle: (result: QueryResult) => void; stopped: Promise<unknown> }[] = [];
  private arrived: (() => void)[] = [];

  query(sql: string, limits?: QueryLimits): Promise<QueryResult> {
    return new Promise((resolve, reject) => {
      let stop: (reason: unknown) => void = () => {};
      const stopped = new Promise((resolveStop) => (stop = resolveStop));
      limits?.signal?.addEventListener('abort', () => {
        stop(limits.signal!.reason);
        reject(limits.signal!.reason);
      });
      this.calls.push({ sql, limits, settle: resolve, stopped });
      this.arrived.splice(0).forEach((wake) => wake());
    });
  }

  /** The next query to arrive (or the last one, once there). */
  async nextCall(count: number) {
    while (this.calls.length < count) await new Promise<void>((resolve) => this.arrived.push(resolve));
    return this.calls[count - 1];
  }
}

let server: Server;
let origin: string;
let engine: HeldEngine;
let webConsole: WebConsole;
let cookie: string;
let auth: ConsoleAuth;

async function start(overrides: Partial<ConsoleServices> = {}) {
  engine = new HeldEngine();
  auth = new ConsoleAuth(randomBytes);
  webConsole = createWebConsole(
    { store: new MemoryStore(), engine, counts: storedCounts([]), webhookBaseUrl: 'http://127.0.0.1:1', clock: () => new Date('2026-11-24T12:00:00Z'), randomBytes, logger: new RecordingLogger(), ...overrides },
    auth,
  );
  server = createServer((request, response) => void webConsole.handle(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const login = await fetch(webConsole.loginUrl(origin), { redirect: 'manual' });
  cookie = login.headers.get('set-cookie')!.split(';')[0];
}

afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const postSql = (sql: string, signal?: AbortSignal) =>
  fetch(`${origin}/console/sql`, {
    method: 'POST',
    headers: { cookie, origin, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ sql, form_token: auth.formToken }).toString(),
    signal,
  });

describe('console SQL box', () => {
  it('asks for at most SQL_MAX_ROWS rows and says when the result was cut', async () => {
    await start();
    const answer = postSql('SELECT * FROM range(3000000)');
    const call = await engine.nextCall(1);
    expect(call.limits?.maxRows).toBe(SQL_MAX_ROWS);
    call.settle({ columns: ['range'], rows: Array.from({ length: SQL_MAX_ROWS }, (_, i) => ({ range: i })), truncated: true });
    const page = await (await answer).text();
    expect(page).toContain('The first 1,000 rows; the result has more');
    expect(page).toContain('Shows at most 1,000 rows; a query still running after 30 s is stopped');
  });

  it('counts rows in words: 1 row, 2 rows', async () => {
    await start();
    const one = postSql('SELECT 1');
    (await engine.nextCall(1)).settle({ columns: ['n'], rows: [{ n: 1 }] });
    expect(await (await one).text()).toContain('<p class="muted" id="row-count">1 row</p>');
    const two = postSql('SELECT 2');
    (await engine.nextCall(2)).settle({ columns: ['n'], rows: [{ n: 1 }, { n: 2 }] });
    expect(await (await two).text()).toContain('<p class="muted" id="row-count">2 rows</p>');
  });

  it('stops the query when the browser goes away', async () => {
    await start();
    const leaving = new AbortController();
    const answer = postSql('SELECT count(*) FROM range(20000000000)', leaving.signal).catch(() => 'gone');
    const call = await engine.nextCall(1);
    leaving.abort();
    expect(await call.stopped).toEqual(new QueryStoppedError('Stopped: the browser left the page.'));
    expect(await answer).toBe('gone');
  });

  it('stops the query at the time limit and says so on the page', async () => {
    await start({ sqlTimeLimitMs: 200 });
    const answer = postSql('SELECT count(*) FROM range(20000000000)');
    const call = await engine.nextCall(1);
    expect(await call.stopped).toBeInstanceOf(QueryStoppedError);
    const response = await answer;
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('Stopped after 0.2 s, the time limit here');
  });

  it('stops queries under way when the server stops', async () => {
    await start();
    const answer = postSql('SELECT count(*) FROM range(20000000000)');
    const call = await engine.nextCall(1);
    webConsole.stopQueries();
    expect(await call.stopped).toEqual(new QueryStoppedError('Stopped: the server is stopping.'));
    expect(await (await answer).text()).toContain('Stopped: the server is stopping.');
  });
});

describe('console pages', () => {
  const postForm = (path: string, fields: Record<string, string>) =>
    fetch(`${origin}${path}`, {
      method: 'POST',
      headers: { cookie, origin, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...fields, form_token: auth.formToken }).toString(),
      redirect: 'manual',
    });
  const get = (path: string) => fetch(`${origin}${path}`, { headers: { cookie }, redirect: 'manual' });

  it('shows a new webhook URL once, after a redirect that holds no token: a reload does not create again', async () => {
    const logger = new RecordingLogger();
    await start({ logger });
    const created = await postForm('/console/integrations', { name: 'Reload Shop', type: 'webhooks' });
    expect(created.status).toBe(303);
    const location = created.headers.get('location')!;
    expect(location).toMatch(/^\/console\/new-url\/[A-Za-z0-9_-]{22}$/);
    const shown = await get(location);
    expect(shown.status).toBe(200);
    const page = await shown.text();
    const token = /\/v1\/hooks\/(hlk_[A-Za-z0-9_-]+)/.exec(page)![1];
    expect(location).not.toContain(token);
    expect(logger.lines.join('\n')).not.toContain(token);
    // The reload: the page is gone, and nothing was sent again (no "already exists").
    const again = await get(location);
    expect(again.status).toBe(410);
    expect(await again.text()).toContain('shown once');

    const generated = await postForm('/console/i/reload_shop/tokens', {});
    expect(generated.status).toBe(303);
    expect(await (await get(generated.headers.get('location')!)).text()).toContain('New webhook URL for Reload Shop');
  });

  it('serves its icon to every page, as the Content-Security-Policy allows', async () => {
    await start();
    const icon = await fetch(`${origin}/console/assets/icon.svg`);
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toBe('image/svg+xml');
    const page = await (await get('/console/sql')).text();
    expect(page).toContain('<link rel="icon" href="/console/assets/icon.svg"');
  });

  it('calls a typo in SQL a syntax error', async () => {
    await start();
    const response = await postSql('SELEC * FROM t');
    expect(response.status).toBe(400);
    const page = await response.text();
    expect(page).toContain('Syntax error: &quot;SELEC&quot; does not start a statement');
    expect(page).not.toContain('Only statements that read');
    expect(engine.calls).toHaveLength(0);
  });
});
