import { replayArchive, type ReplayServices } from '../../lambdas/app/replay-archive';
import type { RawArchiveFile, ReplayState } from '../../lambdas/app/ports';
import { ValidationError } from '../../lambdas/core/errors';
import { newIntegration } from '../../lambdas/core/integration';
import type { ArchivedRequest } from '../../lambdas/core/raw-archive';
import type { LakeBatch } from '../../lambdas/core/rows';
import { recordOf } from '../support/lake-rows';
import { MemoryStore } from '../support/memory-store';

const now = new Date('2026-11-24T12:00:00.000Z');

async function setUp(files: Record<string, ArchivedRequest[]>) {
  const store = new MemoryStore();
  await store.createIntegration(newIntegration({ name: 'Shop' }, now));
  const batches: LakeBatch[] = [];
  let saved: ReplayState | undefined;
  const services: ReplayServices = {
    store,
    sink: { write: async (batch) => (batches.push(batch), { rejected: 0 }) },
    archive: {
      listFiles: async (_schema, from, to) => Object.keys(files).map((key) => ({ dt: key.slice(0, 10), key })).filter((file) => file.dt >= from && file.dt <= to),
      readFile: async (file: RawArchiveFile) => ({ requests: files[file.key], incomplete: 0 }),
    },
    journal: { load: async () => saved, save: async (state) => void (saved = state) },
    clock: () => now,
    maxBodyBytes: 1024 * 1024,
    maxRecordBytes: 1000 * 1024,
  };
  return { store, batches, services, journal: () => saved };
}

const request = (day: string, sequence: bigint, body: string, contentType = 'application/json'): ArchivedRequest => ({ receivedAt: `${day}T09:00:00.000Z`, sequence, headers: { 'content-type': contentType }, body });

describe('replayArchive', () => {
  it('refuses days that are not days, or in the wrong order, before changing anything', async () => {
    const { services, store } = await setUp({});
    await expect(replayArchive(services, 'shop', { from: '2026-11-31' })).rejects.toBeInstanceOf(ValidationError);
    await expect(replayArchive(services, 'shop', { from: '2026-02-30' })).rejects.toThrow(/--from must be a day/);
    await expect(replayArchive(services, 'shop', { from: '2026-11-24', to: '2026-11-01' })).rejects.toThrow(/before --from/);
    await expect(replayArchive(services, 'shop', { from: '2026-12-30' })).rejects.toThrow('--from 2026-12-30 is after today (2026-11-24, UTC)');
    expect((await store.getIntegration('shop'))?.tableVersion).toBe(0);
  });

  it('leaves out requests already stamped in the version it fills, and takes files of the reset day that come late when run again', async () => {
    const files: Record<string, ArchivedRequest[]> = { '2026-11-24/a.json.gz': [{ ...request('2026-11-24', 1000n, '{"id":"old"}'), tableVersion: 0 }] };
    const { services, batches } = await setUp(files);
    const first = await replayArchive(services, 'shop', { from: '2026-11-24' });
    expect(first).toMatchObject({ tableVersion: 1, requests: 1, records: 1 });
    // Firehose delivers a buffer late: an older request, and one that ingest stamped in version 1 already.
    files['2026-11-24/b.json.gz'] = [{ ...request('2026-11-24', 2000n, '{"id":"late"}'), tableVersion: 0 }, { ...request('2026-11-24', 3000n, '{"id":"new"}'), tableVersion: 1 }];
    const again = await replayArchive(services, 'shop', { from: '2026-11-24' });
    expect(again).toMatchObject({ resumed: true, tableVersion: 1, files: 1, requests: 1, records: 1 });
    const ids = batches.flatMap((batch) => batch.rows.map((row) => recordOf(row).id));
    expect(ids).toEqual(['old', 'late']);
  });

  it('keeps a --to after today as given, so the same command carries on tomorrow, and lists the archive again once the journal is saved', async () => {
    const { services, journal } = await setUp({ '2026-11-24/a': [request('2026-11-24', 5n, '{"id":"a"}')] });
    const listings: string[] = [];
    const list = services.archive.listFiles;
    services.archive.listFiles = async (schema, from, to) => {
      listings.push(journal() === undefined ? 'before the journal' : 'after the journal');
      return list(schema, from, to);
    };
    const report = await replayArchive(services, 'shop', { from: '2026-11-24', to: '2027-01-31' });
    expect(report).toMatchObject({ from: '2026-11-24', to: '2027-01-31', requests: 1 });
    expect(listings).toEqual(['before the journal', 'after the journal']);
    expect((await replayArchive(services, 'shop', { from: '2026-11-24', to: '2027-01-31' })).resumed).toBe(true);
    await expect(replayArchive(services, 'shop', { from: '2026-11-24', to: '2027-02-30' })).rejects.toThrow(/--to must be a day/);
  });

  it('refuses days the archive holds nothing of, and a primary key no event has carried, before the reset', async () => {
    const { services, store } = await setUp({ '2026-11-23/a.json.gz': [request('2026-11-23', 1000n, '{"id":"a"}')] });
    await expect(replayArchive(services, 'shop', { from: '2026-11-01', to: '2026-11-02' })).rejects.toThrow(/holds no request of "shop" from 2026-11-01 to 2026-11-02; nothing was changed/);
    await store.addColumns('shop', [{ name: 'id', type: 'string', firstSeenAt: now.toISOString() }]);
    await expect(replayArchive(services, 'shop', { from: '2026-11-23', primaryKey: 'no_such_field' })).rejects.toThrow(/No event of "shop" has carried a field "no_such_field".*Fields seen so far: id\./);
    expect((await store.getIntegration('shop'))?.tableVersion).toBe(0);
    await expect(replayArchive(services, 'shop', { from: '2026-11-23', primaryKey: 'id' })).resolves.toMatchObject({ tableVersion: 1, records: 1 });
  });

  it('stamps each request with its own sequences, UUID keys from the version, and the days asked for only', async () => {
    const { services, batches, journal } = await setUp({
      '2026-11-20/a': [request('2026-11-20', 100n, '{"n":0}')],
      '2026-11-22/b': [request('2026-11-22', 500n, '[{"n":1},{"n":2}]'), request('2026-11-22', 900n, '{"n":3}\n{"bad":\n', 'application/x-ndjson')],
    });
    const report = await replayArchive(services, 'shop', { from: '2026-11-21', to: '2026-11-23' });
    expect(report).toMatchObject({ tableVersion: 1, previousVersion: 0, resumed: false, totalFiles: 1, files: 1, requests: 1, records: 2, rejected: 0 });
    expect(report.skipped).toEqual([{ receivedAt: '2026-11-22T09:00:00.000Z', reason: expect.stringMatching(/line 2/) }]);
    const rows = batches.flatMap((batch) => batch.rows);
    expect(rows.map((row) => row.sequence)).toEqual([500n, 501n]);
    const records = rows.map(recordOf);
    expect(records.map((record) => record._sdc_table_version)).toEqual([1, 1]);
    expect(records.map((record) => record._sdc_batched_at)).toEqual([now.toISOString(), now.toISOString()]);
    expect(new Set(records.map((record) => record.__sdc_primary_key)).size).toBe(2);
    expect(journal()).toMatchObject({ tableVersion: 1, doneDays: ['2026-11-22'], doneFiles: [], finishedAt: now.toISOString() });
    expect(batches.every((batch) => batch.raw === undefined)).toBe(true);
  });

  it('starts a new version when the last replay was of other days, or a reset came since', async () => {
    const { services, store } = await setUp({ '2026-11-22/b': [request('2026-11-22', 500n, '{"n":1}')] });
    await replayArchive(services, 'shop', { from: '2026-11-22', to: '2026-11-22' });
    expect((await replayArchive(services, 'shop', { from: '2026-11-22', to: '2026-11-22' })).resumed).toBe(true);
    expect((await replayArchive(services, 'shop', { from: '2026-11-21', to: '2026-11-22' })).tableVersion).toBe(2);
    await store.raiseTableVersion('shop', { from: 2, at: now });
    expect(await replayArchive(services, 'shop', { from: '2026-11-21', to: '2026-11-22' })).toMatchObject({ resumed: false, previousVersion: 3, tableVersion: 4 });
  });
});
