import { dropSigningSecret, setSigningSecret, type SetSigningSecretInput } from '../../lambdas/app/signing';
import { NotFoundError, ValidationError } from '../../lambdas/core/errors';
import { newIntegration } from '../../lambdas/core/integration';
import { PRESETS } from '../../lambdas/core/presets';
import { SigningSecret } from '../../lambdas/core/signing';
import { MemoryStore } from '../support/memory-store';
import { sendGridKeys } from '../support/signers';

const t0 = new Date('2026-11-24T08:00:00.000Z');
const later = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

async function storeWith(...integrations: { name: string; type: string }[]): Promise<MemoryStore> {
  const store = new MemoryStore();
  for (const input of integrations) await store.createIntegration(newIntegration(input, t0));
  return store;
}

const input = (schema: string, secret: string, extra: Partial<SetSigningSecretInput> = {}): SetSigningSecretInput => ({
  schema,
  secret: new SigningSecret(secret),
  replace: false,
  scheme: {},
  ...extra,
});

const keysOf = async (store: MemoryStore, schema: string) => (await store.getIntegration(schema))?.signing?.keys.map((key) => key.secret.reveal());

describe('setSigningSecret and dropSigningSecret', () => {
  it("turns checking on with a preset's scheme, rotates with a second key, and ends the rotation", async () => {
    const store = await storeWith({ name: 'Stitch Customer.io', type: 'customerio' });
    expect((await setSigningSecret(store, input('stitch_customerio', 'old'), later(1))).change).toBe('first');
    expect((await store.getIntegration('stitch_customerio'))?.signing?.scheme).toStrictEqual(PRESETS.customerio.signature);
    expect((await setSigningSecret(store, input('stitch_customerio', 'new'), later(2))).change).toBe('rotation');
    expect(await keysOf(store, 'stitch_customerio')).toStrictEqual(['old', 'new']);
    await expect(setSigningSecret(store, input('stitch_customerio', 'third'), later(3))).rejects.toThrow(/drop-secret stitch_customerio --previous/);
    expect((await dropSigningSecret(store, 'stitch_customerio', 'previous')).change).toBe('dropped previous');
    expect(await keysOf(store, 'stitch_customerio')).toStrictEqual(['new']);
    await expect(dropSigningSecret(store, 'stitch_customerio', 'previous')).rejects.toThrow(/--all/);
    expect((await dropSigningSecret(store, 'stitch_customerio', 'all')).change).toBe('off');
    expect(await store.getIntegration('stitch_customerio')).not.toHaveProperty('signing');
    await expect(dropSigningSecret(store, 'stitch_customerio', 'all')).rejects.toThrow(/no key to drop/);
  });

  it('changes nothing for a key already held, and keeps only the new key with replace', async () => {
    const store = await storeWith({ name: 'Shop Orders', type: 'webhooks' });
    const scheme = { signatureHeader: 'X-Shopify-Hmac-Sha256', encoding: 'base64' };
    await setSigningSecret(store, input('shop_orders', 'a', { scheme }), later(1));
    expect((await setSigningSecret(store, input('shop_orders', 'a'), later(2))).change).toBe('unchanged');
    await setSigningSecret(store, input('shop_orders', 'b'), later(3));
    expect((await setSigningSecret(store, input('shop_orders', 'c', { replace: true }), later(4))).change).toBe('replaced');
    expect(await keysOf(store, 'shop_orders')).toStrictEqual(['c']);
  });

  it('needs a header for a generic sender, and --replace to change its scheme under held keys; a tolerance alone is no change of scheme', async () => {
    const store = await storeWith({ name: 'Shop Orders', type: 'webhooks' });
    await expect(setSigningSecret(store, input('shop_orders', 'a'), t0)).rejects.toThrow(/--signature-header/);
    await setSigningSecret(store, input('shop_orders', 'a', { scheme: { signatureHeader: 'X-Sig', timestampHeader: 'X-Ts' } }), t0);
    await expect(setSigningSecret(store, input('shop_orders', 'b', { scheme: { signatureHeader: 'X-Other', timestampHeader: 'X-Ts' } }), t0)).rejects.toThrow(/--replace/);
    await setSigningSecret(store, input('shop_orders', 'b', { scheme: { toleranceSeconds: 60 } }), t0);
    const signing = (await store.getIntegration('shop_orders'))?.signing;
    expect(signing?.scheme).toMatchObject({ signatureHeader: 'x-sig', toleranceSeconds: 60 });
    expect(signing?.keys).toHaveLength(2);
  });

  it("refuses scheme options on a preset, a key for Iterable (which does not sign), and a SendGrid key that is not one", async () => {
    const store = await storeWith({ name: 'Stitch Iterable', type: 'iterable' }, { name: 'SendGrid Events', type: 'sendgrid' });
    await expect(setSigningSecret(store, input('stitch_iterable', 'x'), t0)).rejects.toThrow(/Iterable does not sign/);
    await expect(setSigningSecret(store, input('sendgrid_events', sendGridKeys().verificationKey, { scheme: { signatureHeader: 'X-Sig' } }), t0)).rejects.toThrow(/only --tolerance/);
    await expect(setSigningSecret(store, input('sendgrid_events', 'not-a-key'), t0)).rejects.toThrow(ValidationError);
    expect(await store.getIntegration('sendgrid_events')).not.toHaveProperty('signing');
    expect((await setSigningSecret(store, input('sendgrid_events', sendGridKeys().verificationKey, { scheme: { toleranceSeconds: 600 } }), t0)).signing?.scheme.toleranceSeconds).toBe(600);
  });

  it('changes only the tolerance for a key already held, and refuses a tolerance where nothing is timed', async () => {
    const store = await storeWith({ name: 'Stitch Customer.io', type: 'customerio' }, { name: 'GitHub Events', type: 'webhooks' });
    await setSigningSecret(store, input('stitch_customerio', 'k'), t0);
    const changed = await setSigningSecret(store, input('stitch_customerio', 'k', { scheme: { toleranceSeconds: 60 } }), later(1));
    expect(changed.change).toBe('tolerance');
    expect((await store.getIntegration('stitch_customerio'))?.signing?.scheme.toleranceSeconds).toBe(60);
    expect(await keysOf(store, 'stitch_customerio')).toStrictEqual(['k']);
    await expect(setSigningSecret(store, input('github_events', 'g', { scheme: { signatureHeader: 'X-Hub-Signature-256', toleranceSeconds: 60 } }), t0)).rejects.toThrow(/no signed timestamp/);
  });

  it('keeps one verification key however it is pasted: the same key as PEM after base64 changes nothing', async () => {
    const store = await storeWith({ name: 'SendGrid Events', type: 'sendgrid' });
    const keys = sendGridKeys();
    await setSigningSecret(store, input('sendgrid_events', keys.verificationKey), t0);
    expect((await setSigningSecret(store, input('sendgrid_events', keys.pem), later(1))).change).toBe('unchanged');
  });

  it('says which schema is unknown', async () => {
    const store = await storeWith();
    await expect(setSigningSecret(store, input('nope', 'x'), t0)).rejects.toThrow(NotFoundError);
    await expect(dropSigningSecret(store, 'nope', 'all')).rejects.toThrow(NotFoundError);
  });
});
