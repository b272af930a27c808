/**
 * Checks a webhook's signature on the body bytes exactly as received (never re-serialised JSON),
 * against every key the integration holds (two during a rotation). HMAC comparisons are constant
 * time; ECDSA needs no secret comparison at all.
 */
import { createHmac, createPublicKey, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import { SignatureError, ValidationError } from './errors';
import { SigningSecret, signedPayloadParts, type SignatureScheme, type SigningConfig } from './signing';

export interface SignedRequest {
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: Buffer;
  readonly receivedAt: Date;
}

/** The longest secret or key accepted: far above any provider's, small enough to keep in an item. */
const MAX_SECRET_CHARACTERS = 4096;

/** Throws SignatureError naming the failed check; returns when one of the keys verifies the request. */
export function verifySignature(signing: SigningConfig, request: SignedRequest): void {
  const { scheme } = signing;
  const header = present(request.headers[scheme.signatureHeader]);
  if (header === undefined) {
    throw new SignatureError('missing header', `the request has no "${scheme.signatureHeader}" header; this integration only accepts webhooks signed by its provider.`);
  }
  const fields = scheme.kind === 'hmac' && scheme.signatureField !== undefined ? keyValueList(header) : undefined;
  const timestamp = timestampOf(scheme, request, fields);
  const payload = signedPayload(scheme, request.body, timestamp);

  const signatures = signaturesOf(scheme, header, fields);
  const verified =
    scheme.kind === 'hmac'
      ? signing.keys.some(({ secret }) => {
          const expected = createHmac(scheme.algorithm, secret.reveal()).update(payload).digest();
          return signatures.some((signature) => signature.length === expected.length && timingSafeEqual(signature, expected));
        })
      : signing.keys.some(({ secret }) => signatures.some((signature) => verify('sha256', payload, { key: publicKeyOf(secret), dsaEncoding: 'der' }, signature)));
  if (!verified) {
    throw new SignatureError('bad signature', `"${scheme.signatureHeader}" does not match the body signed with this integration's ${scheme.kind === 'hmac' ? 'signing secret' : 'verification key'}.`);
  }
}

/**
 * Refuses a secret that cannot verify anything under `scheme`: an empty one, or a verification key
 * that is not an ECDSA P-256 public key. Said when the secret is set, not as 401s later.
 */
export function checkSigningSecret(scheme: SignatureScheme, secret: SigningSecret): void {
  const text = secret.reveal();
  if (text.length === 0) throw new ValidationError('The signing secret is empty; paste the key your provider shows.');
  if (text.length > MAX_SECRET_CHARACTERS) throw new ValidationError(`The signing secret has ${text.length} characters; the most is ${MAX_SECRET_CHARACTERS}. Is this the right file?`);
  if (scheme.kind === 'ecdsa-p256') publicKeyOf(secret);
}

/**
 * The secret as it is kept: a verification key as base64 of its DER form, whichever form it was
 * pasted in (so the same key pasted twice is one key); any other secret as given.
 */
export function canonicalSecret(scheme: SignatureScheme, secret: SigningSecret): SigningSecret {
  if (scheme.kind !== 'ecdsa-p256') return secret;
  return new SigningSecret(publicKeyOf(secret).export({ format: 'der', type: 'spki' }).toString('base64'));
}

function timestampOf(scheme: SignatureScheme, request: SignedRequest, fields: Map<string, string[]> | undefined): string | undefined {
  const source = scheme.timestampHeader ?? (scheme.kind === 'hmac' ? scheme.timestampField : undefined);
  if (source === undefined) return undefined;
  const text = scheme.timestampHeader !== undefined ? present(request.headers[scheme.timestampHeader]) : fields?.get(source)?.[0];
  const where = scheme.timestampHeader !== undefined ? `header "${source}"` : `"${source}=" in "${scheme.signatureHeader}"`;
  if (text === undefined) throw new SignatureError('missing header', `the request has no timestamp (${where}); the provider signs one with every webhook.`);
  if (!/^\d{1,12}$/.test(text)) throw new SignatureError('malformed header', `the timestamp in ${where} is not a Unix time in seconds.`);
  const skew = Math.abs(request.receivedAt.getTime() / 1000 - Number(text));
  if (skew > scheme.toleranceSeconds) {
    throw new SignatureError(
      'stale timestamp',
      `the signed timestamp is ${Math.round(skew)} s from this server's clock; at most ${scheme.toleranceSeconds} s is accepted (a replayed request, or a clock to fix).`,
    );
  }
  return text;
}

function signedPayload(scheme: SignatureScheme, body: Buffer, timestamp: string | undefined): Buffer {
  return Buffer.concat(
    signedPayloadParts(scheme.signedPayload).map((part) =>
      'body' in part ? body : 'timestamp' in part ? Buffer.from(timestamp ?? '', 'utf8') : Buffer.from(part.literal, 'utf8'),
    ),
  );
}

/** The signatures a header carries, decoded; one that is not in the scheme's encoding matches nothing. */
function signaturesOf(scheme: SignatureScheme, header: string, fields: Map<string, string[]> | undefined): Buffer[] {
  // Neither hex nor base64 has a comma: one here is a header sent twice (joined with ","), which no provider does.
  if (fields === undefined && header.includes(',')) {
    throw new SignatureError('malformed header', `"${scheme.signatureHeader}" holds more than one value (was it sent twice?).`);
  }
  if (scheme.kind === 'ecdsa-p256') {
    if (!BASE64.test(header)) throw new SignatureError('malformed header', `"${scheme.signatureHeader}" is not a base64 signature.`);
    const der = Buffer.from(header, 'base64');
    // A DER signature is one SEQUENCE, its length in its second byte (P-256's are under 128): bytes past it would be verified away, so none may follow.
    return der[0] === 0x30 && der.length === der[1] + 2 ? [der] : [];
  }
  let texts = fields === undefined ? [header] : (fields.get(scheme.signatureField ?? '') ?? []);
  if (texts.length === 0) throw new SignatureError('malformed header', `"${scheme.signatureHeader}" has no "${scheme.signatureField}=" signature.`);
  if (scheme.prefix !== undefined) {
    const prefix = scheme.prefix;
    texts = texts.filter((text) => text.startsWith(prefix)).map((text) => text.slice(prefix.length));
    if (texts.length === 0) throw new SignatureError('malformed header', `"${scheme.signatureHeader}" does not start with "${prefix}".`);
  }
  return texts.map((text) => (scheme.encoding === 'hex' ? (HEX.test(text) ? Buffer.from(text, 'hex') : Buffer.alloc(0)) : BASE64.test(text) ? Buffer.from(text, 'base64') : Buffer.alloc(0)));
}

const HEX = /^(?:[0-9a-fA-F]{2})+$/;
/** Standard base64 with its padding, as providers send it: Node's decoder would take far more. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** `t=1,v1=ab,v1=cd` as key -> values; repeated keys keep every value (senders rotating keys sign twice). */
function keyValueList(header: string): Map<string, string[]> {
  const fields = new Map<string, string[]>();
  for (const item of header.split(',')) {
    const at = item.indexOf('=');
    if (at <= 0) continue;
    const key = item.slice(0, at).trim();
    fields.set(key, [...(fields.get(key) ?? []), item.slice(at + 1).trim()]);
  }
  return fields;
}

function present(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

const publicKeys = new WeakMap<SigningSecret, KeyObject>();

/** A verification key as providers show it: base64 of the DER public key (SendGrid), or PEM. Parsed once per key. */
function publicKeyOf(secret: SigningSecret): KeyObject {
  const known = publicKeys.get(secret);
  if (known) return known;
  const text = secret.reveal().trim();
  if (/PRIVATE KEY/.test(text)) {
    // createPublicKey would derive the public half and we would keep the private key: refuse it instead.
    throw new ValidationError('This is a private key. Paste the public Verification Key the provider shows; a private key must never leave its owner.');
  }
  let key: KeyObject;
  try {
    key = text.startsWith('-----BEGIN') ? createPublicKey(text) : createPublicKey({ key: Buffer.from(text, 'base64'), format: 'der', type: 'spki' });
  } catch (error) {
    throw new ValidationError('The verification key is not a public key: paste it as the provider shows it (base64, or PEM with its BEGIN/END lines).', { cause: error });
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new ValidationError('The verification key is not an ECDSA P-256 public key, which is what SendGrid signs with; check you copied the Verification Key.');
  }
  publicKeys.set(secret, key);
  return key;
}
