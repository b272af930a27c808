import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { DISK_BLOCK_BYTES, gzipLines } from '../../local/gzip-lines';
import { storedGzip } from '../../local/stored-gzip';

describe('gzipLines', () => {
  it('compresses the lines as NDJSON, each ended by a newline, in order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.string({ unit: 'grapheme' }).map((text) => text.replace(/\n/g, ' '))), async (lines) => {
        const text = gunzipSync(await gzipLines(lines)).toString('utf8');
        expect(text).toBe(lines.map((line) => `${line}\n`).join(''));
      }),
      { numRuns: 50 },
    );
  });

  it('handles text far larger than one chunk', async () => {
    const lines = Array.from({ length: 3000 }, (_, i) => `{"i":${i},"pad":"${'é'.repeat(300)}"}`);
    expect(gunzipSync(await gzipLines(lines)).toString('utf8')).toBe(`${lines.join('\n')}\n`);
  });
});

describe('small files', () => {
  it('stores text that fits in one disk block as it is, as valid gzip', async () => {
    const lines = ['{"a":"é"}', '{"b":2}'];
    const file = await gzipLines(lines, 1);
    expect(gunzipSync(file).toString('utf8')).toBe('{"a":"é"}\n{"b":2}\n');
    // Stored, not deflated: the text is there byte for byte, and the file still fits the block.
    expect(file.includes(Buffer.from('{"a":"é"}\n{"b":2}\n'))).toBe(true);
    expect(file.length).toBeLessThanOrEqual(DISK_BLOCK_BYTES);
  });

  it('compresses text one block cannot hold', async () => {
    const lines = Array.from({ length: 60 }, (_, i) => `{"i":${i},"pad":"${'x'.repeat(80)}"}`);
    const file = await gzipLines(lines, 1);
    expect(gunzipSync(file).toString('utf8')).toBe(`${lines.join('\n')}\n`);
    expect(file.length).toBeLessThan(1000);
  });
});

describe('storedGzip', () => {
  it('is gzip any reader takes, whatever the bytes and however many blocks they need', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300_000, size: 'max' }), (bytes) => {
        const data = Buffer.from(bytes);
        expect(gunzipSync(storedGzip(data)).equals(data)).toBe(true);
      }),
      { numRuns: 30 },
    );
  });
});
