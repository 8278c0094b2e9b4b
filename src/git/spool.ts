import { randomBytes } from 'node:crypto';
import { open, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';

/** Bytes handed on per chunk when the spool is replayed. */
const REPLAY_CHUNK = 1024 * 1024;

/**
 * A response body held in a temporary file until it is known to be good, then replayed.
 *
 * Why: isomorphic-git keeps every pack byte it is given in memory, and copies the lot twice
 * more when the body fails (it concatenates what it collected before looking at the error):
 * an endless pack stopped at a 1 GiB limit cost 3.4 GB. Handing it nothing until the pack has
 * passed its checks keeps a refused pack on disk only.
 */
export class Spool {
  readonly #file: string;
  readonly #handle: FileHandle;
  #size = 0;

  private constructor(file: string, handle: FileHandle) {
    this.#file = file;
    this.#handle = handle;
  }

  /** A new, empty spool file in `dir`. */
  static async create(dir: string): Promise<Spool> {
    const file = path.join(dir, `incoming-${randomBytes(6).toString('hex')}.spool`);
    return new Spool(file, await open(file, 'wx+', 0o600));
  }

  async write(chunk: Uint8Array): Promise<void> {
    let done = 0;
    while (done < chunk.byteLength) {
      const { bytesWritten } = await this.#handle.write(
        chunk,
        done,
        chunk.byteLength - done,
        this.#size + done,
      );
      done += bytesWritten;
    }
    this.#size += chunk.byteLength;
  }

  /** What was written, from the start, in fresh buffers. */
  async *replay(): AsyncGenerator<Buffer> {
    for (let at = 0; at < this.#size;) {
      const buf = Buffer.allocUnsafe(Math.min(REPLAY_CHUNK, this.#size - at));
      const { bytesRead } = await this.#handle.read(buf, 0, buf.length, at);
      if (bytesRead === 0)
        throw new Error(`spool file ${this.#file} ended early at ${at} of ${this.#size} bytes`);
      at += bytesRead;
      yield buf.subarray(0, bytesRead);
    }
  }

  /** Closes and deletes the file. Idempotent. */
  async discard(): Promise<void> {
    await this.#handle.close().catch(() => undefined);
    await rm(this.#file, { force: true });
  }
}
