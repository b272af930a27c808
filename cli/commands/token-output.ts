import type { Backend } from '../backend';
import type { CliIo } from '../io';

/** The one place a token is ever shown: inside its webhook URL, right after it is made. */
export function printNewToken(io: CliIo, backend: Backend, tokenId: string, url: string): void {
  io.out(`  token id:     ${tokenId}`);
  io.out('\nWebhook URL (it holds the token, shown only now; keep it secret):');
  io.out(`  ${url}`);
  if (!backend.serverRunning) io.err(`\nThe local server is not running; start it with "npm start" to receive at ${backend.webhookBaseUrl}.`);
  io.out(`\nTry it:\n  curl -X POST -H 'Content-Type: application/json' -d '[{"event":"test"}]' ${url}`);
}
