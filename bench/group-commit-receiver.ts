/**
 * The baseline issue 9 names for the local server: a node:http receiver that does the same durable
 * work as Hooklake and nothing else. It reads the body, JSON.parses it (an array or one object), and
 * answers 200 only once its records are on disk the way Hooklake's are: group commit (whatever
 * arrives during a flush goes into the next one), each flush one gzip NDJSON file per partition,
 * written under a temporary name, fsynced, renamed, and the directory fsynced. No token check, no
 * column mapping, no stamping, no logging. Written here on purpose rather than reusing Hooklake's
 * group commit, so a flaw in that is measured, not shared.
 *
 * Run as a child process (`fork`): it listens on 127.0.0.1, port 0, and sends its URL to the parent.
 */
import { open, rename } from 'node:fs/promises';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

const gzipAsync = promisify(gzip);

interface Waiting {
  readonly lines: string[];
  readonly response: ServerResponse;
}

export function startReceiver(dir: string, onListening: (url: string) => void): void {
  let queue: Waiting[] = [];
  let flushing = false;
  let files = 0;

  const flush = async (): Promise<void> => {
    flushing = true;
    while (queue.length > 0) {
      const group = queue;
      queue = [];
      try {
        const text = group.map((waiting) => waiting.lines.join('\n')).join('\n') + '\n';
        const body = await gzipAsync(Buffer.from(text, 'utf8'));
        const name = `${Date.now()}-${++files}.json.gz`;
        const file = await open(join(dir, `.${name}.tmp`), 'wx');
        try {
          await file.writeFile(body);
          await file.sync();
        } finally {
          await file.close();
        }
        await rename(join(dir, `.${name}.tmp`), join(dir, name));
        const directory = await open(dir, 'r');
        try {
          await directory.sync();
        } finally {
          await directory.close();
        }
        for (const waiting of group) answer(waiting.response, 200, `{"status":"OK","records":${waiting.lines.length}}`);
      } catch {
        for (const waiting of group) answer(waiting.response, 503, '{"status":"ERROR"}');
      }
    }
    flushing = false;
  };

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      let records: unknown[];
      try {
        const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        records = Array.isArray(parsed) ? parsed : [parsed];
      } catch {
        answer(response, 400, '{"status":"ERROR"}');
        return;
      }
      // One line per record, as Hooklake stores one row per record.
      queue.push({ lines: records.map((record) => JSON.stringify(record)), response });
      if (!flushing) void flush();
    });
  });
  server.listen(0, '127.0.0.1', () => onListening(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`));
}

function answer(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(body);
}

if (require.main === module) {
  const dir = process.argv[2];
  if (dir === undefined) throw new Error('usage: group-commit-receiver.ts <dir>');
  startReceiver(dir, (url) => process.send!({ url }));
}
