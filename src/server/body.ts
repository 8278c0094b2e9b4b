/** Reading a request's body within a size limit. */
import type { IncomingMessage } from 'node:http';
import { CapstanError } from '../core/index.js';

function tooLarge(message: string, limit: number): CapstanError {
  return new CapstanError('API_BODY_TOO_LARGE', message, { limit });
}

/**
 * The whole body, or `API_BODY_TOO_LARGE` as soon as it is over `limit` bytes: at once when
 * Content-Length says so, else when the bytes received pass it (the rest is not read).
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      reject(tooLarge(`payload of ${declared} bytes is over the limit of ${limit}`, limit));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        // drained, not kept: the answer goes out while the client may still be sending
        req.resume();
        reject(tooLarge(`payload is over the limit of ${limit} bytes`, limit));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
    // a client gone before the end: nobody to answer (a no-op once resolved)
    req.once('close', () => reject(new Error('the request closed before its body ended')));
  });
}
