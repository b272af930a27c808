import fc from 'fast-check';
import { requestPath } from '../../local/request-path';

/** What the server routed on before the shortcut, and must still: WHATWG URL's path of the target. */
function parsedPath(target: string | undefined): string {
  try {
    return new URL(target ?? '/', 'http://localhost').pathname;
  } catch {
    return '';
  }
}

describe('requestPath', () => {
  it.each([
    ['/v1/hooks/hlk_abc-DEF_123', '/v1/hooks/hlk_abc-DEF_123'],
    ['/v1/hooks/../../healthz', '/healthz'],
    ['/v1/hooks/a%20b?x=1', '/v1/hooks/a%20b'],
    ['//evil.example/v1/hooks', '/v1/hooks'],
    ['/v1\\hooks', '/v1/hooks'],
    ['http://other.example/healthz', '/healthz'],
    [undefined, '/'],
  ])('%s is routed as %s', (target, expected) => {
    expect(requestPath(target)).toBe(expected);
  });

  it('agrees with a URL parse on any target, plain paths included', () => {
    const plainish = fc.string({ unit: fc.constantFrom('/', 'a', 'Z', '0', '_', '-', '.', '%', '?', '#', '\\', ':', '@', ' ', 'é'), maxLength: 40 });
    fc.assert(
      fc.property(fc.oneof(plainish.map((path) => `/${path}`), plainish, fc.string()), (target) => {
        expect(requestPath(target)).toBe(parsedPath(target));
      }),
      { numRuns: 5000 },
    );
  });
});
