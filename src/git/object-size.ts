// Why not isomorphic-git: its readObject inflates the whole object (and reads the whole pack
// into memory) to say anything about it. The size a snapshot must check first is in the first
// bytes of the object's pack entry, or of its delta, or of a loose object's header.
import { open, readFile, readdir, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { constants, inflateSync } from 'node:zlib';

const OFS_DELTA = 6;
const REF_DELTA = 7;
/** Compressed bytes read to find a delta's or loose object's header: more only when not enough. */
const PROBE_BYTES = [64, 1024, 16 * 1024];

interface PackIndex {
  idx: Buffer;
  count: number;
  packFile: string;
}

/**
 * Sizes of objects in one bare repository, read from pack indexes and entry headers without
 * inflating the objects. Open for one snapshot (packs change with each fetch), then `close()`.
 */
export class ObjectSizes {
  readonly #gitdir: string;
  #indexes?: Promise<PackIndex[]>;
  readonly #handles = new Map<string, Promise<FileHandle>>();

  constructor(gitdir: string) {
    this.#gitdir = gitdir;
  }

  /** The object's size in bytes, or undefined when it is not in this repository (or unreadable). */
  async sizeOf(oid: string): Promise<number | undefined> {
    const name = Buffer.from(oid, 'hex');
    for (const index of await (this.#indexes ??= this.#loadIndexes())) {
      const offset = findOffset(index, name);
      if (offset !== undefined) return this.#packedSize(index.packFile, offset);
    }
    return this.#looseSize(oid);
  }

  async close(): Promise<void> {
    const handles = [...this.#handles.values()];
    this.#handles.clear();
    await Promise.all(handles.map(async (h) => (await h.catch(() => undefined))?.close()));
  }

  async #loadIndexes(): Promise<PackIndex[]> {
    const dir = path.join(this.#gitdir, 'objects', 'pack');
    const names = await readdir(dir).catch(() => [] as string[]);
    const indexes: PackIndex[] = [];
    for (const name of names.filter((n) => n.endsWith('.idx'))) {
      const idx = await readFile(path.join(dir, name));
      // Version 2 only: `\xfftOc`, version, 256 fan-out counts (what isomorphic-git writes and reads).
      if (idx.length < 1032 || idx.readUInt32BE(0) !== 0xff744f63 || idx.readUInt32BE(4) !== 2) continue;
      indexes.push({
        idx,
        count: idx.readUInt32BE(8 + 255 * 4),
        packFile: path.join(dir, name.replace(/\.idx$/, '.pack')),
      });
    }
    return indexes;
  }

  async #packedSize(packFile: string, offset: number): Promise<number | undefined> {
    let handle = this.#handles.get(packFile);
    if (!handle) {
      handle = open(packFile, 'r');
      this.#handles.set(packFile, handle);
    }
    const file = await handle;
    const head = Buffer.alloc(32);
    const { bytesRead } = await file.read(head, 0, head.length, offset);
    const header = parseEntryHeader(head.subarray(0, bytesRead));
    if (!header) return undefined;
    if (header.type !== OFS_DELTA && header.type !== REF_DELTA) return header.size;
    // A delta's entry holds the delta's size; the object's is the second varint inside the delta.
    return probe(async (n) => {
      const buf = Buffer.alloc(n);
      const read = await file.read(buf, 0, n, offset + header.length);
      return buf.subarray(0, read.bytesRead);
    }, deltaResultSize);
  }

  async #looseSize(oid: string): Promise<number | undefined> {
    const file = path.join(this.#gitdir, 'objects', oid.slice(0, 2), oid.slice(2));
    let handle: FileHandle;
    try {
      handle = await open(file, 'r');
    } catch {
      return undefined;
    }
    try {
      return await probe(async (n) => {
        const buf = Buffer.alloc(n);
        const read = await handle.read(buf, 0, n, 0);
        return buf.subarray(0, read.bytesRead);
      }, looseHeaderSize);
    } finally {
      await handle.close();
    }
  }
}

/** Binary search of the sorted object names in the fan-out's range for the first byte. */
function findOffset({ idx, count }: PackIndex, name: Buffer): number | undefined {
  const NAMES = 1032;
  let lo = name[0] === 0 ? 0 : idx.readUInt32BE(8 + (name[0] - 1) * 4);
  let hi = idx.readUInt32BE(8 + name[0] * 4);
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const cmp = idx.compare(name, 0, 20, NAMES + mid * 20, NAMES + mid * 20 + 20);
    if (cmp === 0) {
      const offsets = NAMES + count * 24;
      const small = idx.readUInt32BE(offsets + mid * 4);
      if (!(small & 0x80000000)) return small;
      // Packs over 2 GiB keep large offsets in a table of 64-bit values after the small ones.
      return Number(idx.readBigUInt64BE(offsets + count * 4 + (small & 0x7fffffff) * 8));
    }
    if (cmp > 0) hi = mid;
    else lo = mid + 1;
  }
  return undefined;
}

/** A pack entry's type, size and header length (with a delta's base reference). */
function parseEntryHeader(head: Buffer): { type: number; size: number; length: number } | undefined {
  if (head.length === 0) return undefined;
  let byte = head[0];
  const type = (byte >> 4) & 0b111;
  let size = byte & 0b1111;
  let pos = 1;
  for (let shift = 4; byte & 0x80; shift += 7) {
    if (pos >= head.length) return undefined;
    byte = head[pos++];
    size += (byte & 0x7f) * 2 ** shift;
  }
  if (type === OFS_DELTA) {
    while (pos < head.length && head[pos] & 0x80) pos++;
    pos++;
  } else if (type === REF_DELTA) {
    pos += 20;
  }
  return pos <= head.length ? { type, size, length: pos } : undefined;
}

/** Inflates ever more of a zlib stream's start until `parse` finds what it needs in the output. */
async function probe(
  read: (n: number) => Promise<Buffer>,
  parse: (output: Buffer) => number | undefined,
): Promise<number | undefined> {
  for (const n of PROBE_BYTES) {
    const input = await read(n);
    let output: Buffer;
    try {
      output = inflateSync(input, { finishFlush: constants.Z_SYNC_FLUSH });
    } catch {
      return undefined;
    }
    const value = parse(output);
    if (value !== undefined || input.length < n) return value;
  }
  return undefined;
}

/** A delta starts with two varints: the size of its base, then the size of the object it produces (returned). */
export function deltaResultSize(delta: Buffer): number | undefined {
  let pos = 0;
  const varint = (): number | undefined => {
    let value = 0;
    for (let shift = 0; pos < delta.length && shift < 64; shift += 7) {
      const byte = delta[pos++];
      value += (byte & 0x7f) * 2 ** shift;
      if (!(byte & 0x80)) return value;
    }
    return undefined;
  };
  return varint() === undefined ? undefined : varint();
}

/** `blob 1234\0…` → 1234. */
function looseHeaderSize(output: Buffer): number | undefined {
  const nul = output.indexOf(0);
  if (nul < 0) return undefined;
  const m = /^[a-z]+ (\d+)$/.exec(output.toString('latin1', 0, nul));
  return m ? Number(m[1]) : undefined;
}
