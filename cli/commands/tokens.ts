import type { Command } from 'commander';
import { issueWebhookToken, listWebhookTokens, revokeWebhookToken } from '../../lambdas/app/tokens';
import { MAX_ACTIVE_TOKENS } from '../../lambdas/core/tokens';
import { webhookUrl } from '../../lambdas/core/webhook-routes';
import { useCaseServices } from '../backend';
import type { CliIo } from '../io';
import { printJson, printTable } from '../output';
import { withBackend, type OpenBackend } from '../with-backend';
import { printNewToken } from './token-output';

export function registerTokens(program: Command, io: CliIo, open: OpenBackend): void {
  const tokens = program
    .command('tokens')
    .description(`manage webhook tokens (at most ${MAX_ACTIVE_TOKENS} active per integration, so one can be rotated)`);

  tokens
    .command('create')
    .description('make a new token and print its webhook URL (shown once)')
    .argument('<schema>', 'schema of the integration')
    .option('--json', 'print the result as JSON')
    .action(async (schema: string, options: { json?: boolean }, command: Command) =>
      withBackend(command, open, async (backend) => {
        const { integration, issued } = await issueWebhookToken(useCaseServices(backend), schema);
        const url = webhookUrl(backend.webhookBaseUrl, issued.token);
        if (options.json) return printJson(io, { schema, tokenId: issued.record.tokenId, token: issued.token, webhookUrl: url });
        io.out(`New token for ${schema}`);
        printNewToken(io, backend, integration, issued.record.tokenId, url);
      }),
    );

  tokens
    .command('list')
    .description('list the tokens of an integration (ids only: tokens are never stored)')
    .argument('<schema>', 'schema of the integration')
    .option('--json', 'print the result as JSON')
    .action(async (schema: string, options: { json?: boolean }, command: Command) =>
      withBackend(command, open, async (backend) => {
        const rows = (await listWebhookTokens(backend.store, schema)).map(({ tokenId, createdAt, revokedAt }) => ({
          tokenId,
          status: revokedAt ? 'revoked' : 'active',
          createdAt,
          revokedAt: revokedAt ?? null,
        }));
        if (options.json) return printJson(io, rows);
        printTable(io, ['tokenId', 'status', 'createdAt', 'revokedAt'], rows, 'token');
      }),
    );

  tokens
    .command('revoke')
    .description('revoke a token: its webhook URL answers 401 from now on')
    .argument('<schema>', 'schema of the integration')
    .argument('<token-id>', 'id from "tokens list", e.g. tok_1a2b3c4d5e6f')
    .option('--json', 'print the result as JSON')
    .action(async (schema: string, tokenId: string, options: { json?: boolean }, command: Command) =>
      withBackend(command, open, async (backend) => {
        const revoked = await revokeWebhookToken(backend.store, schema, tokenId, new Date());
        if (options.json) return printJson(io, { schema, tokenId: revoked.tokenId, revokedAt: revoked.revokedAt });
        io.out(`Revoked ${revoked.tokenId} of ${schema} at ${revoked.revokedAt}; its webhook URL now answers 401.`);
      }),
    );
}
