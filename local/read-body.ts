import type { IncomingMessage } from 'node:http';
import { PayloadTooLargeError } from '../lambdas/core/errors';

/**
 * Reads a request body into memory up to `limitBytes`. A declared Content-Length over the limit is
 * refused before a byte is read; a chunked body is cut off as soon as it passes the limit.
 */
export function readBodyWithin(request: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) return Promise.reject(new PayloadTooLargeError(limitBytes));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const fail = (error: Error) => {
      request.removeAllListeners('data');
      request.pause();
      reject(error);
    };
    request.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > limitBytes) return fail(new PayloadTooLargeError(limitBytes));
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks, received)));
    request.on('error', reject);
    request.on('aborted', () => reject(new Error('Client closed the connection before sending the whole body.')));
  });
}
