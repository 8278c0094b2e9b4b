import type { GitHttpRequest, GitHttpResponse, HttpClient } from 'isomorphic-git';
import nodeHttp from 'isomorphic-git/http/node';
import { isCapstanError, type CapstanError } from '../core/index.js';
import { formatBytes, limitExceeded, packInvalid } from './limits.js';
import { PackScanner } from './pack-scanner.js';
import { UploadPackDemux } from './upload-pack-demux.js';

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
 * and with thin packs requested. Connections are kept alive by Node 20's global agent, as
 * native git keeps its own.
 */
export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  const timeout = options.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS;
  const thin = options.thinPack ?? true;
  return {
    request: async (req) => {
      let body = req.body;
      if (thin && body && req.method === 'POST' && req.url.endsWith('/git-upload-pack')) {
        body = [requestThinPack(await collect(body))] as unknown as GitHttpRequest['body'];
      }
      return nodeHttp.request({ ...req, body, fetchOptions: { ...req.fetchOptions, timeout } });
    },
  };
}

/**
 * Adds `thin-pack` to the capabilities on the first `want` line of an upload-pack request.
 *
 * Why: isomorphic-git leaves thin-pack out because canonical git cannot read the thin packs it
 * stores, but isomorphic-git itself resolves their external deltas, and Capstan's mirrors are
 * read only by isomorphic-git. Without it, a shallow fetch (`deepen 1`) of one new commit makes
 * git's upload-pack send the whole tree again: 1.1 MB instead of 18 kB for a commit changing 10
 * of 5,000 files (bench/git). With it, the server sends only what changed, as it does for
 * native `git fetch --depth=1`.
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

/** What one fetch (or one listing of refs) may read. */
export interface ReadLimits {
  /** Bytes of all response bodies together. */
  maxBytes: number;
  /** The largest object a pack may hold (declared or delta-produced size). */
  maxObjectBytes: number;
  /** The repository's redacted URL, for messages. */
  display: string;
}

/** An HttpClient for one operation, which remembers the limit breach or bad pack that ended it. */
export interface LimitedHttpClient extends HttpClient {
  /** Bytes of response bodies read so far. */
  readonly bytesRead: number;
  /** The GIT_LIMIT_EXCEEDED or GIT_PACK_INVALID error that ended a response, if any. */
  readonly failure: CapstanError | undefined;
}

/**
 * Wraps `http` for one operation: counts every response body's bytes as they arrive against
 * `maxBytes`, and checks the pack of an upload-pack response while it streams (PackScanner:
 * object sizes before inflating, data, checksum). A breach closes the connection and fails
 * the body with GIT_LIMIT_EXCEEDED or GIT_PACK_INVALID before isomorphic-git indexes (and
 * inflates) anything. The error is also kept in `failure`, because isomorphic-git turns some
 * body errors into its own ("empty response").
 */
export function limitReads(http: HttpClient, limits: ReadLimits): LimitedHttpClient {
  let bytesRead = 0;
  let failure: CapstanError | undefined;
  const record = (e: CapstanError): void => {
    failure ??= e;
  };
  const client: LimitedHttpClient = {
    get bytesRead() {
      return bytesRead;
    },
    get failure() {
      return failure;
    },
    request: async (req) => {
      const res = await http.request(req);
      if (!res.body) return res;
      const pack =
        req.method === 'POST' && req.url.endsWith('/git-upload-pack') && res.statusCode === 200
          ? packChecker(limits)
          : undefined;
      const onChunk = (chunk: Uint8Array): void => {
        bytesRead += chunk.byteLength;
        if (bytesRead > limits.maxBytes) {
          throw limitExceeded(
            'maxFetchBytes',
            'the fetch has read more bytes than',
            bytesRead,
            limits.maxBytes,
            limits,
            ' (is the server sending an endless response?)',
          );
        }
        pack?.push(chunk);
      };
      return { ...res, body: guardBody(res.body, onChunk, () => pack?.end(), record) };
    },
  };
  return client;
}

/** A demultiplexer feeding a scanner: push the response's bytes, then end(). */
function packChecker(limits: ReadLimits): { push(chunk: Uint8Array): void; end(): void } {
  const scanner = new PackScanner({
    maxObjectBytes: limits.maxObjectBytes,
    tooLarge: (size) =>
      limitExceeded(
        'maxBlobBytes',
        `an object of ${formatBytes(size)} in the pack is larger than`,
        size,
        limits.maxObjectBytes,
        limits,
      ),
    invalid: (reason) => packInvalid(limits.display, reason),
  });
  const demux = new UploadPackDemux((bytes) => scanner.push(bytes));
  return {
    push: (chunk) => demux.push(chunk),
    // After the server's own error (side-band 3) the pack is cut short on purpose.
    end: () => {
      if (!demux.stopped) scanner.end();
    },
  };
}

/**
 * Passes `body` through, calling `onChunk` on each chunk before handing it on and `onEnd` at
 * its end; an error they throw ends the body (and closes the connection under it).
 */
async function* guardBody(
  body: NonNullable<GitHttpResponse['body']>,
  onChunk: (chunk: Uint8Array) => void,
  onEnd: () => void,
  record: (e: CapstanError) => void,
): AsyncGenerator<Uint8Array> {
  const source = body[Symbol.asyncIterator]();
  let ended = false;
  try {
    for (;;) {
      const next = await source.next();
      if (next.done) break;
      if (next.value === undefined) continue;
      onChunk(next.value);
      yield next.value;
    }
    ended = true;
    onEnd();
  } catch (e) {
    if (isCapstanError(e)) record(e);
    throw e;
  } finally {
    // Only a body left unread is closed: closing a finished one would drop its keep-alive socket.
    if (!ended) await source.return?.();
  }
}
