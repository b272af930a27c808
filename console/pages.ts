/** The console's pages, server-rendered; every value goes through the `html` tag (escaped). */
import type { QueryResult } from '../lambdas/app/ports';
import { INTEGRATION_TYPES, type Integration } from '../lambdas/core/integration';
import { PRESETS, presetOf } from '../lambdas/core/presets';
import { MAX_ACTIVE_TOKENS, type TokenRecord } from '../lambdas/core/tokens';
import { webhookUrl } from '../lambdas/core/webhook-routes';
import { LAST_EVENT_LOOKBACK_DAYS } from '../lambdas/app/loading-report';
import type { Activity, Overview } from './activity';
import { CONSOLE_PATH } from './auth';
import { dailyChart } from './chart';
import { html, type Html } from './html';
import { dataTable, errorBox, formToken, page } from './layout';

export interface IntegrationRow {
  readonly integration: Integration;
  readonly activeTokens: number;
  readonly overview?: Overview;
}

const integrationPath = (schema: string) => `${CONSOLE_PATH}/i/${encodeURIComponent(schema)}`;

/** Signature checking as one short phrase and whether it is in force. */
export function signatureState(integration: Integration): { text: string; ok: boolean } {
  if (integration.signing !== undefined) return { text: 'checked', ok: true };
  const preset = presetOf(integration.type);
  if (preset.signature !== undefined) return { text: `no key set (${preset.provider} signs)`, ok: false };
  return { text: 'not used (token only)', ok: true };
}

function status(row: IntegrationRow): Html {
  if (row.activeTokens === 0) return html`<span class="badge bad">no active URL</span>`;
  const overview = row.overview;
  if (overview === undefined) return html`<span class="badge">unknown</span>`;
  // The integration's own threshold, as `hooklake status` flags it, comes before the 7-day view.
  if (overview.silentPast !== null) return html`<span class="badge bad">silent for over ${overview.silentPast}</span>`;
  if (overview.events7Days > 0) return html`<span class="badge ok">receiving</span>`;
  if (overview.lastEventAt !== null) return html`<span class="badge">silent for 7 days</span>`;
  return html`<span class="badge">${overview.awaitingFirstEvent ? 'waiting for first event' : `no events in ${LAST_EVENT_LOOKBACK_DAYS} days`}</span>`;
}

export function integrationsPage(rows: readonly IntegrationRow[], token: string, problem?: string, countsProblem?: string): string {
  return page(
    'Integrations',
    html`<h1>Integrations</h1>
${problem === undefined ? '' : errorBox(problem)}
${countsProblem === undefined ? '' : html`<div class="notice">Counts unavailable: ${countsProblem}</div>`}
${rows.length === 0
  ? html`<p class="muted">No integrations yet: create one below.</p>`
  : html`<table id="integrations"><thead><tr><th>Name</th><th>Schema</th><th>Type</th><th>Primary key</th><th>Signatures</th><th>Active URLs</th><th>Events today</th><th>Events 7 days</th><th>Last event</th><th>Status</th></tr></thead><tbody>
${rows.map((row) => {
  const i = row.integration;
  const signature = signatureState(i);
  return html`<tr data-schema="${i.schema}"><td><a href="${integrationPath(i.schema)}">${i.name}</a></td><td>${i.schema}</td><td>${i.type}</td><td>${i.primaryKey ?? html`<span class="muted">none</span>`}</td>
<td><span class="badge ${signature.ok ? '' : 'bad'}">${signature.text}</span></td><td class="num">${row.activeTokens}</td>
<td class="num">${row.overview?.eventsToday ?? '–'}</td><td class="num">${row.overview?.events7Days ?? '–'}</td><td>${row.overview?.lastEventAt ?? ''}</td><td>${status(row)}</td></tr>`;
})}</tbody></table>`}
<h2>Create an integration</h2>
<form method="post" action="${CONSOLE_PATH}/integrations" id="create-integration">${formToken(token)}
<label>Name <input type="text" name="name" required maxlength="200" placeholder="Stitch Iterable"></label>
<label>Type <select name="type">${INTEGRATION_TYPES.map((t) => html`<option value="${t}">${t} (${PRESETS[t].provider})</option>`)}</select></label>
<label>Primary key <input type="text" name="primary_key" maxlength="50" placeholder="the preset's default"></label>
<button class="primary" type="submit">Create</button></form>
<p class="muted">The schema is derived from the name. The webhook URL is shown once, right after.</p>`,
  );
}

/** The one time a webhook URL is shown: with a copy button and the provider's setup steps. */
export function newUrlPage(integration: Integration, token: string, baseUrl: string, created: boolean, warning?: string): string {
  const url = webhookUrl(baseUrl, token);
  return page(
    created ? 'Integration created' : 'New webhook URL',
    html`<h1>${created ? html`Created ${integration.name}` : html`New webhook URL for ${integration.name}`}</h1>
${warning === undefined ? '' : html`<div class="notice">${warning}</div>`}
<div class="secret"><p><strong>Webhook URL</strong> (shown only now; it holds the token, keep it secret):</p>
<p><code id="webhook-url">${url}</code> <button type="button" data-copy="webhook-url" id="copy-url">Copy</button></p></div>
<p>Schema <code>${integration.schema}</code>; tables <code>${integration.schema}.data</code>, <code>${integration.schema}.data_latest</code>, <code>${integration.schema}._sdc_rejected</code>.</p>
${setupSteps(integration, url)}
<p><a href="${integrationPath(integration.schema)}">Go to ${integration.name}</a></p>`,
  );
}

function setupSteps(integration: Integration, url: string): Html {
  const preset = presetOf(integration.type);
  const steps = [...preset.setup(url), ...(preset.signingKeyStep === undefined ? [] : [preset.signingKeyStep, `Then turn signature checking on: hooklake integrations set-secret ${integration.schema} < key.txt`])];
  return html`<h2>Setup in ${preset.provider}</h2><ol class="steps">${steps.map((s) => html`<li>${s}</li>`)}</ol>`;
}

export interface DetailView {
  readonly integration: Integration;
  readonly tokens: readonly TokenRecord[];
  readonly activity: Html;
  readonly recent?: QueryResult;
  readonly rejected?: QueryResult;
  readonly readProblem?: string;
  /** When the recent and rejected rows were read (ISO 8601); they are not refreshed live. */
  readonly readAt: string;
  readonly refreshMs: number;
  readonly notice?: string;
  readonly problem?: string;
}

export function integrationPage(view: DetailView, token: string, baseUrl: string): string {
  const i = view.integration;
  const active = view.tokens.filter((t) => t.revokedAt === undefined).length;
  const signature = signatureState(i);
  return page(
    i.name,
    html`<h1>${i.name} <span class="muted mono">${i.schema}</span></h1>
${view.notice === undefined ? '' : html`<div class="notice" role="status">${view.notice}</div>`}
${view.problem === undefined ? '' : errorBox(view.problem)}
<table class="facts"><tbody>
<tr><th>Type</th><td>${i.type} (${presetOf(i.type).provider})</td></tr>
<tr><th>Primary key</th><td>${i.primaryKey ?? 'none: each row gets a __sdc_primary_key UUID'}</td></tr>
<tr><th>Signatures</th><td><span class="badge ${signature.ok ? '' : 'bad'}">${signature.text}</span></td></tr>
<tr><th>Table version</th><td>${i.tableVersion}</td></tr>
<tr><th>Created</th><td>${i.createdAt}</td></tr>
<tr><th>Tables</th><td>${i.schema}.data, ${i.schema}.data_latest, ${i.schema}._sdc_rejected</td></tr>
</tbody></table>
<h2>Webhook URLs <span class="muted">(${active} of ${MAX_ACTIVE_TOKENS} active)</span></h2>
<table id="tokens"><thead><tr><th>Token id</th><th>Status</th><th>Created</th><th>Revoked</th><th></th></tr></thead><tbody>
${view.tokens.map(
  (t) => html`<tr data-token-id="${t.tokenId}"><td>${t.tokenId}</td><td>${t.revokedAt === undefined ? html`<span class="badge ok">active</span>` : html`<span class="badge">revoked</span>`}</td><td>${t.createdAt}</td><td>${t.revokedAt ?? ''}</td>
<td>${t.revokedAt === undefined ? html`<form class="inline" method="post" action="${integrationPath(i.schema)}/tokens/${encodeURIComponent(t.tokenId)}/revoke" data-confirm="Revoke ${t.tokenId}? Its URL answers 401 from now on.">${formToken(token)}<button class="danger" type="submit">Revoke</button></form>` : ''}</td></tr>`,
)}</tbody></table>
<form method="post" action="${integrationPath(i.schema)}/tokens" id="generate-url">${formToken(token)}<button type="submit" ${active >= MAX_ACTIVE_TOKENS ? 'disabled' : ''}>Generate URL</button>
${active >= MAX_ACTIVE_TOKENS ? html`<span class="muted">Revoke one first: at most ${MAX_ACTIVE_TOKENS} are active.</span>` : ''}</form>
<h2>Events per day <span class="muted">(refreshed every ${Math.round(view.refreshMs / 1000)} s)</span></h2>
<div id="activity" data-live="${integrationPath(i.schema)}/activity" data-every="${view.refreshMs}">${view.activity}</div>
${view.readProblem === undefined ? '' : errorBox(`Rows could not be read: ${view.readProblem}`)}
<h2>Recent rows <span class="muted" id="rows-read-at">(as of ${view.readAt.slice(11, 19)} UTC; reload for newer)</span></h2>${view.recent === undefined ? '' : html`<div id="recent-rows">${dataTable(view.recent.columns, view.recent.rows, 'No rows yet.')}</div>`}
<h2>Rejected rows <span class="muted">(as of ${view.readAt.slice(11, 19)} UTC; reload for newer)</span></h2>${view.rejected === undefined ? '' : html`<div id="rejected-rows">${dataTable(view.rejected.columns, view.rejected.rows, 'No rejected rows.')}</div>`}
${setupSteps(i, webhookUrl(baseUrl, '<token>'))}
<p><a href="${CONSOLE_PATH}/sql?q=${encodeURIComponent(`SELECT * FROM ${i.schema}.data LIMIT 100`)}">Query ${i.schema}.data</a></p>`,
  );
}

/** The live part of an integration's page: today's counts, the last event, the chart and a table per day. */
export function activityFragment(activity: Activity | undefined, problem?: string): Html {
  if (activity === undefined) return html`<p class="muted">Counts unavailable: ${problem ?? ''}</p>`;
  const { days } = activity;
  const today = days[days.length - 1];
  return html`<p>Today: <strong id="events-today">${today.events}</strong> events, <strong id="rejected-today">${today.rejected}</strong> rejected. Last event: <span id="last-event">${activity.lastEventAt ?? `none in ${LAST_EVENT_LOOKBACK_DAYS} days`}</span>.</p>
${dailyChart(days)}
<table id="daily-counts" class="compact"><thead><tr><th>Day (UTC)</th>${days.map((d) => html`<th>${d.day.slice(5)}</th>`)}</tr></thead><tbody>
<tr><th>Events</th>${days.map((d) => html`<td class="num">${d.events}</td>`)}</tr>
<tr><th>Rejected</th>${days.map((d) => html`<td class="num">${d.rejected}</td>`)}</tr></tbody></table>`;
}

/** What the SQL box holds to: rows shown at most and how long a query may run. */
export interface SqlLimits {
  readonly maxRows: number;
  readonly timeLimitMs: number;
}

function rowCount(result: QueryResult, maxRows: number): string {
  if (result.truncated === true) return `The first ${maxRows.toLocaleString('en-US')} rows; the result has more (aggregate, or add a LIMIT or a WHERE).`;
  return plural(result.rows.length, 'row');
}

/** "1 row", "2 rows", "1,000 rows". */
export function plural(count: number, noun: string): string {
  return `${count.toLocaleString('en-US')} ${noun}${count === 1 ? '' : 's'}`;
}

export function sqlPage(sql: string, token: string, limits: SqlLimits, result?: QueryResult, problem?: string): string {
  return page(
    'SQL',
    html`<h1>SQL</h1>
<form method="post" action="${CONSOLE_PATH}/sql" id="sql-form">${formToken(token)}
<textarea name="sql" id="sql" spellcheck="false" placeholder="SELECT * FROM my_webhooks.data LIMIT 10">${sql}</textarea>
<p><button class="primary" type="submit">Run</button> <span class="muted">Read-only: one statement that reads. Tables: &lt;schema&gt;.data, &lt;schema&gt;.data_latest, &lt;schema&gt;._sdc_rejected.
Shows at most ${limits.maxRows.toLocaleString('en-US')} rows; a query still running after ${limits.timeLimitMs / 1000} s is stopped (hooklake query has neither limit).</span></p></form>
${problem === undefined ? '' : errorBox(problem)}
${result === undefined ? '' : html`<p class="muted" id="row-count">${rowCount(result, limits.maxRows)}</p><div id="sql-result">${dataTable(result.columns, result.rows, 'No rows.')}</div>`}`,
  );
}

export function messagePage(title: string, message: string): string {
  return page(title, html`<h1>${title}</h1><p>${message}</p>`);
}
