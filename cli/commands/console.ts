import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Option, type Command } from 'commander';
import type { AppLogger } from '../../lambdas/app/ports';
import { ValidationError } from '../../lambdas/core/errors';
import { useCaseServices } from '../backend';
import type { CliIo } from '../io';
import type { TargetOptions } from '../target';
import type { OpenBackend } from '../with-backend';
import { untilStopped } from './serve';

/** On AWS the counters reach DynamoDB at most once a minute per warm function: reading them every few seconds shows nothing new. */
const AWS_REFRESH_MS = 15_000;

export function registerConsole(program: Command, io: CliIo, open: OpenBackend): void {
  program
    .command('console')
    .description('the web console on this machine (127.0.0.1 only), over the deployed stack with --target aws, or a local data directory')
    .addOption(new Option('--port <port>', 'TCP port on 127.0.0.1').default('8081'))
    .action(async (options: { port: string }, command: Command) => {
      const port = Number(options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ValidationError(`--port must be a whole number from 0 to 65535, got "${options.port}".`);
      const globals = command.optsWithGlobals<TargetOptions>();
      const backend = await open(globals);
      try {
        const { createWebConsole } = require('../../console/console-handler') as typeof import('../../console/console-handler');
        const webConsole = createWebConsole({
          ...useCaseServices(backend),
          engine: backend.engine,
          counts: backend.counts,
          webhookBaseUrl: backend.webhookBaseUrl,
          logger: stderrLogger(io),
          liveRefreshMs: globals.target === 'aws' ? AWS_REFRESH_MS : undefined,
        });
        const server = createServer((request, response) => {
          if (webConsole.owns(new URL(request.url ?? '/', 'http://console.invalid').pathname)) return void webConsole.handle(request, response);
          response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found: the console is under /console/.\n');
        });
        // Loopback only: the console holds the power to make and revoke webhook URLs.
        await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
        const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        io.out(`Web console for ${globals.target === 'aws' ? `the stack ${globals.stack}` : globals.dataDir} (this link signs you in; keep it private):`);
        io.out(`  ${webConsole.loginUrl(url)}`);
        io.out('\nPress Ctrl+C to stop.');
        await untilStopped(io);
        webConsole.stopQueries();
        await close(server);
      } finally {
        await backend.close();
      }
    });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** The console's failures, on stderr: what a person at the terminal reads. */
function stderrLogger(io: CliIo): AppLogger {
  const line = (level: string) => (message: string, ...fields: Record<string, unknown>[]) => io.err(`${level}: ${message} ${fields.map((f) => JSON.stringify(f)).join(' ')}`.trimEnd());
  return { info: () => {}, warn: line('warning'), error: line('error') };
}
