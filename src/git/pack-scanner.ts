// Why a scanner of our own: isomorphic-git collects the whole pack, then inflates every object
// into one Buffer to index it (GitPackIndex.fromPack), with no bound and no checksum check. A
// 4.6 MB pack holding a 1 GiB file of zeros thus allocates gigabytes before anything can look
// at it. Reading the pack as it streams in, object header by object header, lets a fetch stop
// at the first object that declares a size over the limit, before any of it is inflated.
import { createHash, type Hash } from 'node:crypto';
import { constants, inflateSync } from 'node:zlib';
import type { CapstanError } from '../core/index.js';
import { deltaResultSize } from './object-size.js';

/** Object types of the pack format (gitformat-pack(5)); 6 and 7 are deltas. */
const OFS_DELTA = 6;
const REF_DELTA = 7;
const VALID_TYPES = new Set([1, 2, 3, 4, OFS_DELTA, REF_DELTA]);
const HEADER_BYTES = 12;
const CHECKSUM_BYTES = 20;

export interface PackScannerOptions {
  /** The largest object (inflated size, or size a delta produces) allowed. */
  maxObjectBytes: number;
  /** An object declares more than `maxObjectBytes`; `size` is what it declares. */
  tooLarge: (size: number) => CapstanError;
  /** The pack is malformed: `reason` says how. */
  invalid: (reason: string) => CapstanError;
}

type State =
  | { at: 'header' }
  | { at: 'object'; left: number }
  | { at: 'data'; left: number; type: number; size: number; triedAt: number }
  | { at: 'checksum' }
  | { at: 'done' };

/**
 * Checks a pack (gitformat-pack(5)) as its bytes arrive: the header, each object's declared
 * size before its data is inflated, the sizes deltas produce, that each object's data inflates
 * to the declared size, and the SHA-1 checksum at the end. `push` and `end` throw the
 * CapstanError built by the options; nothing is kept but the bytes of the object being read.
 *
 * Each object is inflated once more here (its output discarded) to find where the next one
 * starts: zlib streams carry no length. An object still arriving is retried only each time
 * its buffered bytes have doubled, so a large object costs about twice its size, not its
 * size squared.
 */
export class PackScanner {
  readonly #opts: PackScannerOptions;
  readonly #sha1: Hash = createHash('sha1');
  #chunks: Buffer[] = [];
  #buffered = 0;
  #state: State = { at: 'header' };
  #started = false;

  constructor(options: PackScannerOptions) {
    this.#opts = options;
  }

  /** Whether any pack byte has arrived. */
  get started(): boolean {
    return this.#started;
  }

  push(chunk: Uint8Array): void {
    if (chunk.byteLength === 0) return;
    this.#started = true;
    this.#chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    this.#buffered += chunk.byteLength;
    this.#drain(false);
  }

  /** The pack has ended: throws unless it was complete and its checksum matched. */
  end(): void {
    if (!this.#started) return;
    this.#drain(true);
    if (this.#state.at !== 'done') throw this.#opts.invalid('it ends before its last object and checksum');
  }

  #drain(final: boolean): void {
    for (;;) {
      const state = this.#state;
      if (state.at === 'header') {
        if (!this.#readPackHeader()) return;
      } else if (state.at === 'object') {
        if (!this.#readObjectHeader(state.left)) return;
      } else if (state.at === 'data') {
        if (!this.#readObjectData(state, final)) return;
      } else if (state.at === 'checksum') {
        if (!this.#readChecksum()) return;
      } else {
        if (this.#buffered > 0) throw this.#opts.invalid('data follows its checksum');
        return;
      }
    }
  }

  #readPackHeader(): boolean {
    const head = this.#peek(HEADER_BYTES);
    if (!head) return false;
    if (head.toString('latin1', 0, 4) !== 'PACK') throw this.#opts.invalid('it does not start with "PACK"');
    const version = head.readUInt32BE(4);
    if (version !== 2 && version !== 3) throw this.#opts.invalid(`unknown pack version ${version}`);
    const count = head.readUInt32BE(8);
    this.#consume(HEADER_BYTES);
    this.#state = count > 0 ? { at: 'object', left: count } : { at: 'checksum' };
    return true;
  }

  /** Type and size (a varint after the 3 type bits), then a delta's base reference. */
  #readObjectHeader(left: number): boolean {
    // The longest header: 10 bytes of size, then a 20-byte base object name (ref delta).
    if (this.#buffered === 0) return false;
    const head = this.#peek(Math.min(this.#buffered, 32))!;
    let byte = head[0];
    const type = (byte >> 4) & 0b111;
    if (!VALID_TYPES.has(type)) throw this.#opts.invalid(`an object has unknown type ${type}`);
    let size = byte & 0b1111;
    let pos = 1;
    for (let shift = 4; byte & 0x80; shift += 7) {
      if (pos >= head.length) return this.#needMore(head.length, 32);
      if (shift > 63) throw this.#opts.invalid('an object header is too long');
      byte = head[pos++];
      size += (byte & 0x7f) * 2 ** shift;
    }
    if (type === OFS_DELTA) {
      do {
        if (pos >= head.length) return this.#needMore(head.length, 32);
        if (pos > 20) throw this.#opts.invalid('a delta base offset is too long');
      } while (head[pos++] & 0x80);
    } else if (type === REF_DELTA) {
      pos += 20;
      if (pos > head.length) return this.#needMore(head.length, 32);
    }
    if (size > this.#opts.maxObjectBytes) throw this.#opts.tooLarge(size);
    this.#consume(pos);
    this.#state = { at: 'data', left, type, size, triedAt: 0 };
    return true;
  }

  /**
   * Inflates the object's zlib stream from what has arrived, to learn where it ends. zlib
   * stops at the end of the stream, so input left over means the object is complete; all of
   * it consumed means more may be needed (a stream ending exactly at the end of what has
   * arrived is finished by the next byte: the checksum always follows the last object).
   */
  #readObjectData(state: Extract<State, { at: 'data' }>, final: boolean): boolean {
    if (this.#buffered === 0 || this.#buffered === state.triedAt) return false;
    if (!final && state.triedAt > 0 && this.#buffered < state.triedAt * 2) return false;
    const input = this.#peek(this.#buffered)!;
    let output: Buffer;
    let used: number;
    try {
      const result = inflateSync(input, {
        info: true,
        finishFlush: constants.Z_SYNC_FLUSH,
        maxOutputLength: state.size + 1,
        chunkSize: Math.min(Math.max(state.size + 1, 64), 1024 * 1024),
      }) as unknown as { buffer: Buffer; engine: { bytesWritten: number } };
      output = result.buffer;
      used = result.engine.bytesWritten;
    } catch (e) {
      const code = (e as { code?: string }).code;
      throw this.#opts.invalid(
        code === 'ERR_BUFFER_TOO_LARGE'
          ? `an object inflates to more than the ${state.size} bytes its header says`
          : `an object's compressed data is corrupt (${(e as Error).message})`,
      );
    }
    if (used >= input.length) {
      state.triedAt = input.length;
      return false;
    }
    if (output.length !== state.size) {
      throw this.#opts.invalid(
        `an object inflates to ${output.length} bytes, not the ${state.size} its header says`,
      );
    }
    if (state.type === OFS_DELTA || state.type === REF_DELTA) {
      const produces = deltaResultSize(output);
      if (produces === undefined) throw this.#opts.invalid('a delta has no size header');
      if (produces > this.#opts.maxObjectBytes) throw this.#opts.tooLarge(produces);
    }
    this.#consume(used);
    this.#state = state.left > 1 ? { at: 'object', left: state.left - 1 } : { at: 'checksum' };
    return true;
  }

  #readChecksum(): boolean {
    const trailer = this.#peek(CHECKSUM_BYTES);
    if (!trailer) return false;
    if (!trailer.equals(this.#sha1.digest()))
      throw this.#opts.invalid('its SHA-1 checksum does not match its content');
    this.#take(CHECKSUM_BYTES);
    this.#state = { at: 'done' };
    return true;
  }

  /** An incomplete header: wait for more, unless as many bytes as a header can take are here. */
  #needMore(have: number, max: number): false {
    if (have >= max) throw this.#opts.invalid('an object header is too long');
    return false;
  }

  /** The first `n` buffered bytes as one Buffer (joining chunks as needed), or undefined when fewer are here. */
  #peek(n: number): Buffer | undefined {
    if (this.#buffered < n) return undefined;
    if (this.#chunks[0].length < n) this.#chunks = [Buffer.concat(this.#chunks)];
    return this.#chunks[0].subarray(0, n);
  }

  /** Drops the first `n` bytes, adding them to the checksum. */
  #consume(n: number): void {
    this.#sha1.update(this.#take(n));
  }

  #take(n: number): Buffer {
    const head = this.#peek(n)!;
    const first = this.#chunks[0];
    if (first.length === n) this.#chunks.shift();
    else this.#chunks[0] = first.subarray(n);
    this.#buffered -= n;
    return head;
  }
}
