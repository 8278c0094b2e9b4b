// Hand-written: we only read a handful of proto2 wire types, which does not justify a protobuf dependency.
/**
 * A reader of the protobuf wire format (https://protobuf.dev/programming-guides/encoding/):
 * varints, length-delimited fields and the fixed32/fixed64 fields it skips. Any truncation
 * or impossible encoding throws a `PROTOBUF_MALFORMED` error.
 */
import { CapstanError } from '../../../../core/index.js';

export const WireType = { varint: 0, fixed64: 1, bytes: 2, fixed32: 5 } as const;

export function malformed(message: string): CapstanError {
  return new CapstanError('PROTOBUF_MALFORMED', `malformed protobuf body: ${message}`);
}

export class WireReader {
  private pos = 0;

  constructor(private readonly buf: Uint8Array) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  /** The next field's number and wire type. */
  tag(): { field: number; wire: number } {
    const key = this.varint();
    const field = Number(key >> 3n);
    if (field === 0) throw malformed(`field number 0 at byte ${this.pos}`);
    return { field, wire: Number(key & 7n) };
  }

  /** An unsigned varint of up to 64 bits. */
  varint(): bigint {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (this.pos >= this.buf.length) throw malformed('a varint runs past the end');
      const b = this.buf[this.pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return BigInt.asUintN(64, result);
    }
    throw malformed('a varint is longer than 10 bytes');
  }

  /**
   * An int32 or int64 as a number. Negative int32 values are sign-extended to 10 bytes on
   * the wire, so both read as int64; past 2^53 precision is lost, as in JSON.parse.
   */
  int(): number {
    return Number(BigInt.asIntN(64, this.varint()));
  }

  /** The payload of a length-delimited field. */
  bytes(): Uint8Array {
    const length = this.varint();
    if (length > BigInt(this.buf.length - this.pos)) throw malformed('a length runs past the end');
    const start = this.pos;
    this.pos += Number(length);
    return this.buf.subarray(start, this.pos);
  }

  /** Skips a field of a number we do not know. */
  skip(wire: number): void {
    switch (wire) {
      case WireType.varint:
        this.varint();
        return;
      case WireType.bytes:
        this.bytes();
        return;
      case WireType.fixed64:
        return this.advance(8);
      case WireType.fixed32:
        return this.advance(4);
      default:
        // 3 and 4 are proto2 groups, which no Kubernetes message uses
        throw malformed(`unsupported wire type ${wire}`);
    }
  }

  private advance(n: number): void {
    if (this.pos + n > this.buf.length) throw malformed('a fixed-size field runs past the end');
    this.pos += n;
  }
}
