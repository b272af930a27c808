import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { UnauthorizedError } from '../../lambdas/core/errors';
import { extractToken, hashToken, issueToken, looksLikeToken, tokenMatches } from '../../lambdas/core/tokens';

const now = new Date('2026-11-23T10:00:00.000Z');

describe('issueToken', () => {
  it('makes hlk_ + base64url of 256 random bits and keeps only its SHA-256', () => {
    const { token, record } = issueToken('shop', randomBytes, now);
    expect(token).toMatch(/^hlk_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token.slice(4), 'base64url')).toHaveLength(32);
    expect(record.tokenHash).toBe(hashToken(token));
    expect(record.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(record)).not.toContain(token.slice(4));
    expect(record).toEqual({ tokenId: `tok_${record.tokenHash.slice(0, 12)}`, tokenHash: record.tokenHash, schema: 'shop', createdAt: now.toISOString() });
  });

  it('uses the random source it is given', () => {
    const fixed = () => Buffer.alloc(32, 0xff);
    expect(issueToken('shop', fixed, now).token).toBe(`hlk_${'_'.repeat(42)}8`);
  });

  it('never issues the same token twice from real randomness', () => {
    const tokens = new Set(Array.from({ length: 200 }, () => issueToken('s', randomBytes, now).token));
    expect(tokens.size).toBe(200);
  });
});

describe('tokenMatches', () => {
  it('is true only for the same hash', () => {
    const a = hashToken('hlk_a');
    expect(tokenMatches(a, a)).toBe(true);
    expect(tokenMatches(a, hashToken('hlk_b'))).toBe(false);
    expect(tokenMatches(a, a.slice(0, 10))).toBe(false);
    expect(tokenMatches('', '')).toBe(false);
  });
});

describe('extractToken', () => {
  const { token } = issueToken('shop', randomBytes, now);

  it('takes the token from the path', () => {
    expect(extractToken({ pathToken: token })).toBe(token);
  });
  it('takes it from Authorization: Bearer', () => {
    expect(extractToken({ authorization: `Bearer ${token}` })).toBe(token);
    expect(extractToken({ authorization: `bearer   ${token} ` })).toBe(token);
  });
  it('takes it from the password of Basic auth, whatever the user name', () => {
    const basic = (user: string) => `Basic ${Buffer.from(`${user}:${token}`).toString('base64')}`;
    expect(extractToken({ authorization: basic('iterable') })).toBe(token);
    expect(extractToken({ authorization: basic('') })).toBe(token);
  });
  it('takes it as Iterable sends it: Basic or Bearer with the token as it is, or base64-encoded alone', () => {
    const base64 = Buffer.from(token).toString('base64');
    for (const authorization of [`Basic ${token}`, `Bearer ${token}`, `Basic ${base64}`, `Bearer ${base64}`, `basic  ${token}`]) {
      expect(extractToken({ authorization })).toBe(token);
    }
  });
  it.each([
    [{}, /No webhook token/],
    [{ authorization: 'Digest abc' }, /No webhook token/],
    [{ authorization: `Basic ${Buffer.from('no-colon').toString('base64')}` }, /not valid/],
    [{ pathToken: 'hlk_short' }, /not valid/],
    [{ authorization: 'Bearer sk_live_something' }, /not valid/],
  ])('refuses %j with 401 and does not echo what it got', (sources, message) => {
    expect(() => extractToken(sources)).toThrow(UnauthorizedError);
    expect(() => extractToken(sources)).toThrow(message);
    try {
      extractToken(sources);
    } catch (error) {
      expect((error as Error).message).not.toContain('sk_live');
      expect((error as Error).message).not.toContain('hlk_short');
    }
  });

  it('accepts exactly the issued shape', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (bytes) => {
        const issued = issueToken('s', () => Buffer.from(bytes), now).token;
        return looksLikeToken(issued) && !looksLikeToken(issued + 'x') && !looksLikeToken(issued.slice(1));
      }),
    );
  });
});
