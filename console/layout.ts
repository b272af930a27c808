import { CONSOLE_PATH } from './auth';
import { cellText, html, type Html, type HtmlValue } from './html';

/** A whole page: header with the console's sections, the body, the one script. */
export function page(title: string, body: Html): string {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Hooklake</title><link rel="icon" href="${CONSOLE_PATH}/assets/icon.svg" type="image/svg+xml"><link rel="stylesheet" href="${CONSOLE_PATH}/assets/console.css"></head>
<body><header><strong>Hooklake</strong><a href="${CONSOLE_PATH}/">Integrations</a><a href="${CONSOLE_PATH}/sql">SQL</a></header>
<main>${body}</main><script src="${CONSOLE_PATH}/assets/console.js"></script></body></html>`.text;
}

/** Characters of one value put in a page at most: a few large values would otherwise make it huge. */
export const MAX_CELL_CHARS = 2000;

/** A result table: column names as headers, every value as text (JSON for objects), cut to one line; NULL as a muted "null". */
export function dataTable(columns: readonly string[], rows: readonly Record<string, unknown>[], emptyText: string): Html {
  if (rows.length === 0) return html`<p class="muted">${emptyText}</p>`;
  return html`<div class="scroll"><table class="data"><thead><tr>${columns.map((c) => html`<th>${c}</th>`)}</tr></thead><tbody>${rows.map(
    (row) => html`<tr>${columns.map((c) => html`<td>${cell(row[c])}</td>`)}</tr>`,
  )}</tbody></table></div>`;
}

function cell(value: unknown): Html {
  if (value === null || value === undefined) return html`<span class="null">null</span>`;
  const text = cellText(value);
  const shown = text.length > MAX_CELL_CHARS ? `${text.slice(0, MAX_CELL_CHARS)}… (${(text.length - MAX_CELL_CHARS).toLocaleString('en-US')} more characters)` : text;
  return html`<div class="cell" title="${shown}">${shown}</div>`;
}

/** The hidden form token every POST carries. */
export function formToken(token: string): Html {
  return html`<input type="hidden" name="form_token" value="${token}">`;
}

export function errorBox(message: HtmlValue): Html {
  return html`<div class="error" role="alert">${message}</div>`;
}
