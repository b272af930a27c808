import type { Integration } from '../../lambdas/core/integration';
import type { Backend } from '../backend';
import type { CliIo } from '../io';

/** The one place a token is ever shown: inside its webhook URL, right after it is made. */
export function printNewToken(io: CliIo, backend: Backend, integration: Integration, tokenId: string, url: string): void {
  io.out(`  token id:     ${tokenId}`);
  io.out('\nWebhook URL (it holds the token, shown only now; keep it secret):');
  io.out(`  ${url}`);
  if (!backend.serverRunning) {
    // A server started from another folder keeps another data directory, and will not know this token.
    const where = backend.localDataDir === undefined ? '' : ` for ${backend.localDataDir}`;
    io.err(
      `\nNo local server is running${where}; start it with "npm start" from the same folder to receive at ${backend.webhookBaseUrl}. ` +
        'A server started from another folder keeps its own data directory and will refuse this token: run this command there, or pass --data-dir.',
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
