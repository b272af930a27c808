import { HOOKLAKE_COMMAND } from '../../lambdas/core/deployment-names';
import type { Integration } from '../../lambdas/core/integration';
import type { Backend } from '../backend';
import type { CliIo } from '../io';

/** The one place a token is ever shown: inside its webhook URL, right after it is made. */
export function printNewToken(io: CliIo, backend: Backend, integration: Integration, tokenId: string, url: string): void {
  io.out(`  token id:     ${tokenId}`);
  io.out('\nWebhook URL (it holds the token, shown only now; keep it secret):');
  io.out(`  ${url}`);
  if (!backend.serverRunning) {
    // A server running on another data directory will not know this token; "npm start" always serves the
    // package folder's .hooklake (npm runs scripts from there), whatever folder it is typed in.
    const dataDir = backend.localDataDir ?? 'this data directory';
    io.err(
      `\nNo local server is running for ${dataDir}. To receive at ${backend.webhookBaseUrl}, start one on it: ${HOOKLAKE_COMMAND} serve --data-dir ${dataDir} ` +
        '("npm start" serves .hooklake in the package folder). A server already running on another data directory refuses this token: make the token there instead (pass that --data-dir).',
    );
  }
  io.out(`\nTry it:\n  curl -X POST -H 'Content-Type: application/json' -d ${shellQuote(JSON.stringify(sampleEvent(integration)))} ${url}`);
}

/** An event that lands in `data`: it carries the primary key when the integration has one. */
export function sampleEvent(integration: Pick<Integration, 'primaryKey'>): Record<string, string> {
  return integration.primaryKey === undefined ? { event: 'test' } : { [integration.primaryKey]: 'test-1', event: 'test' };
}

/** One shell word in single quotes; a quote inside becomes '\''. */
function shellQuote(text: string): string {
  return `'${text.replace(/'/g, "'\\''")}'`;
}
