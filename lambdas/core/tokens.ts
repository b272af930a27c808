import * as crypto from 'node:crypto';
import { createHash, timingSafeEqual } from 'node:crypto';
import { UnauthorizedError } from './errors';
import { WEBHOOK_TOKEN_PATH } from './webhook-routes';

export const TOKEN_PREFIX = 'hlk_';
export const TOKEN_RANDOM_BYTES = 32;
export const MAX_ACTIVE_TOKENS = 2;
/** `hlk_` + base64url of 32 bytes (43 characters, no padding). */
const TOKEN_PATTERN = /^hlk_[A-Za-z0-9_-]{43}$/;

/** What the store keeps of a token: never the token itself. */
export interface TokenRecord {
  /** Public handle used to list and revoke; derived from the hash, so it reveals nothing. */
  readonly tokenId: string;
  /** Hex SHA-256 of the token. */
  readonly tokenHash: string;
  readonly schema: string;
  readonly createdAt: string;
  readonly revokedAt?: string;
}

export interface IssuedToken {
  /** Shown once to the user, then forgotten. */
  readonly token: string;
  readonly record: TokenRecord;
}

export type RandomBytes = (size: number) => Buffer;

/** Node's one-shot hash (20.12+) costs a fraction of a Hash object: this runs on every webhook. */
const oneShotHash = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;

export function hashToken(token: string): string {
  return oneShotHash !== undefined ? oneShotHash('sha256', token, 'hex') : createHash('sha256').update(token, 'utf8').digest('hex');
}

export function tokenIdFromHash(tokenHash: string): string {
  return `tok_${tokenHash.slice(0, 12)}`;
}

export function issueToken(schema: string, randomBytes: RandomBytes, now: Date): IssuedToken {
  const token = TOKEN_PREFIX + randomBytes(TOKEN_RANDOM_BYTES).toString('base64url');
  const tokenHash = hashToken(token);
  return {
    token,
    record: { tokenId: tokenIdFromHash(tokenHash), tokenHash, schema, createdAt: now.toISOString() },
  };
}

export function looksLikeToken(candidate: string): boolean {
  return TOKEN_PATTERN.test(candidate);
}

export function isActive(record: TokenRecord): boolean {
  return record.revokedAt === undefined;
}

/** Compares a presented token's hash with a stored one in constant time. */
export function tokenMatches(presentedHash: string, storedHash: string): boolean {
  const a = Buffer.from(presentedHash, 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && a.length > 0 && timingSafeEqual(a, b);
}

export interface TokenSources {
  /** `{token}` of `/v1/hooks/{token}`. */
  readonly pathToken?: string;
  readonly authorization?: string;
}

/**
 * Picks the token from the path, `Authorization: Bearer <token>`, or the password of Basic auth,
 * and checks its shape before any store lookup. Error messages never echo the token.
 */
export function extractToken(sources: TokenSources): string {
  const candidate = sources.pathToken ?? tokenFromAuthorization(sources.authorization);
  if (candidate === undefined || candidate === '') {
    throw new UnauthorizedError(
      `No webhook token: POST to ${WEBHOOK_TOKEN_PATH}, or send "Authorization: Bearer <token>" or Basic auth with the token as password.`,
    );
  }
  if (!looksLikeToken(candidate)) {
    throw new UnauthorizedError('Webhook token is not valid: a token starts with "hlk_" followed by 43 characters.');
  }
  return candidate;
}

/**
 * The token of an `Authorization` header, in every form providers send it: `Bearer <token>`, Basic
 * auth with the token as password (`base64(user:token)`), and, as Iterable's header settings make
 * it, `Basic <token>` or `Bearer <token>` with the token as it is or base64-encoded alone.
 */
function tokenFromAuthorization(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^\s*(\S+)\s+(.+?)\s*$/.exec(header);
  if (!match) return undefined;
  const scheme = match[1].toLowerCase();
  const value = match[2];
  if (scheme !== 'bearer' && scheme !== 'basic') return undefined;
  if (looksLikeToken(value)) return value;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  if (looksLikeToken(decoded)) return decoded;
  const colon = decoded.indexOf(':');
  if (scheme === 'basic' && colon !== -1) return decoded.slice(colon + 1);
  // Not a token in any form: passed on as it is, so the check says what is wrong with it.
  return value;
}
