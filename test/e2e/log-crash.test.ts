import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { runCrashTorture, type TortureReport } from '../support/crash-torture';
import { useTempDir } from '../support/temp-dir';

/** Kills in this test; `npm run test:crash` runs more (test/load/log-crash.ts). */
const CYCLES = 6;

describe('the lake under repeated kill -9 (write-ahead log, its apply, compaction)', () => {
  const root = useTempDir('log-crash');
  let report: TortureReport;
  const seed = Math.floor(Math.random() * 2 ** 31);

  beforeAll(async () => {
    const dataDir = join(root.path, 'data');
    await mkdir(dataDir);
    // The seed is printed only when a check fails (see the test names), so a run stays quiet.
    report = await runCrashTorture({ dataDir, cycles: CYCLES, connections: 12, killAfterMs: [0, 1500], seed, progress: () => undefined });
  }, 240_000);

  it(`acknowledged some requests before every kill, and left some unanswered (seed ${seed})`, () => {
    expect(report.cycles).toHaveLength(CYCLES);
    for (const cycle of report.cycles) expect(cycle.ackedRequests).toBeGreaterThan(0);
    expect(report.cycles.some((cycle) => cycle.unanswered > 0)).toBe(true);
  });

  it(`holds every acknowledged row exactly once, and no row twice, through hooklake query (seed ${seed})`, () => {
    const { final } = report;
    expect({ missing: final.missing, duplicated: final.duplicated, partial: final.partial }).toEqual({ missing: [], duplicated: [], partial: [] });
    expect(final.rows).toBe(final.distinctIds);
    expect(final.rows).toBeGreaterThanOrEqual(report.ackedRows);
  });

  it(`already did so when a query with no server ran right after a kill (seed ${seed})`, () => {
    const checked = report.cycles.filter((cycle) => cycle.midCheck !== undefined);
    expect(checked.length).toBeGreaterThan(0);
    for (const { midCheck } of checked) expect({ missing: midCheck?.missing, duplicated: midCheck?.duplicated, partial: midCheck?.partial }).toEqual({ missing: [], duplicated: [], partial: [] });
  });

  it(`archives every acknowledged request exactly once, and only requests whose rows are in the lake (seed ${seed})`, () => {
    const { archive } = report;
    expect({ missing: archive.missing, duplicated: archive.duplicated, sharedSequences: archive.sharedSequences, incomplete: archive.incomplete, disagreeing: archive.disagreeing }).toEqual({
      missing: [],
      duplicated: [],
      sharedSequences: 0,
      incomplete: 0,
      disagreeing: [],
    });
    expect(archive.requests).toBeGreaterThanOrEqual(report.ackedRequests);
  });

  it('applies the whole log on a clean stop', () => {
    expect(report.stopCode).toBe(0);
    expect(report.segmentsAfterStop).toBe(0);
  });
});
