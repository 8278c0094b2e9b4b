import os from 'node:os';
import type { GitHttpResponse, HttpClient } from 'isomorphic-git';
import { isCapstanError, type CapstanError } from '../core/index.js';
import { formatBytes, limitExceeded, packInvalid } from './limits.js';
import { PackScanner } from './pack-scanner.js';
import { Spool } from './spool.js';
import { UploadPackDemux } from './upload-pack-demux.js';

/**
 * Longest run of chunk checks before the event loop gets a turn: chunks queued by a fast
 * server resolve one after another as microtasks, which would starve the daemon's APIs.
 */
const CHECK_SLICE_MS = 20;

/** What one fetch (or one listing of refs) may read. */
export interface ReadLimits {
  /** Bytes of all response bodies together. */
  maxBytes: number;
  /** The largest object a pack may hold (declared or delta-produced size). */
  maxObjectBytes: number;
  /** The repository's redacted URL, for messages. */
  display: string;
  /** Where an upload-pack response waits while it is checked (default: the OS's temporary directory). */
  spoolDir?: string;
}

/** An HttpClient for one operation, which remembers the limit breach or bad pack that ended it. */
export interface LimitedHttpClient extends HttpClient {
  /** Bytes of response bodies read so far. */
  readonly bytesRead: number;
  /** The GIT_LIMIT_EXCEEDED or GIT_PACK_INVALID error that ended a response, if any. */
  readonly failure: CapstanError | undefined;
}

interface BodyCheck {
  chunk(bytes: Uint8Array): void;
  end(): void;
}

/**
 * Wraps `http` for one operation: counts every response body's bytes as they arrive against
 * `maxBytes`, and checks the pack of an upload-pack response while it streams (PackScanner:
 * object sizes before inflating, data, checksum). The pack is held in a spool file meanwhile
 * and handed to isomorphic-git only once it has passed, so a refused pack never reaches its
 * memory. A breach closes the connection and fails the body with GIT_LIMIT_EXCEEDED or
 * GIT_PACK_INVALID; the error is also kept in `failure`, because isomorphic-git turns some
 * body errors into its own ("empty response").
 */
export function limitReads(http: HttpClient, limits: ReadLimits): LimitedHttpClient {
  let bytesRead = 0;
  let failure: CapstanError | undefined;
  const record = (e: unknown): void => {
    if (isCapstanError(e)) failure ??= e;
  };
  const counted = (extra?: BodyCheck): BodyCheck => ({
    chunk: (bytes) => {
      bytesRead += bytes.byteLength;
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
      extra?.chunk(bytes);
    },
    end: () => extra?.end(),
  });
  return {
    get bytesRead() {
      return bytesRead;
    },
    get failure() {
      return failure;
    },
    request: async (req) => {
      const res = await http.request(req);
      if (!res.body) return res;
      const isPack = req.method === 'POST' && req.url.endsWith('/git-upload-pack') && res.statusCode === 200;
      const body = isPack
        ? spooledBody(res.body, counted(packCheck(limits)), limits.spoolDir ?? os.tmpdir(), record)
        : passedBody(res.body, counted(), record);
      return { ...res, body };
    },
  };
}

/** The upload-pack response's pack, demultiplexed and fed to a scanner. */
function packCheck(limits: ReadLimits): BodyCheck {
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
    chunk: (bytes) => demux.push(bytes),
    // After the server's own error (side-band 3) the pack is cut short on purpose.
    end: () => {
      if (!demux.stopped) scanner.end();
    },
  };
}

type Body = NonNullable<GitHttpResponse['body']>;

/** Hands each chunk on once checked; a failed check ends the body and closes the connection. */
async function* passedBody(
  body: Body,
  check: BodyCheck,
  record: (e: unknown) => void,
): AsyncGenerator<Uint8Array> {
  const source = body[Symbol.asyncIterator]();
  let ended = false;
  let slice = performance.now();
  try {
    for (;;) {
      const next = await source.next();
      if (next.done) break;
      if (next.value === undefined) continue;
      check.chunk(next.value);
      if (performance.now() - slice > CHECK_SLICE_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        slice = performance.now();
      }
      yield next.value;
    }
    ended = true;
    check.end();
  } catch (e) {
    record(e);
    throw e;
  } finally {
    // Only a body left unread is closed: closing a finished one would drop its keep-alive socket.
    if (!ended) await source.return?.();
  }
}

/** Reads the whole body into a spool while checking it, then hands it on from the spool. */
async function* spooledBody(
  body: Body,
  check: BodyCheck,
  dir: string,
  record: (e: unknown) => void,
): AsyncGenerator<Uint8Array> {
  const source = body[Symbol.asyncIterator]();
  let ended = false;
  let spool: Spool | undefined;
  try {
    spool = await Spool.create(dir);
    for (;;) {
      const next = await source.next();
      if (next.done) break;
      if (next.value === undefined) continue;
      check.chunk(next.value);
      await spool.write(next.value);
    }
    ended = true;
    check.end();
    yield* spool.replay();
  } catch (e) {
    record(e);
    throw e;
  } finally {
    if (!ended) await source.return?.();
    await spool?.discard();
  }
}
