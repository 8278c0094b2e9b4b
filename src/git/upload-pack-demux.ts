/**
 * Picks the pack out of an upload-pack response body as it streams (gitprotocol-pack(5)):
 * pkt-lines first (`shallow`, `ACK`, `NAK`), then the pack, either in side-band channel 1
 * (`<len>\x01<pack bytes>`, with progress on channel 2) or, without side-band, raw after
 * the last pkt-line. Anything it cannot follow (a framing error, the server's own error on
 * channel 3) stops it quietly: isomorphic-git reads the same bytes and reports those.
 */
export class UploadPackDemux {
  readonly #onPack: (bytes: Buffer) => void;
  #pending: Buffer = Buffer.alloc(0);
  #raw = false;
  #stopped = false;

  constructor(onPack: (bytes: Buffer) => void) {
    this.#onPack = onPack;
  }

  /** True once the response could not be followed or the server reported an error on channel 3. */
  get stopped(): boolean {
    return this.#stopped;
  }

  push(chunk: Uint8Array): void {
    if (this.#stopped) return;
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.#raw) {
      this.#onPack(bytes);
      return;
    }
    // What is pending is at most one pkt-line (64 KiB): joining costs no more than the chunk.
    let buf = this.#pending.length > 0 ? Buffer.concat([this.#pending, bytes]) : bytes;
    while (buf.length >= 4) {
      const head = buf.toString('latin1', 0, 4);
      if (head === 'PACK') {
        this.#raw = true;
        this.#pending = Buffer.alloc(0);
        this.#onPack(buf);
        return;
      }
      if (!/^[0-9a-fA-F]{4}$/.test(head)) {
        this.#stopped = true;
        return;
      }
      const length = Number.parseInt(head, 16);
      // 0000 flush, 0001 delimiter, 0002 response end: no payload.
      if (length < 4) {
        buf = buf.subarray(4);
        continue;
      }
      if (buf.length < length) break;
      const band = length > 4 ? buf[4] : undefined;
      if (band === 1) this.#onPack(buf.subarray(5, length));
      else if (band === 3) {
        this.#stopped = true;
        return;
      }
      buf = buf.subarray(length);
    }
    this.#pending = buf;
  }
}
