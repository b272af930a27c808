import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { gzipLines } from '../../local/gzip-lines';

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
