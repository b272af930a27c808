import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import type { LakeRow } from '../../lambdas/core/rows';
import { GzipRowPacker, gzipOfPacks } from '../../local/gzip-row-packer';

const row = (table: 'data' | '_sdc_rejected', dt: string, text: string, sequence: bigint): LakeRow => ({ table, dt, text, receivedAt: `${dt}T00:00:00.000Z`, sequence });


describe('GzipRowPacker', () => {
  it('packs each table and day into one gzip file holding its rows as NDJSON, in order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ rejected: fc.boolean(), day: fc.constantFrom('2026-11-23', '2026-11-24'), text: fc.string({ unit: 'grapheme' }).map((text) => text.replace(/\n/g, ' ')) }), { maxLength: 40 }),
        (specs) => {
          const packer = new GzipRowPacker(1);
          specs.forEach((spec, i) => packer.add(row(spec.rejected ? '_sdc_rejected' : 'data', spec.day, spec.text, BigInt(i))));
          const packed = packer.finish();
          const expected = new Map<string, string[]>();
          for (const spec of specs) {
            const key = `${spec.rejected ? '_sdc_rejected' : 'data'} ${spec.day}`;
            expected.set(key, [...(expected.get(key) ?? []), spec.text]);
          }
          expect(new Map(packed.map((rows) => [`${rows.table} ${rows.dt}`, gunzipSync(gzipOfPacks([rows])).toString('utf8')]))).toEqual(
            new Map([...expected].map(([key, texts]) => [key, texts.map((text) => `${text}\n`).join('')])),
          );
          for (const rows of packed) expect(rows.rows).toBe(expected.get(`${rows.table} ${rows.dt}`)?.length);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('compresses a large request a segment at a time into a single member whose trailer gives the whole length', () => {
    const packer = new GzipRowPacker(1);
    const texts = Array.from({ length: 3000 }, (_, i) => JSON.stringify({ i, pad: 'é'.repeat(200), n: i * 7 }));
    texts.forEach((text, i) => packer.add(row('data', '2026-11-24', text, BigInt(i))));
    const [packed] = packer.finish();
    const file = gzipOfPacks([packed]);
    const text = gunzipSync(file);
    expect(text.toString('utf8')).toBe(`${texts.join('\n')}\n`);
    // Several segments, yet the compactor's size reading (the last 4 bytes) sees all of it.
    expect(packed.segments.length).toBeGreaterThan(1);
    expect(file.readUInt32LE(file.length - 4)).toBe(text.length);
    expect(file.length).toBeLessThan(text.length / 5);
  });

  it('joins the packs of several requests of one table and day into one member, in order', () => {
    const packs = [0, 1, 2].map((k) => {
      const packer = new GzipRowPacker(1);
      for (let n = 0; n < 1500; n++) packer.add(row('data', '2026-11-24', JSON.stringify({ k, n, pad: 'ü'.repeat(100) }), BigInt(n)));
      return packer.finish()[0];
    });
    const file = gzipOfPacks(packs);
    const text = gunzipSync(file);
    const lines = text.toString('utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as { k: number; n: number });
    expect(lines).toHaveLength(4500);
    expect(lines.map((line) => line.k * 10_000 + line.n)).toEqual([0, 1, 2].flatMap((k) => Array.from({ length: 1500 }, (_, n) => k * 10_000 + n)));
    expect(file.readUInt32LE(file.length - 4)).toBe(text.length);
  });
});
