/** A tiny protobuf writer for tests: builds messages field by field, as client-go would. */

function varint(value: bigint): Buffer {
  let v = BigInt.asUintN(64, value);
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return Buffer.from(out);
}

export class Msg {
  private readonly parts: Buffer[] = [];

  /** A varint field (int32, int64, bool); negative numbers take 10 bytes, as in Go. */
  int(field: number, value: number | boolean): this {
    this.parts.push(varint(BigInt(field << 3)), varint(BigInt(Number(value))));
    return this;
  }

  bool(field: number, value: boolean): this {
    return this.int(field, value);
  }

  bytes(field: number, value: Uint8Array): this {
    this.parts.push(varint(BigInt((field << 3) | 2)), varint(BigInt(value.length)), Buffer.from(value));
    return this;
  }

  str(field: number, value: string): this {
    return this.bytes(field, Buffer.from(value, 'utf8'));
  }

  msg(field: number, value: Msg): this {
    return this.bytes(field, value.encode());
  }

  /** Several string values of a repeated field. */
  strs(field: number, values: string[]): this {
    for (const v of values) this.str(field, v);
    return this;
  }

  /** A map<string, string>: one entry message {key = 1, value = 2} per key. */
  strMap(field: number, map: Record<string, string>): this {
    for (const [k, v] of Object.entries(map)) this.msg(field, msg().str(1, k).str(2, v));
    return this;
  }

  /** A map<string, bytes>. */
  bytesMap(field: number, map: Record<string, Buffer>): this {
    for (const [k, v] of Object.entries(map)) this.msg(field, msg().str(1, k).bytes(2, v));
    return this;
  }

  /** A map<string, Quantity>. */
  quantityMap(field: number, map: Record<string, string>): this {
    for (const [k, v] of Object.entries(map)) this.msg(field, msg().str(1, k).msg(2, msg().str(1, v)));
    return this;
  }

  /** A fixed64 field, which the reader must skip. */
  fixed64(field: number): this {
    this.parts.push(varint(BigInt((field << 3) | 1)), Buffer.alloc(8, 0xab));
    return this;
  }

  encode(): Buffer {
    return Buffer.concat(this.parts);
  }
}

export function msg(): Msg {
  return new Msg();
}

/** A whole request body: the k8s\0 prefix, then runtime.Unknown wrapping `raw`. */
export function envelope(apiVersion: string, kind: string, raw: Msg, extra?: (m: Msg) => Msg): Buffer {
  let unknown = msg().msg(1, msg().str(1, apiVersion).str(2, kind)).msg(2, raw);
  if (extra) unknown = extra(unknown);
  return Buffer.concat([Buffer.from([0x6b, 0x38, 0x73, 0x00]), unknown.encode()]);
}
