import { readSecretFromStdin } from './secret-input';

/** Where commands write: data to `out`, hints and errors to `err`. Tests pass their own. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Standard input as a secret: piped in, or typed at a terminal without echo after `prompt`. */
  readSecret?(prompt: string): Promise<string>;
}

export const processIo: CliIo = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : text + '\n'),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : text + '\n'),
  readSecret: readSecretFromStdin,
};
