/**
 * The web console: a thin entry point, like the CLI, over the same use cases. It answers every path
 * under /console; the server in front of it (local/server.ts, or `hooklake console`) only routes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createIntegration, type IntegrationServices } from '../lambdas/app/integrations';
import type { AppLogger, IngestCountStore, QueryEngine, QueryResult } from '../lambdas/app/ports';
import { runQuery } from '../lambdas/app/queries';
import { issueWebhookToken, listWebhookTokens, requireIntegration, revokeWebhookToken } from '../lambdas/app/tokens';
import { ConflictError, NotFoundError, QueryStoppedError, TokenLimitError, ValidationError } from '../lambdas/core/errors';
import { isActive } from '../lambdas/core/tokens';
import { assertReadOnlySql } from '../lambdas/core/read-only-sql';
import { messageOf } from '../lambdas/shared/error-message';
import { integrationActivity, overviews, recentRejections, recentRows, type Overview } from './activity';
import { CONSOLE_CSS, CONSOLE_ICON, CONSOLE_JS } from './assets';
import { CONSOLE_PATH, ConsoleAuth, LOGIN_PATH } from './auth';
import { isLoopback } from './loopback';
import { activityFragment, integrationPage, integrationsPage, messagePage, newUrlPage, sqlPage, type IntegrationRow, type SqlLimits } from './pages';

export interface ConsoleServices extends IntegrationServices {
  /** Recent rows and the SQL page. */
  readonly engine: QueryEngine;
  /** The loading-report counters ingest keeps: every count the console shows. */
  readonly counts: IngestCountStore;
  /** What webhook URLs are built on. */
  readonly webhookBaseUrl: string;
  readonly logger: AppLogger;
  /** How often an integration's page refreshes its counts; each refresh reads the counters. @default 3000 */
  readonly liveRefreshMs?: number;
  /** A query from the SQL box still running after this long is stopped. @default SQL_TIME_LIMIT_MS */
  readonly sqlTimeLimitMs?: number;
}

export interface WebConsole {
  /** The URL to open (it signs the browser in); print it, never log it. */
  loginUrl(baseUrl: string): string;
  /** Whether a request path is the console's. */
  owns(pathname: string): boolean;
  handle(request: IncomingMessage, response: ServerResponse): Promise<void>;
  /** Stops the queries under way (the server is stopping), so their requests end and the process can exit. */
  stopQueries(): void;
}

const DAYS_SHOWN = 14;
const DEFAULT_REFRESH_MS = 3000;
const RECENT_ROWS = 20;
const MAX_FORM_BYTES = 256 * 1024;
/** A page that shows a new webhook URL waits this long for its one view (after the POST's redirect). */
const SHOWN_ONCE_MS = 10 * 60_000;
/** Rows the SQL box shows at most: more would make a page too big to render, and hold the server while made. */
export const SQL_MAX_ROWS = 1000;
/** How long a query from the SQL box may run: past it, DuckDB is interrupted. */
export const SQL_TIME_LIMIT_MS = 30_000;

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': "default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  // Nothing leaves in a Referer (the login URL holds the key); same-origin, not no-referrer, so a
  // form POST still carries its Origin, which no-referrer would blank to "null".
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
};

interface Reply {
  readonly status: number;
  readonly body: string;
  readonly headers?: Record<string, string>;
}

const htmlReply = (status: number, body: string, headers: Record<string, string> = {}): Reply => ({ status, body, headers: { 'content-type': 'text/html; charset=utf-8', ...headers } });
const redirect = (location: string, headers: Record<string, string> = {}): Reply => ({ status: 303, body: '', headers: { location, ...headers } });

export function createWebConsole(services: ConsoleServices, auth = new ConsoleAuth(services.randomBytes)): WebConsole {
  const routes = new ConsoleRoutes(services, auth);
  const stopping = new AbortController();
  return {
    loginUrl: (baseUrl) => auth.loginUrl(baseUrl),
    owns: (pathname) => pathname === CONSOLE_PATH || pathname.startsWith(`${CONSOLE_PATH}/`),
    async handle(request, response) {
      let reply: Reply;
      // Aborted when the browser goes away before its answer (a tab closed, a page left mid-query).
      const gone = new AbortController();
      response.once('close', () => {
        if (!response.writableFinished) gone.abort(new QueryStoppedError('Stopped: the browser left the page.'));
      });
      try {
        // The sign-in link and the session cookie travel in clear over HTTP: only this machine may use them,
        // even when the server takes webhooks on every interface (serve --host 0.0.0.0).
        reply = isLoopback(request.socket.remoteAddress)
          ? await routes.answer(request, AbortSignal.any([gone.signal, stopping.signal]))
          : htmlReply(403, messagePage('Console on this machine only', 'The console answers only to the machine it runs on (127.0.0.1). Open it there, or through an SSH tunnel.'));
      } catch (error) {
        services.logger.error('Console request failed', { error: messageOf(error) });
        reply = htmlReply(500, messagePage('Something failed', 'The request failed; the server log says why.'));
      }
      if (response.headersSent) return;
      response.writeHead(reply.status, { ...SECURITY_HEADERS, ...reply.headers });
      response.end(reply.body);
    },
    stopQueries: () => stopping.abort(new QueryStoppedError('Stopped: the server is stopping.')),
  };
}

class ConsoleRoutes {
  private readonly shownOnce: ShownOnce;

  constructor(
    private readonly services: ConsoleServices,
    private readonly auth: ConsoleAuth,
  ) {
    this.shownOnce = new ShownOnce(services.randomBytes);
  }

  async answer(request: IncomingMessage, cancelled: AbortSignal): Promise<Reply> {
    const url = new URL(request.url ?? '/', 'http://console.invalid');
    const path = url.pathname;
    const method = request.method ?? 'GET';
    if (path === `${CONSOLE_PATH}/assets/console.css`) return { status: 200, body: CONSOLE_CSS, headers: { 'content-type': 'text/css; charset=utf-8' } };
    if (path === `${CONSOLE_PATH}/assets/console.js`) return { status: 200, body: CONSOLE_JS, headers: { 'content-type': 'text/javascript; charset=utf-8' } };
    if (path === `${CONSOLE_PATH}/assets/icon.svg`) return { status: 200, body: CONSOLE_ICON, headers: { 'content-type': 'image/svg+xml' } };
    if (path === LOGIN_PATH && method === 'GET') {
      if (!this.auth.isKey(url.searchParams.get('key'))) return htmlReply(401, messagePage('Not signed in', 'That console key is not this run\'s: open the console URL the server printed when it started.'));
      return redirect(`${CONSOLE_PATH}/`, { 'set-cookie': this.auth.sessionCookie() });
    }
    if (!this.auth.hasSession(request.headers.cookie)) {
      return htmlReply(401, messagePage('Not signed in', 'Open the console URL the server printed when it started (it holds a key of this run).'));
    }
    if (method === 'POST') {
      const form = await this.trustedForm(request);
      if (form === undefined) return htmlReply(403, messagePage('Refused', 'This form was not sent from this console page; reload the page and try again.'));
      return this.post(path, form, cancelled);
    }
    if (method !== 'GET') return htmlReply(405, messagePage('Not allowed', `${method} is not used by the console.`), { allow: 'GET, POST' });
    return this.get(path, url.searchParams);
  }

  private async get(path: string, query: URLSearchParams): Promise<Reply> {
    if (path === CONSOLE_PATH || path === `${CONSOLE_PATH}/`) return htmlReply(200, await this.integrationsPage());
    const shown = /^\/console\/new-url\/([A-Za-z0-9_-]+)$/.exec(path);
    if (shown !== null) return this.shownOnce.take(shown[1]);
    if (path === `${CONSOLE_PATH}/sql`) return htmlReply(200, sqlPage(query.get('q') ?? '', this.auth.formToken, this.sqlLimits()));
    const match = /^\/console\/i\/([^/]+)(\/activity)?$/.exec(path);
    if (match !== null) {
      const schema = decodeURIComponent(match[1]);
      if (match[2] !== undefined) return htmlReply(200, (await this.activity(schema)).text);
      const revoked = query.get('revoked');
      return this.integrationPage(schema, 200, revoked === null ? {} : { notice: `Revoked ${revoked}: its URL answers 401 from now on.` });
    }
    return htmlReply(404, messagePage('Not found', 'No such console page.'));
  }

  private async post(path: string, form: URLSearchParams, cancelled: AbortSignal): Promise<Reply> {
    if (path === `${CONSOLE_PATH}/integrations`) {
      try {
        const primaryKey = form.get('primary_key')?.trim();
        const { integration, issued, tablesError } = await createIntegration(this.services, {
          name: form.get('name') ?? '',
          type: form.get('type') ?? 'webhooks',
          primaryKey: primaryKey === '' ? undefined : primaryKey,
        });
        const warning = tablesError === undefined ? undefined : `The URL works, but the tables could not be made yet: ${messageOf(tablesError)} The next query makes them.`;
        return this.shownOnce.put(newUrlPage(integration, issued.token, this.services.webhookBaseUrl, true, warning));
      } catch (error) {
        return htmlReply(statusOf(error), await this.integrationsPage(userMessage(error)));
      }
    }
    if (path === `${CONSOLE_PATH}/sql`) {
      const sql = form.get('sql') ?? '';
      try {
        const result = await this.runSql(assertReadOnlySql(sql), cancelled);
        return htmlReply(200, sqlPage(sql, this.auth.formToken, this.sqlLimits(), result));
      } catch (error) {
        // The user's own SQL: the engine's message is what they need to fix it.
        return htmlReply(400, sqlPage(sql, this.auth.formToken, this.sqlLimits(), undefined, messageOf(error)));
      }
    }
    const tokens = /^\/console\/i\/([^/]+)\/tokens(?:\/([^/]+)\/revoke)?$/.exec(path);
    if (tokens !== null) {
      const schema = decodeURIComponent(tokens[1]);
      try {
        if (tokens[2] === undefined) {
          const { integration, issued } = await issueWebhookToken(this.services, schema);
          return this.shownOnce.put(newUrlPage(integration, issued.token, this.services.webhookBaseUrl, false));
        }
        const revoked = await revokeWebhookToken(this.services.store, schema, decodeURIComponent(tokens[2]), this.services.clock());
        return redirect(`${CONSOLE_PATH}/i/${encodeURIComponent(schema)}?revoked=${encodeURIComponent(revoked.tokenId)}`);
      } catch (error) {
        if (error instanceof NotFoundError && !(await this.exists(schema))) return htmlReply(404, messagePage('Not found', userMessage(error)));
        return this.integrationPage(schema, statusOf(error), { problem: userMessage(error) });
      }
    }
    return htmlReply(404, messagePage('Not found', 'No such console action.'));
  }

  private sqlLimits(): SqlLimits {
    return { maxRows: SQL_MAX_ROWS, timeLimitMs: this.services.sqlTimeLimitMs ?? SQL_TIME_LIMIT_MS };
  }

  /** The SQL box's query: at most SQL_MAX_ROWS rows, stopped at the time limit or when `cancelled` fires. */
  private async runSql(sql: string, cancelled: AbortSignal): Promise<QueryResult> {
    const limitMs = this.sqlLimits().timeLimitMs;
    const late = new AbortController();
    const timer = setTimeout(() => late.abort(new QueryStoppedError(`Stopped after ${limitMs / 1000} s, the time limit here: narrow the query (a WHERE on dt, a LIMIT), or run it with hooklake query.`)), limitMs);
    const signal = AbortSignal.any([cancelled, late.signal]);
    try {
      // An engine that cannot stop a query (Athena, for now) still lets the page answer at the limit.
      return await Promise.race([runQuery(this.services, sql, { maxRows: SQL_MAX_ROWS, signal, readOnly: true }), rejectWhenAborted(signal)]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async exists(schema: string): Promise<boolean> {
    return requireIntegration(this.services.store, schema).then(() => true, () => false);
  }

  private async integrationsPage(problem?: string): Promise<string> {
    const integrations = await this.services.store.listIntegrations();
    const full = await Promise.all(integrations.map(async (i) => (await this.services.store.getIntegration(i.schema)) ?? i));
    let counts: Map<string, Overview> | undefined;
    let countsProblem: string | undefined;
    try {
      counts = await overviews(this.services, full);
    } catch (error) {
      countsProblem = messageOf(error);
    }
    const rows: IntegrationRow[] = await Promise.all(
      full.map(async (integration) => {
        const overview = counts?.get(integration.schema);
        // The counters' reading lists the tokens already; without it, ask the store.
        const activeTokens = overview?.activeTokens ?? (await this.services.store.listTokens(integration.schema)).filter(isActive).length;
        return { integration, activeTokens, overview };
      }),
    );
    return integrationsPage(rows, this.auth.formToken, problem, countsProblem);
  }

  private async integrationPage(schema: string, status: number, messages: { notice?: string; problem?: string }): Promise<Reply> {
    let integration;
    try {
      integration = await requireIntegration(this.services.store, schema);
    } catch (error) {
      return htmlReply(statusOf(error), messagePage('Not found', userMessage(error)));
    }
    const tokens = await listWebhookTokens(this.services.store, integration.schema);
    const activity = await this.activity(integration.schema);
    let recent;
    let rejected;
    let readProblem: string | undefined;
    try {
      recent = await recentRows(this.services.engine, integration.schema, RECENT_ROWS);
      rejected = await recentRejections(this.services.engine, integration.schema, RECENT_ROWS);
    } catch (error) {
      readProblem = messageOf(error);
    }
    const readAt = this.services.clock().toISOString();
    const view = { integration, tokens, activity, recent, rejected, readProblem, readAt, refreshMs: this.services.liveRefreshMs ?? DEFAULT_REFRESH_MS, ...messages };
    return htmlReply(status, integrationPage(view, this.auth.formToken, this.services.webhookBaseUrl));
  }

  private async activity(schema: string) {
    try {
      return activityFragment(await integrationActivity(this.services, schema, DAYS_SHOWN));
    } catch (error) {
      return activityFragment(undefined, messageOf(error));
    }
  }

  /**
   * The form of a POST this console's own page sent, or undefined: same origin (Origin and
   * Sec-Fetch-Site, where the browser sends them), the run's form token, a form body.
   */
  private async trustedForm(request: IncomingMessage): Promise<URLSearchParams | undefined> {
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== `http://${request.headers.host ?? ''}`) return undefined;
    const site = request.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin') return undefined;
    if (!(request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) return undefined;
    const body = await readForm(request);
    if (body === undefined) return undefined;
    const form = new URLSearchParams(body);
    return this.auth.isFormToken(form.get('form_token')) ? form : undefined;
  }
}

/**
 * Post/Redirect/Get for the pages that show a webhook URL: the POST keeps the page here (in memory,
 * never in a URL or a log) under a random id and redirects to it; the first GET takes it away. A
 * reload then says the URL was shown once, instead of sending the form again.
 */
class ShownOnce {
  private readonly pages = new Map<string, { body: string; until: number }>();

  constructor(private readonly randomBytes: (size: number) => Buffer) {}

  put(body: string): Reply {
    const now = Date.now();
    for (const [id, kept] of this.pages) if (kept.until < now) this.pages.delete(id);
    const id = this.randomBytes(16).toString('base64url');
    this.pages.set(id, { body, until: now + SHOWN_ONCE_MS });
    return redirect(`${CONSOLE_PATH}/new-url/${id}`);
  }

  take(id: string): Reply {
    const kept = this.pages.get(id);
    this.pages.delete(id);
    if (kept !== undefined && kept.until >= Date.now()) return htmlReply(200, kept.body);
    return htmlReply(410, messagePage('Shown once', 'That webhook URL was shown once and is not kept. If it was not copied, generate a new URL on the integration\'s page and revoke the one that was lost.'));
  }
}

/** Rejects with the signal's reason once it fires; never resolves. */
function rejectWhenAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

async function readForm(request: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function statusOf(error: unknown): number {
  if (error instanceof ValidationError) return 400;
  if (error instanceof NotFoundError) return 404;
  if (error instanceof ConflictError || error instanceof TokenLimitError) return 409;
  throw error;
}

/** Messages of the user's mistakes are shown; anything else is left to the outer handler (500, logged). */
function userMessage(error: unknown): string {
  statusOf(error);
  return messageOf(error);
}
