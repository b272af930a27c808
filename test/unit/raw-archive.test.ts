import { gunzipSync, gzipSync } from 'node:zlib';
import { archivedHeaders, joinRawLines, lastExpiredDay, parseRawEntry, rawDayCompactable, rawEntry, rawPartitionPath, splitRawEntry } from '../../lambdas/core/raw-archive';
import { replaySequences, replayUuid } from '../../lambdas/core/replay-ids';

describe('archivedHeaders', () => {
  it('drops credentials, cookies and signatures, whatever their case, and keeps the rest in lower case', () => {
    const kept = archivedHeaders({
      'content-type': 'application/json',
      'User-Agent': 'Iterable-Webhooks/1.0',
      authorization: 'Bearer hlk_secret',
      'proxy-authorization': 'Basic eDp5',
      cookie: 'session=1',
      'x-api-key': 'k',
      'X-Hub-Signature-256': 'sha256=abc',
      'x-shopify-hmac-sha256': 'abc',
      'x-auth-token': 't',
      'x-client-secret': 's',
      'x-cio-timestamp': '1764000000',
      'x-missing': undefined,
    });
    expect(kept).toEqual({ 'content-type': 'application/json', 'user-agent': 'Iterable-Webhooks/1.0', 'x-cio-timestamp': '1764000000' });
  });

  it('redacts a webhook token that a proxy repeated in any header value', () => {
    const token = 'hlk_AbC-123_xyz';
    const kept = archivedHeaders({ referer: `https://hooks.example.com/v1/hooks/${token}?a=1`, 'x-original-url': `/v1/hooks/${token}`, via: '1.1 proxy' });
    expect(JSON.stringify(kept)).not.toContain(token);
    expect(kept).toEqual({ referer: 'https://hooks.example.com/v1/hooks/hlk_[redacted]?a=1', 'x-original-url': '/v1/hooks/hlk_[redacted]', via: '1.1 proxy' });
  });

  it("drops a signing scheme's own header even when its name says nothing", () => {
    expect(archivedHeaders({ 'x-proof': 'abc', 'x-other': '1' }, ['X-Proof'])).toEqual({ 'x-other': '1' });
  });
});

describe('raw archive lines', () => {
  it('round-trips a request, its sequence past 2^53 exactly, in the day folder of its arrival', () => {
    const request = { receivedAt: '2026-11-24T10:00:00.000Z', sequence: 1795428000000123456n, tableVersion: 3, headers: { 'content-type': 'application/json' }, body: '[{"a":1,"é":"😀\\n"}]' };
    const entry = rawEntry({ ...request, body: Buffer.from(request.body) });
    expect(entry.dt).toBe('2026-11-24');
    expect(entry.text).toContain('"sequence":"1795428000000123456"');
    expect(entry.text).not.toContain('\n');
    expect(parseRawEntry(entry.text, gunzipSync)).toEqual(request);
    expect(() => parseRawEntry('{"body":"x"}', gunzipSync)).toThrow(/not a raw archive line/);
    expect(rawPartitionPath('shop', '2026-11-24')).toBe('raw/shop/requests/dt=2026-11-24/');
  });

  it('keeps a gzipped body as such, and reads back the same bytes', () => {
    const body = JSON.stringify(Array.from({ length: 200 }, (_, i) => ({ id: i, text: 'hello world' })));
    const entry = rawEntry({ receivedAt: '2026-11-24T10:00:00.000Z', sequence: 5n, tableVersion: 0, headers: {}, body: Buffer.from(body), gzippedBody: gzipSync(body) });
    expect(entry.text).toContain('"body_gzip_base64":');
    expect(entry.text.length).toBeLessThan(body.length / 2);
    expect(parseRawEntry(entry.text, gunzipSync).body).toBe(body);
  });

  it('expires the days before the last `days` days', () => {
    expect(lastExpiredDay(new Date('2026-11-24T23:00:00Z'), 30)).toBe('2026-10-25');
    expect(lastExpiredDay(new Date('2026-03-01T00:00:00Z'), 1)).toBe('2026-02-28');
  });

  it('compacts a day of the archive unless a replay journal names files of it', () => {
    expect(rawDayCompactable('2026-11-23', undefined)).toBe(true);
    // A replay under way, or stopped part way, carries on by file name over its whole range.
    const started = { from: '2026-11-10', to: '2026-11-20', startedAt: '2026-11-20T09:00:00.000Z' };
    expect(['2026-11-09', '2026-11-10', '2026-11-15', '2026-11-20', '2026-11-21'].map((day) => rawDayCompactable(day, started))).toEqual([true, false, false, false, true]);
    // Finished: days before the reset are done whole; the reset's day stays a list of file names.
    const finished = { ...started, finishedAt: '2026-11-20T09:05:00.000Z' };
    expect(['2026-11-10', '2026-11-19', '2026-11-20', '2026-11-21'].map((day) => rawDayCompactable(day, finished))).toEqual([true, true, false, true]);
    // A replay of days before its reset's day names no file once finished.
    expect(rawDayCompactable('2026-11-12', { ...finished, to: '2026-11-12' })).toBe(true);
    // Days after the reset's hold only requests of the new version: never named, however far --to reaches.
    const farTo = { ...started, to: '2027-01-31' };
    expect(['2026-11-20', '2026-11-21', '2026-12-31'].map((day) => rawDayCompactable(day, farTo))).toEqual([false, true, true]);
    expect(['2026-11-20', '2026-11-21'].map((day) => rawDayCompactable(day, { ...farTo, finishedAt: '2026-11-20T09:05:00.000Z' }))).toEqual([false, true]);
  });
});

describe('replay ids', () => {
  it('counts sequences on from the archived first one, and makes one UUID per version and sequence, the same every time', () => {
    const next = replaySequences(10n);
    expect([next(), next(), next()]).toEqual([10n, 11n, 12n]);
    expect(replayUuid(1, 10n)).toBe(replayUuid(1, 10n));
    expect(replayUuid(1, 10n)).not.toBe(replayUuid(1, 11n));
    expect(replayUuid(2, 10n)).not.toBe(replayUuid(1, 10n));
    expect(replayUuid(1, 10n)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('raw archive lines split for a store with smaller records', () => {
  it('leaves a line that fits, and splits one that does not into parts that join back, in any order', async () => {
    const small = rawEntry({ receivedAt: '2026-11-24T10:00:00.000Z', sequence: 7n, tableVersion: 0, headers: {}, body: Buffer.from('{"a":1}') });
    expect(splitRawEntry(small, 1000)).toEqual([small]);
    const body = JSON.stringify({ text: 'é😀"\\'.repeat(2000) });
    const big = rawEntry({ receivedAt: '2026-11-24T10:00:00.000Z', sequence: 8n, tableVersion: 0, headers: { 'content-type': 'application/json' }, body: Buffer.from(body) });
    const parts = splitRawEntry(big, 4096);
    expect(parts.length).toBeGreaterThan(3);
    for (const part of parts) expect(Buffer.byteLength(part.text)).toBeLessThanOrEqual(4096);
    const lines = [parts[2].text, small.text, ...parts.filter((_, i) => i !== 2).map((part) => part.text).reverse()];
    expect(joinRawLines(lines, gunzipSync)).toEqual({ requests: [parseRawEntry(small.text, gunzipSync), parseRawEntry(big.text, gunzipSync)], incomplete: 0 });
    expect(joinRawLines(lines, gunzipSync).requests[1].body).toBe(body);
    // A part delivered twice counts once; a request missing a part is counted, not a reason to stop.
    expect(joinRawLines([...lines, parts[0].text], gunzipSync)).toMatchObject({ incomplete: 0 });
    expect(joinRawLines([parts[0].text, small.text], gunzipSync)).toEqual({ requests: [parseRawEntry(small.text, gunzipSync)], incomplete: 1 });
  });
});
