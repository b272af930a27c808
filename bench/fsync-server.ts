/**
 * The durable baseline: node:http that writes each body to its own file and fsyncs it before the 200. As durable
 * as Hooklake and as simple as possible, so the ratio is Hooklake's checks and bookkeeping net of
 * group commit's savings.
 */
import { createServer } from 'node:http';
import { open, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { listenOnLoopback, type BareServer } from './bare-server';

export async function startFsyncServer(dataDir: string): Promise<BareServer> {
  let next = 0;
  return listenOnLoopback(createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks);
        const records = JSON.parse(body.toString('utf8')) as unknown[];
        const path = join(dataDir, `baseline-${next++}.json`);
        const file = await open(`${path}.tmp`, 'w');
        try {
          await file.writeFile(body);
          await file.sync();
        } finally {
          await file.close();
        }
        await rename(`${path}.tmp`, path);
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'OK', records: records.length }));
      })().catch(() => response.writeHead(500).end());
    });
  }));
}
