/**
 * The baseline issue 9 names for the local server: a node:http receiver that does the same durable
 * work as Hooklake and nothing else. It reads the body, JSON.parses it (an array or one object), and
 * answers 200 only once its records, and the body itself, are on disk the way Hooklake's are: group
 * commit (whatever arrives during a flush goes into the next one), each flush one append of the group's
 * NDJSON to a log file opened with O_DSYNC (on disk when the write returns), whose entry in the directory
 * was fsynced when it was made: the "read, JSON.parse, append, fsync per group". The same bytes:
 * a line per record, and a line per body as Hooklake's raw archive keeps it (base64, gzipped first from
 * 4 KB at level 1). No token check, no column mapping, no stamping, no headers kept, no logging, and
 * nothing done behind the log (Hooklake makes its log into lake files).
 *
 * With `files` as its second argument it does what Hooklake did before its log, for comparison: each
 * flush the same lines as one gzip NDJSON file, written under a temporary name, fsynced, renamed, and the directory fsynced. Written here on purpose rather than reusing Hooklake's
 * group commit, so a flaw in that is measured, not shared.
 *
 * Run as a child process (`fork`): it listens on 127.0.0.1, port 0, and sends its URL to the parent.
 */
import { constants } from 'node:fs';
import { open, rename, type FileHandle } from 'node:fs/promises';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzip, gzipSync } from 'node:zlib';
import { RAW_GZIP_MIN_BYTES } from '../lambdas/core/raw-archive';

const gzipAsync = promisify(gzip);
const LOG_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_APPEND | constants.O_DSYNC;

interface Waiting {
  readonly records: number;
  readonly lines: string[];
  readonly response: ServerResponse;
}

export type ReceiverMode = 'log' | 'files';

export function startReceiver(dir: string, mode: ReceiverMode, onListening: (url: string) => void): void {
  let queue: Waiting[] = [];
  let flushing = false;
  let log: FileHandle | undefined;
  let files = 0;
  const store = async (text: string): Promise<void> => {
    if (mode === 'files') return writeGroupFile(dir, `${Date.now()}-${++files}.json.gz`, text);
    log ??= await openLog(dir);
    const body = Buffer.from(text, 'utf8');
    const { bytesWritten } = await log.write(body);
    if (bytesWritten !== body.length) throw new Error('short write');
  };

  const flush = async (): Promise<void> => {
    flushing = true;
    while (queue.length > 0) {
      const group = queue;
      queue = [];
      try {
        const text = group.map((waiting) => waiting.lines.join('\n')).join('\n') + '\n';
        await store(text);
        for (const waiting of group) answer(waiting.response, 200, `{"status":"OK","records":${waiting.records}}`);
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
      const body = Buffer.concat(chunks);
      try {
        const parsed: unknown = JSON.parse(body.toString('utf8'));
        records = Array.isArray(parsed) ? parsed : [parsed];
      } catch {
        answer(response, 400, '{"status":"ERROR"}');
        return;
      }
      // One line per record, as Hooklake stores one row per record, and the body as its archive keeps it.
      const kept = body.length >= RAW_GZIP_MIN_BYTES ? gzipSync(body, { level: 1 }) : body;
      queue.push({ records: records.length, lines: [...records.map((record) => JSON.stringify(record)), kept.toString('base64')], response });
      if (!flushing) void flush();
    });
  });
  server.listen(0, '127.0.0.1', () => onListening(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`));
}

/** The log file, its directory entry made durable before any append to it is answered for. */
async function openLog(dir: string): Promise<FileHandle> {
  const log = await open(join(dir, 'receiver.log'), LOG_FLAGS, 0o600);
  const directory = await open(dir, 'r');
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
  return log;
}

async function writeGroupFile(dir: string, name: string, text: string): Promise<void> {
  const body = await gzipAsync(Buffer.from(text, 'utf8'));
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
}

function answer(response: ServerResponse, status: number, body: string): void {
  // With its length, as Hooklake answers: node:http would otherwise send the body chunked.
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
}

if (require.main === module) {
  const [dir, mode = 'log'] = process.argv.slice(2);
  if (dir === undefined || (mode !== 'log' && mode !== 'files')) throw new Error('usage: group-commit-receiver.ts <dir> [log|files]');
  startReceiver(dir, mode, (url) => process.send!({ url }));
}
