/**
 * How an integration checks that a webhook comes from its provider: the signature scheme (what is
 * signed, where the signature and timestamp travel) and the keys it verifies with. The check itself
 * is in signature-check.ts; this module holds the configuration and its rules.
 */
import { ValidationError } from './errors';

export const HMAC_ALGORITHMS = ['sha1', 'sha256', 'sha512'] as const;
export type HmacAlgorithm = (typeof HMAC_ALGORITHMS)[number];
export const SIGNATURE_ENCODINGS = ['hex', 'base64'] as const;
export type SignatureEncoding = (typeof SIGNATURE_ENCODINGS)[number];

/** How far a signed timestamp may be from the server's clock, by default. */
export const DEFAULT_TOLERANCE_SECONDS = 300;
export const MAX_TOLERANCE_SECONDS = 24 * 60 * 60;
/** Two keys verify during a rotation: the one the provider signs with now and the one it moves to. */
export const MAX_SIGNING_KEYS = 2;

const BODY = '{body}';
const TIMESTAMP = '{timestamp}';

interface SchemeBase {
  /** Header carrying the signature, in lower case as requests are handed over. */
  readonly signatureHeader: string;
  /** Header carrying the signed Unix time in seconds, in lower case; absent: no timestamp is signed. */
  readonly timestampHeader?: string;
  /** What is signed: `{timestamp}` and `{body}` (the raw bytes) with any literal text between. */
  readonly signedPayload: string;
  readonly toleranceSeconds: number;
}

/** A shared secret: HMAC of the signed payload, as Customer.io, GitHub, Shopify and Stripe sign. */
export interface HmacScheme extends SchemeBase {
  readonly kind: 'hmac';
  readonly algorithm: HmacAlgorithm;
  readonly encoding: SignatureEncoding;
  /** Text before the signature in the header, e.g. `sha256=`. */
  readonly prefix?: string;
  /**
   * When the header is a list of `key=value` pairs (Stripe: `t=...,v1=...`), the key whose values
   * are signatures; any of them may match.
   */
  readonly signatureField?: string;
  /** The key of that list holding the timestamp (Stripe: `t`), instead of a header of its own. */
  readonly timestampField?: string;
}

/** A public key: ECDSA P-256 with SHA-256 over the signed payload, the signature in base64 DER (SendGrid). */
export interface EcdsaScheme extends SchemeBase {
  readonly kind: 'ecdsa-p256';
}

export type SignatureScheme = HmacScheme | EcdsaScheme;

/**
 * A signing secret (or verification key) that never shows itself by accident: JSON, string
 * conversion and inspection print a placeholder. Only `reveal()` gives the text.
 */
export class SigningSecret {
  readonly #text: string;

  constructor(text: string) {
    this.#text = text;
  }

  reveal(): string {
    return this.#text;
  }

  toJSON(): string {
    return '[secret]';
  }

  toString(): string {
    return '[secret]';
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return 'SigningSecret([secret])';
  }
}

export interface SigningKey {
  readonly secret: SigningSecret;
  /** ISO 8601 UTC. */
  readonly addedAt: string;
}

/** An integration's signature checking: on whenever it is present (it always has a key). */
export interface SigningConfig {
  readonly scheme: SignatureScheme;
  /** Oldest first; at most MAX_SIGNING_KEYS. Any of them verifies. */
  readonly keys: readonly SigningKey[];
}

/** What may be told about an integration's signing: the whole scheme, and when each key was added; never a key. */
export interface SigningSummary {
  readonly scheme: SignatureScheme;
  readonly keysAddedAt: readonly string[];
}

export function summarizeSigning(signing: SigningConfig | undefined): SigningSummary | null {
  return signing === undefined ? null : { scheme: signing.scheme, keysAddedAt: signing.keys.map((key) => key.addedAt) };
}

/** What a user may say about a generic HMAC scheme; everything but the header has a default. */
export interface HmacSchemeInput {
  readonly signatureHeader?: string;
  readonly algorithm?: string;
  readonly encoding?: string;
  readonly prefix?: string;
  readonly signatureField?: string;
  readonly timestampHeader?: string;
  readonly timestampField?: string;
  readonly signedPayload?: string;
  readonly toleranceSeconds?: number;
}

/** A generic HMAC scheme from the user's options, checked so that a mistake shows now, not as 401s later. */
export function hmacScheme(input: HmacSchemeInput): HmacScheme {
  if (input.signatureHeader === undefined) {
    throw new ValidationError('Name the header the sender puts its signature in, e.g. --signature-header X-Hub-Signature-256.');
  }
  const algorithm = oneOf('--algorithm', input.algorithm ?? 'sha256', HMAC_ALGORITHMS);
  const encoding = oneOf('--encoding', input.encoding ?? 'hex', SIGNATURE_ENCODINGS);
  if (input.timestampHeader !== undefined && input.timestampField !== undefined) {
    throw new ValidationError('Give either --timestamp-header or --timestamp-field, not both: the timestamp comes from one place.');
  }
  if (input.timestampField !== undefined && input.signatureField === undefined) {
    throw new ValidationError('--timestamp-field reads a key of a "key=value,..." signature header; give --signature-field as well (Stripe: --signature-field v1 --timestamp-field t).');
  }
  const hasTimestamp = input.timestampHeader !== undefined || input.timestampField !== undefined;
  const scheme: HmacScheme = {
    kind: 'hmac',
    signatureHeader: headerName('--signature-header', input.signatureHeader),
    algorithm,
    encoding,
    signedPayload: input.signedPayload ?? (hasTimestamp ? `${TIMESTAMP}.${BODY}` : BODY),
    toleranceSeconds: toleranceOf(input.toleranceSeconds),
    ...(input.prefix === undefined || input.prefix === '' ? {} : { prefix: input.prefix }),
    ...(input.signatureField === undefined ? {} : { signatureField: fieldName('--signature-field', input.signatureField) }),
    ...(input.timestampHeader === undefined ? {} : { timestampHeader: headerName('--timestamp-header', input.timestampHeader) }),
    ...(input.timestampField === undefined ? {} : { timestampField: fieldName('--timestamp-field', input.timestampField) }),
  };
  checkSignedPayload(scheme.signedPayload, hasTimestamp);
  return scheme;
}

/** The scheme with another tolerance; the one setting a preset's scheme lets a user change. */
export function withTolerance<S extends SignatureScheme>(scheme: S, toleranceSeconds: number | undefined): S {
  return toleranceSeconds === undefined ? scheme : { ...scheme, toleranceSeconds: toleranceOf(toleranceSeconds) };
}

/** The template split into literal text and the two placeholders, in order. */
export function signedPayloadParts(template: string): ({ literal: string } | { timestamp: true } | { body: true })[] {
  return template
    .split(/(\{timestamp\}|\{body\})/)
    .filter((part) => part !== '')
    .map((part) => (part === TIMESTAMP ? { timestamp: true as const } : part === BODY ? { body: true as const } : { literal: part }));
}

function checkSignedPayload(template: string, hasTimestamp: boolean): void {
  const bodies = template.split(BODY).length - 1;
  if (bodies !== 1) {
    throw new ValidationError(`The signed payload "${template}" must hold ${BODY} exactly once, e.g. "${TIMESTAMP}.${BODY}".`);
  }
  if (template.includes(TIMESTAMP) && !hasTimestamp) {
    throw new ValidationError(`The signed payload "${template}" uses ${TIMESTAMP}; say where it comes from with --timestamp-header (or --timestamp-field).`);
  }
  if (!template.includes(TIMESTAMP) && hasTimestamp) {
    throw new ValidationError(`A timestamp is read but the signed payload "${template}" does not use ${TIMESTAMP}; an unsigned timestamp proves nothing.`);
  }
}

/**
 * The signing after adding `secret`: the first key turns checking on, a second starts a rotation
 * (both verify), `replace` makes it the only key. A key already held changes nothing.
 */
export function withAddedKey(
  current: SigningConfig | undefined,
  scheme: SignatureScheme,
  secret: SigningSecret,
  options: { readonly replace: boolean; readonly now: Date; readonly schema: string; readonly command: string },
): { signing: SigningConfig; change: 'first' | 'rotation' | 'replaced' | 'unchanged' } {
  const key: SigningKey = { secret, addedAt: options.now.toISOString() };
  const held = current?.keys ?? [];
  if (held.some((existing) => existing.secret.reveal() === secret.reveal()) && !options.replace) {
    return { signing: { scheme, keys: held }, change: 'unchanged' };
  }
  if (options.replace || held.length === 0) return { signing: { scheme, keys: [key] }, change: held.length === 0 ? 'first' : 'replaced' };
  if (held.length >= MAX_SIGNING_KEYS) {
    throw new ValidationError(
      `"${options.schema}" already verifies with ${held.length} keys (a rotation in progress). Finish it first: ${options.command} integrations drop-secret ${options.schema} --previous, or pass --replace to keep only the new key.`,
    );
  }
  return { signing: { scheme, keys: [...held, key] }, change: 'rotation' };
}

/** The signing without its oldest key (a rotation finished); refuses to drop the only key by this route. */
export function withoutPreviousKey(current: SigningConfig, schema: string, command: string): SigningConfig {
  if (current.keys.length < 2) {
    throw new ValidationError(
      `"${schema}" has one signing key, so there is no previous one to drop. To turn signature checking off, run: ${command} integrations drop-secret ${schema} --all`,
    );
  }
  return { scheme: current.scheme, keys: current.keys.slice(1) };
}

function toleranceOf(seconds: number | undefined): number {
  const value = seconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (!Number.isSafeInteger(value) || value < 1 || value > MAX_TOLERANCE_SECONDS) {
    throw new ValidationError(`The timestamp tolerance must be a whole number of seconds from 1 to ${MAX_TOLERANCE_SECONDS}, got ${seconds}.`);
  }
  return value;
}

function headerName(option: string, name: string): string {
  // RFC 9110 token characters: what a header name may be made of.
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw new ValidationError(`${option} "${name}" is not a header name (letters, digits and "-", e.g. X-Signature).`);
  return name.toLowerCase();
}

function fieldName(option: string, name: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(name)) throw new ValidationError(`${option} "${name}" is not a key of a "key=value" list (letters, digits, "_" and "-").`);
  return name;
}

function oneOf<T extends string>(option: string, value: string, allowed: readonly T[]): T {
  const lower = value.toLowerCase();
  if ((allowed as readonly string[]).includes(lower)) return lower as T;
  throw new ValidationError(`${option} "${value}" is not supported; use one of: ${allowed.join(', ')}.`);
}
