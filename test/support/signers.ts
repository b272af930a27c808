/**
 * Signs webhooks the way each provider does, written from their documented schemes and independent
 * of Hooklake's checker, so tests can tell a wrong check from a wrong signer.
 */
import { createHmac, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

export type Headers = Record<string, string>;

/** Customer.io: hex HMAC-SHA256 of `v0:<timestamp>:<body>` with the webhook signing key. */
export function customerIoHeaders(key: string, body: string | Buffer, unixSeconds: number): Headers {
  const signed = Buffer.concat([Buffer.from(`v0:${unixSeconds}:`), Buffer.from(body)]);
  return { 'x-cio-timestamp': String(unixSeconds), 'x-cio-signature': createHmac('sha256', key).update(signed).digest('hex') };
}

/** A SendGrid signing key pair: the private half signs, the verification key is what its UI shows (base64 DER). */
export function sendGridKeys(): { privateKey: KeyObject; verificationKey: string; pem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    privateKey,
    verificationKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
    pem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
  };
}

/** SendGrid: base64 DER ECDSA P-256 / SHA-256 signature of `<timestamp><body>`. */
export function sendGridHeaders(privateKey: KeyObject, body: string | Buffer, unixSeconds: number): Headers {
  const signed = Buffer.concat([Buffer.from(String(unixSeconds)), Buffer.from(body)]);
  return {
    'x-twilio-email-event-webhook-timestamp': String(unixSeconds),
    'x-twilio-email-event-webhook-signature': sign('sha256', signed, { key: privateKey, dsaEncoding: 'der' }).toString('base64'),
  };
}

/** GitHub: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>`. */
export function gitHubHeaders(secret: string, body: string | Buffer): Headers {
  return { 'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}` };
}

/** Shopify: `X-Shopify-Hmac-Sha256: <base64 HMAC-SHA256 of the body>`. */
export function shopifyHeaders(secret: string, body: string | Buffer): Headers {
  return { 'x-shopify-hmac-sha256': createHmac('sha256', secret).update(body).digest('base64') };
}

/** Stripe: `Stripe-Signature: t=<ts>,v1=<hex HMAC-SHA256 of "<ts>.<body>">`, one v1 per secret. */
export function stripeHeaders(secrets: readonly string[], body: string | Buffer, unixSeconds: number): Headers {
  const signed = Buffer.concat([Buffer.from(`${unixSeconds}.`), Buffer.from(body)]);
  const v1 = secrets.map((secret) => `v1=${createHmac('sha256', secret).update(signed).digest('hex')}`);
  return { 'stripe-signature': [`t=${unixSeconds}`, ...v1].join(',') };
}
