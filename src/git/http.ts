import type { GitHttpRequest, HttpClient } from 'isomorphic-git';
import nodeHttp from 'isomorphic-git/http/node';
import { requestUploadPack } from './upload-pack-request.js';

/** Default idle timeout of one HTTP request to a Git server: no byte for this long is "unreachable". */
export const DEFAULT_HTTP_TIMEOUT_MS = 60_000;

/** The message simple-get (isomorphic-git's Node transport) gives a request that hit its idle timeout. */
export const TIMEOUT_MESSAGE = 'Request timed out';

export interface HttpClientOptions {
  /** Idle timeout per request, ms (default 60 s). */
  timeoutMs?: number;
  /** Ask upload-pack for thin packs (default true); see `requestThinPack`. */
  thinPack?: boolean;
}

/**
 * isomorphic-git's Node HTTP client with an idle timeout, so a server that accepts the
 * connection and then says nothing fails as unreachable instead of hanging a sync forever,
 * and with thin packs requested. The pack itself (the upload-pack POST) is read with
 * backpressure (see `requestUploadPack`). Connections are kept alive by Node 20's global
 * agent, as native git keeps its own.
 */
export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  const timeout = options.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS;
  const thin = options.thinPack ?? true;
  return {
    request: async (req) => {
      if (req.body && req.method === 'POST' && req.url.endsWith('/git-upload-pack')) {
        const collected = await collect(req.body);
        const body = thin ? requestThinPack(collected) : collected;
        const res = await againOnStaleSocket(() =>
          requestUploadPack({ ...req, body }, timeout, TIMEOUT_MESSAGE),
        );
        if (res) return res;
        // A redirect: isomorphic-git's client follows it (and decides where credentials go).
        return nodeHttp.request({
          ...req,
          body: [body] as unknown as GitHttpRequest['body'],
          fetchOptions: { ...req.fetchOptions, timeout },
        });
      }
      if (req.body) return nodeHttp.request({ ...req, fetchOptions: { ...req.fetchOptions, timeout } });
      return againOnStaleSocket(() =>
        nodeHttp.request({ ...req, fetchOptions: { ...req.fetchOptions, timeout } }),
      );
    },
  };
}

/**
 * Sends a request once more when it failed with ECONNRESET or EPIPE before any answer.
 *
 * Why: the agent may hand out a kept-alive socket the server is closing at that very moment
 * (its keep-alive timeout, 5 s for a Node server), and the request dies before the server
 * saw it; Node's documentation advises sending it again. Both requests this is used for are
 * safe to repeat: a GET without a body, and the upload-pack POST whose body is in memory.
 * A second failure is the server's: it goes to the caller (GIT_UNREACHABLE, retried later).
 */
async function againOnStaleSocket<T>(send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException | undefined)?.code;
    if (code !== 'ECONNRESET' && code !== 'EPIPE') throw e;
    return send();
  }
}

/**
 * Adds `thin-pack` to the capabilities on the first `want` line of an upload-pack request.
 *
 * Why: isomorphic-git leaves thin-pack out because it stores packs as they come, and a thin
 * pack's deltas on objects it leaves out can then form cycles between packs; Capstan stores
 * each fetched pack complete with those bases (see `pack-completion.ts`). Without it, a
 * shallow fetch (`deepen 1`) of one new commit makes git's upload-pack send the whole tree
 * again: 1.1 MB instead of 4.5 KiB for a commit changing 10 of 5,000 files (bench/git). With
 * it, the server sends only what changed, as it does for native `git fetch --depth=1`.
 *
 * Example: `0086want <sha> multi_ack_detailed … agent=x\n` becomes
 * `0090want <sha> multi_ack_detailed … agent=x thin-pack\n` (length + 10).
 */
export function requestThinPack(body: Buffer): Buffer {
  const length = Number.parseInt(body.subarray(0, 4).toString('latin1'), 16);
  if (!(length > 4 && length <= body.length)) return body;
  const line = body.subarray(4, length).toString('latin1');
  if (!line.startsWith('want ') || / thin-pack(?=[ \n]|$)/.test(line)) return body;
  const newline = line.endsWith('\n') ? '\n' : '';
  const changed = `${line.slice(0, line.length - newline.length)} thin-pack${newline}`;
  const header = (changed.length + 4).toString(16).padStart(4, '0');
  return Buffer.concat([Buffer.from(header + changed, 'latin1'), body.subarray(length)]);
}

async function collect(body: NonNullable<GitHttpRequest['body']> | Uint8Array[]): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array>) chunks.push(chunk);
  return Buffer.concat(chunks);
}
