import type { IncomingMessage } from 'node:http';
import { PayloadTooLargeError, ServerBusyError } from '../lambdas/core/errors';
import type { InFlightBudget } from './in-flight-budget';

/**
 * Reads a request body into memory up to `limitBytes`, taking its bytes from `budget` as it goes and
 * counting them in `reservation` (the caller gives them back once the request is answered). A declared Content-Length over
 * the limit, or over what the budget has left, is refused before a byte is read; a chunked body is
 * cut off as soon as it passes either.
 */
export function readBodyWithin(request: IncomingMessage, limitBytes: number, budget: InFlightBudget, reservation: { bytes: number }): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  const known = request.headers['content-length'] !== undefined && Number.isFinite(declared);
  if (known && declared > limitBytes) return Promise.reject(new PayloadTooLargeError(limitBytes));
  const reserve = (bytes: number): boolean => {
    if (!budget.tryReserve(bytes, reservation.bytes)) return false;
    reservation.bytes += bytes;
    return true;
  };
  if (known && !reserve(declared)) return Promise.reject(new ServerBusyError(budget.maxBytes));
  return new Promise((resolve, reject) => {
    // With a declared length, each chunk is copied into place and dropped: the body is never held
    // twice (chunks, then their concatenation). node:http ends a request at its declared length.
    let whole = known ? Buffer.allocUnsafe(declared) : undefined;
    let chunks: Buffer[] = [];
    let received = 0;
    const fail = (error: Error) => {
      request.removeAllListeners('data');
      request.pause();
      reject(error);
    };
    request.on('data', (chunk: Buffer) => {
      if (whole !== undefined) {
        chunk.copy(whole, received);
        received += chunk.length;
        return;
      }
      received += chunk.length;
      if (received > limitBytes) return fail(new PayloadTooLargeError(limitBytes));
      if (!reserve(chunk.length)) return fail(new ServerBusyError(budget.maxBytes));
      chunks.push(chunk);
    });
    request.on('end', () => {
      const body = whole !== undefined ? whole.subarray(0, received) : Buffer.concat(chunks, received);
      // These listeners stay on the request until it is answered: they must not keep the body alive
      // once the use case is done with it (it is freed while the rows wait for the sink).
      whole = undefined;
      chunks = [];
      resolve(body);
    });
    request.on('error', reject);
    request.on('aborted', () => reject(new Error('Client closed the connection before sending the whole body.')));
  });
}

/**
 * Reads the rest of a body and drops it; true once it has ended, false when it ran past `limitBytes`
 * or failed (the caller then closes the connection).
 */
export function discardBody(request: IncomingMessage, limitBytes: number): Promise<boolean> {
  if (request.complete) return Promise.resolve(true);
  return new Promise((resolve) => {
    let received = 0;
    request.removeAllListeners('data');
    request.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > limitBytes) {
        request.removeAllListeners('data');
        request.pause();
        resolve(false);
      }
    });
    request.once('end', () => resolve(true));
    request.once('error', () => resolve(false));
    request.once('aborted', () => resolve(false));
    request.resume();
  });
}
