/** The console's icon (the browser asks for one on every page): a lake-blue square with an H. */
export const CONSOLE_ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#0969da"/><path d="M4.5 3.5v9M11.5 3.5v9M4.5 8h7" stroke="#fff" stroke-width="2"/></svg>`;

/**
 * The console's only stylesheet and script, served from /console/assets/ (the Content-Security-Policy
 * allows nothing else: no inline script, no CDN). The script copies a URL and refreshes live counts.
 */
export const CONSOLE_CSS = `
:root { --fg: #1f2328; --muted: #656d76; --line: #d0d7de; --head: #f6f8fa; --accent: #0969da; --bad: #cf222e; --ok: #1a7f37; }
* { box-sizing: border-box; }
body { margin: 0; font: 13px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: #fff; }
header { display: flex; gap: 20px; align-items: center; padding: 8px 16px; background: #24292f; color: #fff; }
header a { color: #fff; text-decoration: none; opacity: .85; }
header a:hover { opacity: 1; }
header strong { font-size: 14px; margin-right: 8px; }
main { padding: 16px; max-width: 1400px; }
h1 { font-size: 18px; margin: 4px 0 12px; } h2 { font-size: 14px; margin: 20px 0 8px; }
a { color: var(--accent); }
code, pre, .mono, td { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid var(--line); padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: var(--head); font-weight: 600; font-family: system-ui, sans-serif; white-space: nowrap; }
td.num { text-align: right; }
td .cell { max-width: 420px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.scroll { overflow-x: auto; }
.muted { color: var(--muted); }
.badge { display: inline-block; padding: 0 6px; border-radius: 9px; border: 1px solid var(--line); font-size: 11px; font-family: system-ui, sans-serif; }
.badge.ok { color: var(--ok); border-color: var(--ok); } .badge.bad { color: var(--bad); border-color: var(--bad); }
.notice { padding: 8px 12px; border: 1px solid var(--line); background: var(--head); margin: 8px 0; }
.error { padding: 8px 12px; border: 1px solid var(--bad); color: var(--bad); background: #ffebe9; margin: 8px 0; white-space: pre-wrap; }
.secret { padding: 10px 12px; border: 1px solid #bf8700; background: #fff8c5; margin: 8px 0; }
.secret code { font-size: 13px; word-break: break-all; }
form.inline { display: inline; }
label { display: inline-block; margin-right: 12px; }
input, select, textarea, button { font: inherit; }
input[type=text], select { padding: 3px 6px; border: 1px solid var(--line); border-radius: 4px; }
textarea { width: 100%; min-height: 90px; font-family: ui-monospace, monospace; font-size: 12px; padding: 6px; border: 1px solid var(--line); }
button { padding: 3px 10px; border: 1px solid var(--line); border-radius: 4px; background: var(--head); cursor: pointer; }
button.primary { background: #1f883d; color: #fff; border-color: #1a7f37; }
button.danger { color: var(--bad); }
ol.steps li { margin: 4px 0; }
svg.chart { max-width: 100%; height: auto; }
svg.chart rect.data { fill: #54aeff; } svg.chart rect.rejected { fill: #ff8182; } svg.chart text { font: 10px system-ui, sans-serif; fill: var(--muted); }
td .null { color: var(--muted); font-style: italic; }
/* On a narrow screen wide tables scroll sideways by themselves, instead of widening the page. */
@media (max-width: 900px) {
  main { padding: 8px; }
  header { flex-wrap: wrap; gap: 12px; }
  main table:not(.data) { display: block; max-width: 100%; overflow-x: auto; }
}
`;

export const CONSOLE_JS = `
'use strict';
// Copy buttons: data-copy names the element whose text is copied.
document.addEventListener('click', async (event) => {
  const button = event.target.closest('button[data-copy]');
  if (!button) return;
  const text = document.getElementById(button.dataset.copy).textContent;
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    const range = document.createRange();
    range.selectNodeContents(document.getElementById(button.dataset.copy));
    getSelection().removeAllRanges();
    getSelection().addRange(range);
    document.execCommand('copy');
  }
  button.textContent = 'Copied';
});
// A notice at the top of the page while live parts cannot refresh; none when text is empty.
function liveNotice(text) {
  let notice = document.getElementById('live-notice');
  if (!text) return notice && notice.remove();
  if (!notice) {
    notice = document.createElement('div');
    notice.id = 'live-notice';
    notice.className = 'error';
    notice.setAttribute('role', 'alert');
    document.querySelector('main').prepend(notice);
  }
  notice.textContent = text;
}
// Live counts: an element with data-live is refreshed from its URL (server-rendered, escaped HTML).
// A failed refresh says why and is tried again at the next tick.
for (const element of document.querySelectorAll('[data-live]')) {
  setInterval(async () => {
    try {
      const response = await fetch(element.dataset.live, { credentials: 'same-origin' });
      if (response.status === 401) return liveNotice('Signed out: the server restarted. Open the new console link it printed.');
      if (!response.ok) return liveNotice('Counts not refreshed (the server answered ' + response.status + '); retrying.');
      element.innerHTML = await response.text();
      liveNotice('');
    } catch {
      liveNotice('Server not reachable; retrying.');
    }
  }, Number(element.dataset.every || 3000));
}
// Buttons that ask first (revoking a URL).
document.addEventListener('submit', (event) => {
  const question = event.target.dataset.confirm;
  if (question && !confirm(question)) event.preventDefault();
});
`;
