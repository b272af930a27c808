import type { DayCount } from './activity';
import { html, type Html } from './html';

const WIDTH = 560;
const HEIGHT = 120;
const AXIS = 16;

/** Events (and rejected rows, stacked) per day as an inline SVG bar chart. */
export function dailyChart(days: readonly DayCount[]): Html {
  const top = Math.max(1, ...days.map((d) => d.events + d.rejected));
  const slot = WIDTH / Math.max(1, days.length);
  const bar = Math.max(2, slot - 4);
  const scale = (n: number) => (n / top) * (HEIGHT - AXIS - 12);
  return html`<svg class="chart" role="img" aria-label="Events and rejected rows per day (UTC)" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}">
<text x="0" y="10">rows per day (UTC), top: ${top}</text>${legend()}${days.map((d, i) => {
    const x = i * slot + 2;
    const events = scale(d.events);
    const rejected = scale(d.rejected);
    const base = HEIGHT - AXIS;
    return html`<g><title>${d.day}: ${d.events} events, ${d.rejected} rejected</title>
<rect class="data" x="${x}" y="${base - events}" width="${bar}" height="${events}"></rect>
<rect class="rejected" x="${x}" y="${base - events - rejected}" width="${bar}" height="${rejected}"></rect>
${(days.length - 1 - i) % 2 === 0 ? html`<text x="${x}" y="${HEIGHT - 3}">${d.day.slice(5)}</text>` : ''}</g>`;
  })}</svg>`;
}

/** Which colour is which, top right. */
function legend(): Html {
  const x = WIDTH - 130;
  return html`<g class="legend"><rect class="data" x="${x}" y="2" width="10" height="10"></rect><text x="${x + 14}" y="11">events</text>
<rect class="rejected" x="${x + 62}" y="2" width="10" height="10"></rect><text x="${x + 76}" y="11">rejected</text></g>`;
}
