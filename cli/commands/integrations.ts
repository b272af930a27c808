import { Option, type Command } from 'commander';
import { createIntegration, summarizeIntegrations, syncCatalogs } from '../../lambdas/app/integrations';
import { eventViewsOf, type EventViews } from '../../lambdas/app/event-views';
import { requireIntegration } from '../../lambdas/app/tokens';
import { HooklakeError, ValidationError } from '../../lambdas/core/errors';
import { DEFAULT_MAX_COLUMNS } from '../../lambdas/core/column-mapping';
import { splitOf } from '../../lambdas/core/column-registry';
import { positiveInteger } from '../../lambdas/core/config-values';
import { INTEGRATION_TYPES, publicIntegration, type Integration } from '../../lambdas/core/integration';
import { presetOf } from '../../lambdas/core/presets';
import { webhookUrl } from '../../lambdas/core/webhook-routes';
import { useCaseServices } from '../backend';
import { HOOKLAKE_COMMAND } from '../../lambdas/core/deployment-names';
import type { CliIo } from '../io';
import { printJson, printTable } from '../output';
import type { TargetOptions } from '../target';
import { withBackend, type OpenBackend } from '../with-backend';
import { registerReset } from './reset';
import { describeSigning, registerSigning } from './signing';
import { registerSilence } from './silence';
import { printNewToken } from './token-output';

export function registerIntegrations(program: Command, io: CliIo, open: OpenBackend): void {
  const integrations = program.command('integrations').description('create and inspect integrations (one schema each)');

  integrations
    .command('create')
    .description('create an integration and its first webhook URL (the token in it is shown once)')
    .argument('<name>', 'display name, e.g. "Stitch Iterable"; the schema is derived from it (stitch_iterable)')
    .addOption(
      new Option('--type <type>', 'a provider preset: its primary key, and where to paste the URL in its UI (iterable, customerio, sendgrid); webhooks for any other sender')
        .choices([...INTEGRATION_TYPES])
        .default('webhooks'),
    )
    .option('--primary-key <field>', "top-level field that identifies an event; data_latest keeps its latest version (default: the preset's)")
    .option('--event-type-field <field>', "top-level field naming an event's type, for a view per type; repeat to join several (default: the preset's)", (field: string, fields?: string[]) => [...(fields ?? []), field])
    .option('--max-columns <n>', `most columns its data table may have; a row that would pass it goes to _sdc_rejected (default ${DEFAULT_MAX_COLUMNS})`)
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `\nPresets: iterable (append-only, no primary key), customerio (primary key event_id), sendgrid (primary key sg_event_id).\n` +
        `\nExamples:\n  $ ${HOOKLAKE_COMMAND} integrations create "Stitch Customer.io" --type customerio\n  $ ${HOOKLAKE_COMMAND} integrations create "Shop Orders" --primary-key order_id`,
    )
    .action(async (name: string, options: { type: string; primaryKey?: string; eventTypeField?: string[]; maxColumns?: string; json?: boolean }, command: Command) =>
      withBackend(command, open, async (backend) => {
        const { integration, issued, tablesError } = await createIntegration(useCaseServices(backend), {
          name,
          type: options.type,
          primaryKey: options.primaryKey,
          eventTypeFields: options.eventTypeField,
          maxColumns: options.maxColumns === undefined ? undefined : positiveInteger('--max-columns', options.maxColumns, DEFAULT_MAX_COLUMNS),
        });
        const url = webhookUrl(backend.webhookBaseUrl, issued.token);
        // The token is shown only now: print it even when the lake's tables cannot be made yet.
        if (options.json) printJson(io, { integration: publicIntegration(integration), tokenId: issued.record.tokenId, token: issued.token, webhookUrl: url });
        else {
          io.out(`Created integration "${integration.name}"`);
          io.out(`  schema:       ${integration.schema}`);
          io.out(`  type:         ${integration.type}`);
          io.out(`  primary key:  ${integration.primaryKey ?? '(none: each row gets a __sdc_primary_key UUID)'}`);
          if (integration.eventTypeFields !== undefined) io.out(`  event types:  ${integration.eventTypeFields.join(' + ')} (a view per event type)`);
          printNewToken(io, backend, integration, issued.record.tokenId, url);
          const preset = presetOf(integration.type);
          if (integration.type !== 'webhooks') {
            io.out(`\nNext, in ${preset.provider}:`);
            const setSecret = `${HOOKLAKE_COMMAND}${targetFlag(command)} integrations set-secret ${integration.schema} < key.txt`;
            const signing = preset.signingKeyStep === undefined ? [] : [preset.signingKeyStep, `Turn signature checking on (the key is read from standard input, never the command line): ${setSecret}`];
            [...preset.setup(url), ...signing].forEach((step, i) => io.out(`  ${i + 1}. ${step}`));
            if (isLoopback(url)) io.out(`  (${preset.provider} cannot reach this machine's 127.0.0.1: expose the server over HTTPS, e.g. through a tunnel, or deploy to AWS.)`);
          }
          if (integration.type === 'webhooks') {
            io.out(`\nIf the sender signs its webhooks (GitHub, Shopify, Stripe and others do), check the signatures:\n  ${HOOKLAKE_COMMAND}${targetFlag(command)} integrations set-secret ${integration.schema} --signature-header <header> < secret.txt   (see --help)`);
          }
          io.out(`\nQuery it:\n  ${HOOKLAKE_COMMAND}${targetFlag(command)} query "SELECT * FROM ${integration.schema}.data"`);
        }
        if (tablesError !== undefined) throw tablesNotReady(integration.schema, tablesError);
      }, { mayCreate: true }),
    );

  integrations
    .command('list')
    .description('list every integration')
    .option('--json', 'print the result as JSON')
    .action(async (options: { json?: boolean }, command: Command) =>
      withBackend(command, open, async (backend) => {
        const rows = await summarizeIntegrations(backend.store);
        if (options.json) return printJson(io, rows);
        if (rows.length === 0) return io.err(`No integrations yet. Create one: ${HOOKLAKE_COMMAND} integrations create "My Webhooks"`);
        printTable(io, ['schema', 'name', 'type', 'primaryKey', 'activeTokens', 'createdAt'], rows, 'integration');
      }),
    );

  integrations
    .command('show')
    .description('show one integration: its columns (with type, split columns, first seen) and its tokens')
    .argument('<schema>', 'schema of the integration, as "integrations list" prints it')
    .option('--json', 'print the result as JSON')
    .action(async (schema: string, options: { json?: boolean }, command: Command) =>
      withBackend(command, open, async (backend) => {
        const integration = await requireIntegration(backend.store, schema);
        const tokens = (await backend.store.listTokens(integration.schema)).map((token) => ({ ...token, status: token.revokedAt ? 'revoked' : 'active', revokedAt: token.revokedAt ?? null }));
        const publicTokens = tokens.map(({ tokenId, status, createdAt, revokedAt }) => ({ tokenId, status, createdAt, revokedAt }));
        const registered = await backend.store.listColumns(integration.schema);
        const names = new Set(registered.map((column) => column.name));
        const columns = registered.map(({ name, type, firstSeenAt }) => ({ name, type, splitOf: splitOf(name, type, names) ?? null, firstSeenAt }));
        const eventViews = await eventViewsOf(backend.store, integration);
        if (options.json) return printJson(io, { ...publicIntegration(integration), columns, eventViews, tokens: publicTokens });
        io.out(`${integration.name}`);
        io.out(`  schema:         ${integration.schema}`);
        io.out(`  type:           ${integration.type}`);
        io.out(`  primary key:    ${integration.primaryKey ?? '(none: __sdc_primary_key)'}`);
        io.out(`  column limit:   ${integration.maxColumns ?? DEFAULT_MAX_COLUMNS}`);
        io.out(`  table version:  ${integration.tableVersion}`);
        io.out(`  created:        ${integration.createdAt}`);
        io.out(`  signatures:     ${signingState(integration, targetFlag(command))}`);
        io.out(`  tables:         ${integration.schema}.data, ${integration.schema}.data_latest, ${integration.schema}._sdc_rejected`);
        io.out(`  webhook URL:    ${webhookUrl(backend.webhookBaseUrl, '<token>')}`);
        io.out('');
        if (columns.length === 0) io.out('No columns yet: they are made from the first events that arrive.');
        else printTable(io, ['name', 'type', 'splitOf', 'firstSeenAt'], columns, 'column');
        printEventViews(io, integration.schema, eventViews);
        io.out('');
        printTable(io, ['tokenId', 'status', 'createdAt', 'revokedAt'], publicTokens, 'token');
      }),
    );

  registerSigning(integrations, io, open);
  registerSilence(integrations, io, open);
  registerSync(integrations, io, open);
  registerReset(integrations, io, open);
}

/** Whether webhooks must be signed, and how to turn it on where the provider signs. */
function signingState(integration: Integration, target: string): string {
  if (integration.signing !== undefined) return `checked: ${describeSigning(integration.signing)}`;
  const preset = presetOf(integration.type);
  const setSecret = `${HOOKLAKE_COMMAND}${target} integrations set-secret ${integration.schema}`;
  if (preset.signature !== undefined) return `not checked yet: ${preset.provider} signs its webhooks; set its key with ${setSecret} < key.txt`;
  if (integration.type === 'webhooks') return `not checked (the token authenticates); for a sender that signs: ${setSecret} --signature-header <header>`;
  return `not offered by ${preset.provider} (the token authenticates)`;
}

function registerSync(integrations: Command, io: CliIo, open: OpenBackend): void {
  integrations
    .command('sync')
    .description('on AWS: bring the Glue columns in step with the column registry and re-make data_latest and the per-event views (the stack and queries do this for you)')
    .argument('[schemas...]', 'schemas to bring up to date (default: every integration)')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', `\nThe stack's catalog function keeps Glue in step within a minute of new columns; run this to do it at once:\n  $ ${HOOKLAKE_COMMAND} --target aws integrations sync stitch_iterable`)
    .action(async (schemas: string[], options: { json?: boolean }, command: Command) =>
      withBackend(command, open, async (backend) => {
        const results = await syncCatalogs(backend, schemas);
        if (results === undefined) {
          return io.err('Nothing to sync locally: the local tables read the lake files directly. Use --target aws for the deployed stack.');
        }
        if (options.json) return printJson(io, results);
        if (results.length === 0) return io.err('No integrations yet.');
        for (const { schema, added, views } of results) {
          const changes = [...(added.length === 0 ? [] : [`added ${added.join(', ')}`]), ...(views.length === 0 ? [] : [`made views ${views.join(', ')}`])];
          io.out(`${schema}: ${changes.length === 0 ? 'up to date' : changes.join('; ')}`);
        }
      }),
    );
}

function printEventViews(io: CliIo, schema: string, { fields, views, maxTypes, firstRefusedAt }: EventViews): void {
  if (fields.length === 0) return;
  io.out('');
  io.out(`Per-event views (${schema}.<view>; event type from ${fields.join(' + ')}; at most ${maxTypes}):`);
  if (views.length === 0) io.out('No event types yet: each gets its view when its first event arrives.');
  else printTable(io, ['view', 'latestView', 'eventType', 'columns', 'firstSeenAt'], views, 'view');
  if (firstRefusedAt !== null) io.out(`Event types past the first ${maxTypes} get no view (since ${firstRefusedAt}); their rows are in ${schema}.data, with _sdc_event_type set.`);
}

function targetFlag(command: Command): string {
  return command.optsWithGlobals<TargetOptions>().target === 'aws' ? ' --target aws' : '';
}

/** The integration and its token are stored and work; only the query side is missing, and the next query makes it. */
function tablesNotReady(schema: string, cause: unknown): HooklakeError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new ValidationError(
    `the integration "${schema}" and its webhook URL above work, but its tables could not be made yet: ${reason} ` +
      `Once that is fixed, any query naming ${schema}. makes them.`,
    { cause },
  );
}

function isLoopback(url: string): boolean {
  const host = new URL(url).hostname;
  return host === 'localhost' || host === '[::1]' || host.startsWith('127.');
}
