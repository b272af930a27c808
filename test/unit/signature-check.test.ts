import fc from 'fast-check';
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { inspect } from 'node:util';
import { SignatureError, ValidationError } from '../../lambdas/core/errors';
import { PRESETS } from '../../lambdas/core/presets';
import { canonicalSecret, checkSigningSecret, verifySignature } from '../../lambdas/core/signature-check';
import { hmacScheme, SigningSecret, type SignatureScheme, type SigningConfig } from '../../lambdas/core/signing';
import { customerIoHeaders, gitHubHeaders, sendGridHeaders, sendGridKeys, shopifyHeaders, stripeHeaders, type Headers } from '../support/signers';

const receivedAt = new Date('2026-11-24T12:00:00.000Z');
const now = Math.floor(receivedAt.getTime() / 1000);
const body = Buffer.from('{"event_id":"01E4C4CT6YDC7Y5M7FE1GWWPQJ","object_type":"email","metric":"delivered","data":{"recipient":"ana@example.com"}}');

function signing(scheme: SignatureScheme, ...secrets: string[]): SigningConfig {
  return { scheme, keys: secrets.map((secret, i) => ({ secret: new SigningSecret(secret), addedAt: `2026-11-0${i + 1}T00:00:00.000Z` })) };
}

function check(config: SigningConfig, headers: Headers, bytes: Buffer = body, at = receivedAt): SignatureError | undefined {
  try {
    verifySignature(config, { headers, body: bytes, receivedAt: at });
    return undefined;
  } catch (error) {
    if (error instanceof SignatureError) return error;
    throw error;
  }
}

const customerIo = PRESETS.customerio.signature as SignatureScheme;
const sendGrid = PRESETS.sendgrid.signature as SignatureScheme;

describe('Customer.io signatures (HMAC-SHA256 of v0:<timestamp>:<body>)', () => {
  const config = signing(customerIo, 'cio-signing-key');

  it('accepts a request signed with the key', () => {
    expect(check(config, customerIoHeaders('cio-signing-key', body, now))).toBeUndefined();
  });

  it('refuses a request signed with another key, naming the bad signature', () => {
    const error = check(config, customerIoHeaders('another-key', body, now));
    expect(error?.check).toBe('bad signature');
    expect(error?.message).toMatch(/^Signature check failed \(bad signature\): "x-cio-signature" does not match/);
  });

  it('refuses a body with one altered byte', () => {
    const altered = Buffer.from(body);
    altered[10] ^= 1;
    expect(check(config, customerIoHeaders('cio-signing-key', body, now), altered)?.check).toBe('bad signature');
  });

  it('refuses a missing signature or timestamp header as a missing header', () => {
    const headers = customerIoHeaders('cio-signing-key', body, now);
    expect(check(config, { 'x-cio-timestamp': headers['x-cio-timestamp'] })?.message).toMatch(/no "x-cio-signature" header/);
    const noTimestamp = check(config, { 'x-cio-signature': headers['x-cio-signature'] });
    expect(noTimestamp?.check).toBe('missing header');
    expect(noTimestamp?.message).toMatch(/header "x-cio-timestamp"/);
  });

  it('refuses a timestamp more than 5 minutes off, either way, and accepts one just inside', () => {
    expect(check(config, customerIoHeaders('cio-signing-key', body, now - 301))?.check).toBe('stale timestamp');
    expect(check(config, customerIoHeaders('cio-signing-key', body, now + 301))?.check).toBe('stale timestamp');
    expect(check(config, customerIoHeaders('cio-signing-key', body, now - 300))).toBeUndefined();
  });

  it('refuses a timestamp that is not Unix seconds as a malformed header', () => {
    const headers = { ...customerIoHeaders('cio-signing-key', body, now), 'x-cio-timestamp': '2026-11-24T12:00:00Z' };
    expect(check(config, headers)?.check).toBe('malformed header');
  });

  it('refuses a signature that is not hex as a bad signature, not an error', () => {
    expect(check(config, { ...customerIoHeaders('k', body, now), 'x-cio-signature': 'zz'.repeat(32) })?.check).toBe('bad signature');
  });

  it('refuses a signature header sent twice (joined with a comma) as malformed', () => {
    const headers = customerIoHeaders('cio-signing-key', body, now);
    const twice = { ...headers, 'x-cio-signature': `${headers['x-cio-signature']},${headers['x-cio-signature']}` };
    expect(check(config, twice)?.message).toMatch(/\(malformed header\): "x-cio-signature" holds more than one value/);
  });

  it('verifies with either key during a rotation, and with neither after the old one is dropped', () => {
    const rotating = signing(customerIo, 'old-key', 'new-key');
    expect(check(rotating, customerIoHeaders('old-key', body, now))).toBeUndefined();
    expect(check(rotating, customerIoHeaders('new-key', body, now))).toBeUndefined();
    const rotated = { ...rotating, keys: rotating.keys.slice(1) };
    expect(check(rotated, customerIoHeaders('old-key', body, now))?.check).toBe('bad signature');
  });

  it('fails for any change to the signed bytes (property)', () => {
    const headers = customerIoHeaders('cio-signing-key', body, now);
    fc.assert(
      fc.property(fc.nat(body.length - 1), fc.integer({ min: 1, max: 255 }), (at, flip) => {
        const altered = Buffer.from(body);
        altered[at] ^= flip;
        return check(config, headers, altered)?.check === 'bad signature';
      }),
    );
  });
});

describe('SendGrid signatures (ECDSA P-256 over <timestamp><body>)', () => {
  const keys = sendGridKeys();
  const events = Buffer.from('[{"email":"ana@example.com","event":"delivered","sg_event_id":"sg-1","timestamp":1732449600}]');

  it('accepts a request signed with the private key, the verification key given as base64 DER or as PEM', () => {
    expect(check(signing(sendGrid, keys.verificationKey), sendGridHeaders(keys.privateKey, events, now), events)).toBeUndefined();
    expect(check(signing(sendGrid, keys.pem), sendGridHeaders(keys.privateKey, events, now), events)).toBeUndefined();
  });

  it('refuses another key pair, an altered byte, a stale timestamp and a garbled signature', () => {
    const config = signing(sendGrid, keys.verificationKey);
    expect(check(config, sendGridHeaders(sendGridKeys().privateKey, events, now), events)?.check).toBe('bad signature');
    const altered = Buffer.from(events);
    altered[5] ^= 2;
    expect(check(config, sendGridHeaders(keys.privateKey, events, now), altered)?.check).toBe('bad signature');
    expect(check(config, sendGridHeaders(keys.privateKey, events, now - 3600), events)?.check).toBe('stale timestamp');
    const garbled = { ...sendGridHeaders(keys.privateKey, events, now), 'x-twilio-email-event-webhook-signature': 'bm90IGEgc2lnbmF0dXJl' };
    expect(check(config, garbled, events)?.check).toBe('bad signature');
  });

  it('refuses a signature header that is not strict base64 of one DER signature, or that came twice', () => {
    const config = signing(sendGrid, keys.verificationKey);
    const headers = sendGridHeaders(keys.privateKey, events, now);
    const signature = headers['x-twilio-email-event-webhook-signature'];
    const der = Buffer.from(signature, 'base64');
    const variants: Record<string, string> = {
      'bytes appended': Buffer.concat([der, Buffer.from([0, 0, 0])]).toString('base64'),
      'padding removed': signature.replace(/=+$/, '') + (signature.endsWith('=') ? '' : 'A'),
      'a space inside': `${signature.slice(0, 10)} ${signature.slice(10)}`,
      'base64url': signature.replace(/\+/g, '-').replace(/\//g, '_') + (/[+/]/.test(signature) ? '' : '-_'),
      'sent twice': `${signature}, ${signature}`,
    };
    for (const [change, value] of Object.entries(variants)) {
      const error = check(config, { ...headers, 'x-twilio-email-event-webhook-signature': value }, events);
      expect([change, error?.check]).toEqual([change, expect.stringMatching(/^(malformed header|bad signature)$/)]);
    }
    expect(check(config, headers, events)).toBeUndefined();
  });

  it('refuses a private key given as the verification key, and keeps a key in one form however it was pasted', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    expect(() => checkSigningSecret(sendGrid, new SigningSecret(pem))).toThrow(/private key/);
    expect(canonicalSecret(sendGrid, new SigningSecret(keys.pem)).reveal()).toBe(keys.verificationKey);
    expect(canonicalSecret(customerIo, new SigningSecret(' as given ')).reveal()).toBe(' as given ');
  });

  it('refuses, when set, a verification key that is not a P-256 public key', () => {
    expect(() => checkSigningSecret(sendGrid, new SigningSecret('not a key'))).toThrow(ValidationError);
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
    const p384 = publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
    expect(() => checkSigningSecret(sendGrid, new SigningSecret(p384))).toThrow(/not an ECDSA P-256 public key/);
    expect(() => checkSigningSecret(sendGrid, new SigningSecret(keys.verificationKey))).not.toThrow();
  });
});

describe('generic HMAC signatures', () => {
  it('checks GitHub-style signatures (prefix sha256=, hex, body only)', () => {
    const config = signing(hmacScheme({ signatureHeader: 'X-Hub-Signature-256', prefix: 'sha256=' }), 'gh-secret');
    expect(check(config, gitHubHeaders('gh-secret', body))).toBeUndefined();
    expect(check(config, gitHubHeaders('other', body))?.check).toBe('bad signature');
    const unprefixed = { 'x-hub-signature-256': gitHubHeaders('gh-secret', body)['x-hub-signature-256'].slice('sha256='.length) };
    expect(check(config, unprefixed)?.check).toBe('malformed header');
  });

  it('checks Shopify-style signatures (base64, body only)', () => {
    const config = signing(hmacScheme({ signatureHeader: 'X-Shopify-Hmac-Sha256', encoding: 'base64' }), 'shop-secret');
    expect(check(config, shopifyHeaders('shop-secret', body))).toBeUndefined();
    expect(check(config, shopifyHeaders('shop-secret', Buffer.from('{}')))?.check).toBe('bad signature');
  });

  it('checks Stripe-style signatures (t= and v1= in one header, any v1 may match, stale t refused)', () => {
    const config = signing(hmacScheme({ signatureHeader: 'Stripe-Signature', signatureField: 'v1', timestampField: 't' }), 'whsec_abc');
    expect(check(config, stripeHeaders(['whsec_abc'], body, now))).toBeUndefined();
    expect(check(config, stripeHeaders(['whsec_other', 'whsec_abc'], body, now))).toBeUndefined();
    expect(check(config, stripeHeaders(['whsec_other'], body, now))?.check).toBe('bad signature');
    expect(check(config, stripeHeaders(['whsec_abc'], body, now - 600))?.check).toBe('stale timestamp');
    expect(check(config, { 'stripe-signature': `t=${now}` })?.check).toBe('malformed header');
  });

  it('checks sha1 and sha512 with the algorithm named', () => {
    for (const algorithm of ['sha1', 'sha512'] as const) {
      const config = signing(hmacScheme({ signatureHeader: 'X-Sig', algorithm }), 's');
      const signature = createHmac(algorithm, 's').update(body).digest('hex');
      expect(check(config, { 'x-sig': signature })).toBeUndefined();
    }
  });

  it('refuses schemes that cannot work, saying how to fix them', () => {
    expect(() => hmacScheme({})).toThrow(/--signature-header/);
    expect(() => hmacScheme({ signatureHeader: 'X-Sig', algorithm: 'md5' })).toThrow(/sha1, sha256, sha512/);
    expect(() => hmacScheme({ signatureHeader: 'X Sig' })).toThrow(/not a header name/);
    expect(() => hmacScheme({ signatureHeader: 'X-Sig', signedPayload: '{timestamp}.{body}' })).toThrow(/--timestamp-header/);
    expect(() => hmacScheme({ signatureHeader: 'X-Sig', timestampHeader: 'X-Ts', signedPayload: '{body}' })).toThrow(/unsigned timestamp/);
    expect(() => hmacScheme({ signatureHeader: 'X-Sig', signedPayload: '{body}{body}' })).toThrow(/exactly once/);
    expect(() => hmacScheme({ signatureHeader: 'X-Sig', timestampField: 't' })).toThrow(/--signature-field/);
    expect(() => hmacScheme({ signatureHeader: 'X-Sig', toleranceSeconds: 0 })).toThrow(/tolerance/);
  });
});

describe('SigningSecret', () => {
  it('never shows its text in JSON, strings or inspection', () => {
    const config = signing(customerIo, 'do-not-print-me');
    for (const shown of [JSON.stringify(config), String(config.keys[0].secret), `${config.keys[0].secret}`, inspect(config, { depth: 10 })]) {
      expect(shown).not.toContain('do-not-print-me');
    }
    expect(config.keys[0].secret.reveal()).toBe('do-not-print-me');
  });
});
