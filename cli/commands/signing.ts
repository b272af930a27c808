import type { Command } from 'commander';
import { dropSigningSecret, setSigningSecret, type SigningChange } from '../../lambdas/app/signing';
import { HOOKLAKE_COMMAND } from '../../lambdas/core/deployment-names';
import { ValidationError } from '../../lambdas/core/errors';
import { integerWithin } from '../../lambdas/core/config-values';
import { presetOf } from '../../lambdas/core/presets';
import { HMAC_ALGORITHMS, MAX_TOLERANCE_SECONDS, SIGNATURE_ENCODINGS, SigningSecret, summarizeSigning, type SigningConfig } from '../../lambdas/core/signing';
import type { CliIo } from '../io';
import { printJson } from '../output';
import type { TargetOptions } from '../target';
import { readSecretFile } from '../secret-input';
import { withBackend, type OpenBackend } from '../with-backend';

interface SetSecretOptions {
  fromFile?: string;
  replace?: boolean;
  tolerance?: string;
  signatureHeader?: string;
  algorithm?: string;
  encoding?: string;
  prefix?: string;
  signatureField?: string;
  timestampHeader?: string;
  timestampField?: string;
  signedPayload?: string;
  json?: boolean;
}

/** `integrations set-secret` and `drop-secret`: signature checking, on and off, and key rotation. */
export function registerSigning(integrations: Command, io: CliIo, open: OpenBackend): void {
  integrations
    .command('set-secret')
    .description("turn signature checking on, or rotate its key: the provider's signing secret (or SendGrid's verification key) is read from standard input")
    .argument('<schema>', 'schema of the integration')
    .option('--from-file <file>', 'read the secret from this file instead of standard input')
    .option('--replace', 'keep only this key (otherwise a second key starts a rotation: both verify until drop-secret --previous)')
    .option('--tolerance <seconds>', 'how far the signed timestamp may be from this clock (default 300)')
    .option('--signature-header <name>', 'webhooks integrations: header with the signature, e.g. X-Hub-Signature-256')
    .option('--algorithm <name>', `webhooks integrations: HMAC hash, one of ${HMAC_ALGORITHMS.join(', ')} (default sha256)`)
    .option('--encoding <name>', `webhooks integrations: signature encoding, one of ${SIGNATURE_ENCODINGS.join(', ')} (default hex)`)
    .option('--prefix <text>', 'webhooks integrations: text before the signature, e.g. "sha256="')
    .option('--signature-field <key>', 'webhooks integrations: the header is "key=value,..." and the signature is this key (Stripe: v1)')
    .option('--timestamp-header <name>', 'webhooks integrations: header with the signed Unix time in seconds')
    .option('--timestamp-field <key>', 'webhooks integrations: the timestamp is this key of the signature header (Stripe: t)')
    .option('--signed-payload <template>', 'webhooks integrations: what is signed, from {timestamp} and {body} (default "{body}", or "{timestamp}.{body}" with a timestamp)')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `\nCustomer.io and SendGrid integrations are checked the way those providers sign; Iterable does not sign.\n` +
        `Generic (webhooks) integrations describe their sender's HMAC the first time:\n` +
        `  GitHub:   ${HOOKLAKE_COMMAND} integrations set-secret gh_events --signature-header X-Hub-Signature-256 --prefix sha256= < secret.txt\n` +
        `  Shopify:  ${HOOKLAKE_COMMAND} integrations set-secret shop_orders --signature-header X-Shopify-Hmac-Sha256 --encoding base64 < secret.txt\n` +
        `  Stripe:   ${HOOKLAKE_COMMAND} integrations set-secret stripe_events --signature-header Stripe-Signature --signature-field v1 --timestamp-field t < secret.txt\n` +
        `\nA failed check answers 401 naming it (missing header, malformed header, stale timestamp, bad signature) and stores nothing.\n` +
        `To rotate: set the new key (both verify), switch the provider to it, then: ${HOOKLAKE_COMMAND} integrations drop-secret <schema> --previous`,
    )
    .action(async (schema: string, options: SetSecretOptions, command: Command) =>
      withBackend(command, open, async (backend) => {
        const secret = new SigningSecret((await readSecret(io, options.fromFile)).trim());
        const result = await setSigningSecret(
          backend.store,
          {
            schema,
            secret,
            replace: options.replace === true,
            scheme: {
              signatureHeader: options.signatureHeader,
              algorithm: options.algorithm,
              encoding: options.encoding,
              prefix: options.prefix,
              signatureField: options.signatureField,
              timestampHeader: options.timestampHeader,
              timestampField: options.timestampField,
              signedPayload: options.signedPayload,
              toleranceSeconds: options.tolerance === undefined ? undefined : integerWithin('--tolerance', options.tolerance, 0, 1, MAX_TOLERANCE_SECONDS),
            },
          },
          new Date(),
        );
        report(io, result, options.json === true, command);
      }),
    );

  integrations
    .command('drop-secret')
    .description('end a key rotation (--previous) or turn signature checking off (--all)')
    .argument('<schema>', 'schema of the integration')
    .option('--previous', 'drop the older of the two keys, once the provider signs with the new one')
    .option('--all', 'drop every key: webhooks are then authenticated by their token alone')
    .option('--json', 'print the result as JSON')
    .action(async (schema: string, options: { previous?: boolean; all?: boolean; json?: boolean }, command: Command) =>
      withBackend(command, open, async (backend) => {
        if (options.previous === options.all) {
          throw new ValidationError('Say which keys to drop: --previous (the older key, ending a rotation) or --all (turning signature checking off).');
        }
        report(io, await dropSigningSecret(backend.store, schema, options.all ? 'all' : 'previous'), options.json === true, command);
      }),
    );
}

async function readSecret(io: CliIo, fromFile: string | undefined): Promise<string> {
  if (fromFile !== undefined) return readSecretFile(fromFile);
  if (io.readSecret === undefined) throw new ValidationError('No standard input to read the secret from; use --from-file.');
  const text = await io.readSecret('Paste the signing secret (it is not shown), then press Enter: ');
  if (text.trim() === '') {
    throw new ValidationError(`No secret on standard input. Pipe it in (e.g. "${HOOKLAKE_COMMAND} integrations set-secret <schema> < key.txt") or use --from-file <file>.`);
  }
  return text;
}

function report(io: CliIo, { integration, signing, change }: SigningChange, json: boolean, command: Command): void {
  const schema = integration.schema;
  if (json) return printJson(io, { schema, change, signing: summarizeSigning(signing) });
  const header = signing?.scheme.signatureHeader;
  const messages: Record<SigningChange['change'], string> = {
    first: `Signature checking is on for ${schema}: a webhook without a valid "${header}" signature now answers 401 and is not stored.`,
    rotation: `${schema} now verifies with two keys. Switch ${integration.type === 'webhooks' ? 'the sender' : presetOf(integration.type).provider} to the new one, then run: ${HOOKLAKE_COMMAND} integrations drop-secret ${schema} --previous`,
    replaced: `${schema} now verifies with this key only.`,
    tolerance: `${schema} keeps its keys and now accepts signed timestamps within ${signing?.scheme.toleranceSeconds} s of this clock.`,
    unchanged: `${schema} already verifies with this key; nothing changed.`,
    'dropped previous': `Dropped the previous key of ${schema}; only the key added at ${signing?.keys[0]?.addedAt} verifies.`,
    off: `Signature checking is off for ${schema}: webhooks are authenticated by their token alone.`,
  };
  io.out(messages[change]);
  if (signing !== undefined && change !== 'unchanged') io.out(`  ${describeSigning(signing)}`);
  if (change !== 'unchanged' && command.optsWithGlobals<TargetOptions>().target === 'aws') {
    io.out('  Warm functions apply it within the token cache time (tokenCacheSeconds, 10 s by default).');
  }
}

/** One line on how webhooks are checked, for `set-secret` and `integrations show`: everything but the keys. */
export function describeSigning(signing: SigningConfig): string {
  const { scheme } = signing;
  const how = scheme.kind === 'hmac' ? `HMAC-${scheme.algorithm.toUpperCase()} (${scheme.encoding})` : 'ECDSA P-256 (base64 DER)';
  const where =
    scheme.kind === 'hmac' && scheme.signatureField !== undefined ? `${scheme.signatureField}= of ${scheme.signatureHeader}` : scheme.signatureHeader;
  const prefix = scheme.kind === 'hmac' && scheme.prefix !== undefined ? ` after "${scheme.prefix}"` : '';
  const timestampSource = scheme.timestampHeader ?? (scheme.kind === 'hmac' && scheme.timestampField !== undefined ? `${scheme.timestampField}= of ${scheme.signatureHeader}` : undefined);
  const timestamp = timestampSource === undefined ? '' : `; timestamp from ${timestampSource}, within ${scheme.toleranceSeconds} s`;
  const keys = signing.keys.length > 1 ? `${signing.keys.length} keys (a rotation: both verify)` : '1 key';
  return `${how} of "${scheme.signedPayload}" in ${where}${prefix}${timestamp}; ${keys}`;
}
