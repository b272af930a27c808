import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { accessLogLineBytes, ASSUMPTIONS, costLines, costReport, lakeRowBytes, PRICES, totalOf, WORKLOADS, type Workload } from '../../bench/cost-model';
import packageJson from '../../package.json';

const README = join(__dirname, '..', '..', 'README.md');
const lineOf = (workload: Workload, start: string) => costLines(workload).find((line) => line.name.startsWith(start))?.usd;
const [oneEvent, hundredEvents] = WORKLOADS;

describe('cost model', () => {
  it('is the table the README shows, and `npm run cost` prints it', () => {
    const readme = readFileSync(README, 'utf8');
    const block = /<!-- cost-model:start -->\n([\s\S]*?)\n<!-- cost-model:end -->/.exec(readme)?.[1];
    expect(block).toBe(costReport());
    expect(packageJson.scripts.cost).toBe('tsx bench/print-cost.ts');
  });

  it('bills a 1-event request one Firehose record rounded up to 5 KB', () => {
    expect(lakeRowBytes(ASSUMPTIONS.eventBytes)).toBeLessThan(5120);
    expect(lineOf(oneEvent, 'Firehose ingestion')).toBeCloseTo(((1_000_000 * 5120) / 1e9) * PRICES.firehoseIngestGb.usd, 10);
  });

  it('bills packed rows by their bytes, not 5 KB each: a 100-event request is one record', () => {
    const rowBytes = lakeRowBytes(ASSUMPTIONS.eventBytes);
    const record = 100 * rowBytes + 99;
    const billed = Math.ceil(record / 5120) * 5120;
    expect(lineOf(hundredEvents, 'Firehose ingestion')).toBeCloseTo(((10_000 * billed) / 1e9) * PRICES.firehoseIngestGb.usd, 10);
    expect(lineOf(hundredEvents, 'Firehose ingestion')).toBeLessThan((lineOf(oneEvent, 'Firehose ingestion') ?? 0) / 3);
  });

  it('charges the per-request lines per request, so 100-event requests pay a hundredth of them per event', () => {
    for (const start of ['API Gateway', 'Lambda requests', 'CloudWatch Logs ingestion']) {
      expect(lineOf(hundredEvents, start)).toBeCloseTo((lineOf(oneEvent, start) ?? 0) / 100, 10);
    }
  });

  it('counts one access-log line per request and, at the stack\'s WARN level, no function line', () => {
    const bytes = 1_000_000 * (accessLogLineBytes() + ASSUMPTIONS.logEventOverheadBytes);
    expect(lineOf(oneEvent, 'CloudWatch Logs ingestion')).toBeCloseTo((bytes / 1e9) * PRICES.logsIngestGb.usd, 10);
  });

  it('adds every line into the total', () => {
    for (const workload of WORKLOADS) {
      const lines = costLines(workload);
      expect(lines.length).toBeGreaterThanOrEqual(15);
      expect(totalOf(lines)).toBeCloseTo(lines.reduce((sum, line) => sum + line.usd, 0), 12);
      for (const line of lines) expect(line.usd).toBeGreaterThanOrEqual(0);
    }
  });
});
