import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** 256 random bits, base64url: the secret of one run, printed in the console URL. */
const SECRET_BYTES = 32;

export const CONSOLE_PATH = '/console';
export const LOGIN_PATH = `${CONSOLE_PATH}/login`;

/**
 * The console's secrets for one run: the key printed in its URL, exchanged once for a session cookie
 * (HttpOnly, SameSite=Strict, path /console), and a form token every POST must carry. Nothing is kept
 * on disk: a restart prints a new URL and ends every session.
 */
export class ConsoleAuth {
  readonly key: string;
  private readonly session: string;
  /** Unique per run, so two servers on one host keep apart cookies. */
  readonly cookieName: string;
  readonly formToken: string;

  constructor(randomBytes: (size: number) => Buffer) {
    this.key = randomBytes(SECRET_BYTES).toString('base64url');
    this.session = randomBytes(SECRET_BYTES).toString('base64url');
    this.cookieName = `hooklake_console_${createHash('sha256').update(this.session).digest('hex').slice(0, 8)}`;
    this.formToken = createHmac('sha256', this.session).update('form').digest('base64url');
  }

  /** The URL to print: opening it signs the browser in. */
  loginUrl(baseUrl: string): string {
    return `${baseUrl.replace(/\/+$/, '')}${LOGIN_PATH}?key=${this.key}`;
  }

  isKey(candidate: string | null | undefined): boolean {
    return sameSecret(candidate, this.key);
  }

  /** The Set-Cookie header that signs a browser in. */
  sessionCookie(): string {
    return `${this.cookieName}=${this.session}; HttpOnly; SameSite=Strict; Path=${CONSOLE_PATH}`;
  }

  hasSession(cookieHeader: string | undefined): boolean {
    return sameSecret(cookieValue(cookieHeader, this.cookieName), this.session);
  }

  isFormToken(candidate: string | null | undefined): boolean {
    return sameSecret(candidate, this.formToken);
  }
}

/** Compared in constant time over digests, so neither the length nor the content leaks by timing. */
function sameSecret(candidate: string | null | undefined, secret: string): boolean {
  if (typeof candidate !== 'string' || candidate === '') return false;
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(candidate), digest(secret));
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}
