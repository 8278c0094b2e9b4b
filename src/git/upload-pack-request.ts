import http from 'node:http';
import https from 'node:https';
import type { GitHttpRequest, GitHttpResponse } from 'isomorphic-git';

/**
 * Sends an upload-pack POST (the request that brings the pack) with Node's own client, and
 * returns its body as the response stream's own async iterator, which reads from the socket
 * only as fast as the body is consumed: while Capstan checks a pack, a fast server waits.
 * Resolves to undefined on a redirect (the caller re-sends the request through
 * isomorphic-git's client, which follows redirects with its rules for credentials).
 *
 * Why not isomorphic-git's Node client for this request: it turns the response into an
 * iterator that queues every chunk as it arrives ("no backpressure", says its source), so an
 * endless pack fills memory at network speed however slowly it is read, and bytes are
 * counted only when read: a 1 GiB limit once let 2 GiB in.
 */
export function requestUploadPack(
  req: Omit<GitHttpRequest, 'body'> & { body: Buffer },
  timeoutMs: number,
  timeoutMessage: string,
): Promise<GitHttpResponse | undefined> {
  const url = new URL(req.url);
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(url, {
      method: 'POST',
      headers: { ...req.headers, 'content-length': String(req.body.length) },
      timeout: timeoutMs,
      signal: req.signal as AbortSignal | undefined,
    });
    request.once('response', (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        resolve(undefined);
        return;
      }
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(res.headers)) {
        if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
      }
      resolve({
        url: req.url,
        method: 'POST',
        statusCode: status,
        statusMessage: res.statusMessage ?? '',
        headers,
        body: res[Symbol.asyncIterator]() as AsyncIterableIterator<Uint8Array>,
      });
    });
    // An idle socket, before or during the response: the same message as isomorphic-git's client.
    request.once('timeout', () => request.destroy(new Error(timeoutMessage)));
    request.once('error', reject);
    request.end(req.body);
  });
}
