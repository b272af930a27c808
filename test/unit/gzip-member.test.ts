import { crc32 as zlibCrc32 } from 'node:zlib';
import fc from 'fast-check';
import { combineCrc32 } from '../../local/gzip-member';

describe('combineCrc32', () => {
  it('gives the CRC-32 of two texts one after the other from their own CRCs and the second length', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.uint8Array({ maxLength: 3000 }), (first, second) => {
        const whole = Buffer.concat([first, second]);
        expect(combineCrc32(zlibCrc32(first), zlibCrc32(second), second.length)).toBe(zlibCrc32(whole));
      }),
      { numRuns: 200 },
    );
  });

  it('moves a CRC past more than 2^31 bytes in one step as in two halves (no text that long is built)', () => {
    // Moving a CRC past n bytes at once equals moving it past each half in turn.
    const first = zlibCrc32(Buffer.from('rows'));
    const half = 3 * 2 ** 30;
    const once = combineCrc32(first, 0, 2 * half);
    const twice = combineCrc32(combineCrc32(first, 0, half), 0, half);
    expect(once).toBe(twice);
  });
});
