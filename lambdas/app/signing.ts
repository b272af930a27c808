import { HOOKLAKE_COMMAND } from '../core/deployment-names';
import { ValidationError } from '../core/errors';
import type { Integration } from '../core/integration';
import { presetOf } from '../core/presets';
import { canonicalSecret, checkSigningSecret } from '../core/signature-check';
import { hmacScheme, withAddedKey, withoutPreviousKey, withTolerance, type HmacSchemeInput, type SignatureScheme, type SigningConfig, type SigningSecret } from '../core/signing';
import type { IntegrationStore } from './ports';
import { requireIntegration } from './tokens';

export interface SetSigningSecretInput {
  readonly schema: string;
  readonly secret: SigningSecret;
  /** Keep only this key (end a rotation at once, or start over with another scheme). */
  readonly replace: boolean;
  /** How a generic (`webhooks`) sender signs; presets sign their own way and take only a tolerance. */
  readonly scheme: HmacSchemeInput;
}

export interface SigningChange {
  readonly integration: Integration;
  readonly signing: SigningConfig | undefined;
  readonly change: 'first' | 'rotation' | 'replaced' | 'tolerance' | 'unchanged' | 'dropped previous' | 'off';
}

/** Adds a signing key (turning checking on, or starting a rotation), after checking it can verify anything. */
export async function setSigningSecret(store: IntegrationStore, input: SetSigningSecretInput, now: Date): Promise<SigningChange> {
  const integration = await requireIntegration(store, input.schema);
  const scheme = schemeFor(integration, input.scheme);
  const current = integration.signing;
  if (current !== undefined && !input.replace && !sameScheme(current.scheme, scheme)) {
    throw new ValidationError(
      `These options change how "${integration.schema}" checks signatures, and the keys it holds were set for the old way. Pass --replace to keep only the new key under the new settings.`,
    );
  }
  checkSigningSecret(scheme, input.secret);
  const secret = canonicalSecret(scheme, input.secret);
  const added = withAddedKey(current, scheme, secret, { replace: input.replace, now, schema: integration.schema, command: HOOKLAKE_COMMAND });
  // The key is held already, but the tolerance may be new: that is a change too.
  const change = added.change === 'unchanged' && current !== undefined && current.scheme.toleranceSeconds !== scheme.toleranceSeconds ? 'tolerance' : added.change;
  if (change !== 'unchanged') await store.setSigning(integration.schema, added.signing);
  return { integration, signing: added.signing, change };
}

/** Drops the previous key (a rotation done) or every key (checking off). */
export async function dropSigningSecret(store: IntegrationStore, schema: string, which: 'previous' | 'all'): Promise<SigningChange> {
  const integration = await requireIntegration(store, schema);
  const current = integration.signing;
  if (current === undefined) {
    throw new ValidationError(`"${integration.schema}" does not check signatures; there is no key to drop.`);
  }
  const signing = which === 'all' ? undefined : withoutPreviousKey(current, integration.schema, HOOKLAKE_COMMAND);
  await store.setSigning(integration.schema, signing);
  return { integration, signing, change: which === 'all' ? 'off' : 'dropped previous' };
}

/** The scheme a new key verifies under: the preset's, or the user's description of a generic sender's. */
function schemeFor(integration: Integration, input: HmacSchemeInput): SignatureScheme {
  const scheme = describedScheme(integration, input);
  if (input.toleranceSeconds !== undefined && !hasTimestamp(scheme)) {
    throw new ValidationError(`"${integration.schema}" checks signatures with no signed timestamp, so --tolerance has nothing to apply to.`);
  }
  return scheme;
}

function hasTimestamp(scheme: SignatureScheme): boolean {
  return scheme.timestampHeader !== undefined || (scheme.kind === 'hmac' && scheme.timestampField !== undefined);
}

function describedScheme(integration: Integration, input: HmacSchemeInput): SignatureScheme {
  const preset = presetOf(integration.type);
  const { toleranceSeconds, ...described } = input;
  const describes = Object.values(described).some((value) => value !== undefined);
  if (preset.signature !== undefined) {
    if (describes) {
      throw new ValidationError(
        `"${integration.schema}" is a ${integration.type} integration, checked the way ${preset.provider} signs; only --tolerance can be changed. The other signature options describe a generic (webhooks) sender.`,
      );
    }
    return withTolerance(integration.signing?.scheme ?? preset.signature, toleranceSeconds);
  }
  if (integration.type !== 'webhooks') {
    throw new ValidationError(
      `${preset.provider} does not sign its webhooks, so there is no key to set: the token in the URL (or its Authorization header) is what authenticates them.`,
    );
  }
  // A rotation under the scheme already set needs no options again.
  if (!describes && integration.signing !== undefined) return withTolerance(integration.signing.scheme, toleranceSeconds);
  return hmacScheme(input);
}

/** Whether keys set under one scheme verify under the other: all but the tolerance alike. */
function sameScheme(a: SignatureScheme, b: SignatureScheme): boolean {
  return JSON.stringify({ ...a, toleranceSeconds: 0 }) === JSON.stringify({ ...b, toleranceSeconds: 0 });
}
