// Why: Capstan asks for thin packs (see requestThinPack), whose deltas may use base objects the
// pack leaves out because the client already has them. isomorphic-git stores such a pack as it
// came and, reading a delta, looks its base up in whichever pack lists it first. Once a file
// returns to an earlier content, two packs can hold each version as a delta of the other, and a
// read then follows that cycle forever. Storing every pack complete (git's `index-pack
// --fix-thin`) keeps each delta's base in its own pack, where isomorphic-git looks first.
import { createHash } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { deflateSync } from 'node:zlib';

const OFS_DELTA = 6;
const REF_DELTA = 7;
const TYPE_NUMBERS: Record<string, number> = { commit: 1, tree: 2, blob: 3, tag: 4 };
const HEADER_BYTES = 12;
const CHECKSUM_BYTES = 20;

/**
 * The longest delta chain a stored pack may hold. git writes chains of at most 50 by default
 * and 4095 at most (`pack.depth`); a longer one, or a cycle, is a corrupt pack, refused rather
 * than followed forever.
 */
export const MAX_DELTA_DEPTH = 4095;

/** One object of a pack, as its header says: a delta names its base by offset or by object name. */
export interface PackEntry {
  oid: string;
  offset: number;
  type: number;
  baseOffset?: number;
  baseOid?: string;
}

/** An object read from the repository, to be stored whole in a pack. */
export interface WholeObject {
  type: string;
  object: Uint8Array;
}

/** Object names and their offsets in the pack, from a version 2 pack index (gitformat-pack(5)). */
export function readIndexOffsets(idx: Buffer): Map<string, number> {
  if (idx.length < 1032 || idx.readUInt32BE(0) !== 0xff744f63 || idx.readUInt32BE(4) !== 2) {
    throw new Error('not a version 2 pack index');
  }
  const count = idx.readUInt32BE(8 + 255 * 4);
  const names = 8 + 256 * 4;
  const offsets = names + count * 24;
  const large = offsets + count * 4;
  const result = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const small = idx.readUInt32BE(offsets + i * 4);
    const offset = small & 0x80000000 ? Number(idx.readBigUInt64BE(large + (small & 0x7fffffff) * 8)) : small;
    result.set(idx.toString('hex', names + i * 20, names + i * 20 + 20), offset);
  }
  return result;
}

/** Reads each indexed object's header: its type, and for a delta where its base is. */
export function readEntries(pack: Buffer, offsets: Map<string, number>): PackEntry[] {
  const entries: PackEntry[] = [];
  const end = pack.length - CHECKSUM_BYTES;
  for (const [oid, offset] of offsets) {
    if (offset < HEADER_BYTES || offset >= end) throw new Error(`object ${oid} is outside the pack`);
    let pos = offset;
    let byte = pack[pos++];
    const type = (byte >> 4) & 0b111;
    while (byte & 0x80 && pos < end) byte = pack[pos++];
    const entry: PackEntry = { oid, offset, type };
    if (type === OFS_DELTA) {
      // gitformat-pack(5)'s offset encoding: each continuation byte adds one before shifting.
      byte = pack[pos++];
      let distance = byte & 0x7f;
      while (byte & 0x80 && pos < end) {
        byte = pack[pos++];
        distance = (distance + 1) * 128 + (byte & 0x7f);
      }
      entry.baseOffset = offset - distance;
    } else if (type === REF_DELTA) {
      entry.baseOid = pack.toString('hex', pos, pos + 20);
    }
    entries.push(entry);
  }
  return entries;
}

/** The object names deltas of this pack use as bases that the pack does not hold. */
export function externalBases(entries: PackEntry[]): string[] {
  const here = new Set(entries.map((e) => e.oid));
  const missing = new Set<string>();
  for (const e of entries) if (e.baseOid !== undefined && !here.has(e.baseOid)) missing.add(e.baseOid);
  return [...missing];
}

/**
 * Why the pack cannot be read on its own, or undefined when every delta's base is an earlier
 * object of the same pack (by offset) or one it holds (by name), in chains of at most
 * MAX_DELTA_DEPTH: then reading any of its objects ends, whatever other packs hold.
 */
export function deltaChainProblem(entries: PackEntry[]): string | undefined {
  const byOffset = new Map(entries.map((e) => [e.offset, e]));
  const byOid = new Map(entries.map((e) => [e.oid, e]));
  const depth = new Map<PackEntry, number>();
  for (const start of entries) {
    const chain: PackEntry[] = [];
    let e: PackEntry | undefined = start;
    while (e && !depth.has(e) && (e.type === OFS_DELTA || e.type === REF_DELTA)) {
      if (chain.length > MAX_DELTA_DEPTH) {
        return `object ${start.oid} is a delta chain longer than ${MAX_DELTA_DEPTH} (or a cycle)`;
      }
      chain.push(e);
      const base: PackEntry | undefined =
        e.baseOid !== undefined ? byOid.get(e.baseOid) : byOffset.get(e.baseOffset!);
      if (!base) return `object ${e.oid} is a delta of ${e.baseOid ?? 'an offset'} the pack does not hold`;
      if (e.baseOffset !== undefined && base.offset >= e.offset) {
        return `object ${e.oid} is a delta of an object after it`;
      }
      e = base;
    }
    let d = e ? (depth.get(e) ?? 0) : 0;
    for (let i = chain.length - 1; i >= 0; i--) depth.set(chain[i], ++d);
    if (d > MAX_DELTA_DEPTH)
      return `object ${start.oid} is a delta chain longer than ${MAX_DELTA_DEPTH} (or a cycle)`;
  }
  return undefined;
}

/** A whole object's pack entry: type and size header, then its zlib-compressed bytes. */
function encodeWhole({ type, object }: WholeObject): Buffer {
  const typeNumber = TYPE_NUMBERS[type];
  if (typeNumber === undefined) throw new Error(`cannot store an object of type ${type}`);
  const header: number[] = [];
  let size = object.length;
  let byte = (typeNumber << 4) | (size & 0x0f);
  size = Math.floor(size / 16);
  while (size > 0) {
    header.push(byte | 0x80);
    byte = size & 0x7f;
    size = Math.floor(size / 128);
  }
  header.push(byte);
  return Buffer.concat([Buffer.from(header), deflateSync(object)]);
}

/**
 * Builds the complete pack: the thin pack's objects after the base objects it lacks, stored
 * whole. Deltas by offset stay valid (their bases move with them); by name they now find the
 * base in the pack. Returns the pack and its name (the SHA-1 trailer, as git names packs).
 */
export function completePack(thin: Buffer, bases: WholeObject[]): { pack: Buffer; sha: string } {
  const head = Buffer.from(thin.subarray(0, HEADER_BYTES));
  head.writeUInt32BE(thin.readUInt32BE(8) + bases.length, 8);
  const body = Buffer.concat([head, ...bases.map(encodeWhole), thin.subarray(HEADER_BYTES, -CHECKSUM_BYTES)]);
  const trailer = createHash('sha1').update(body).digest();
  return { pack: Buffer.concat([body, trailer]), sha: trailer.toString('hex') };
}

export interface CompletionOptions {
  /** The pack (`objects/pack/pack-<sha>.pack`) and its index, as isomorphic-git stored them. */
  packFile: string;
  /** Reads an object from the repository (the other packs, all complete). */
  readObject: (oid: string) => Promise<WholeObject>;
  /** Writes the index of a pack in the repository (isomorphic-git's indexPack). */
  index: (packFile: string) => Promise<void>;
}

/**
 * Makes a stored pack complete: when its deltas use bases it lacks, writes a pack that holds
 * them too, indexes it and removes the thin one. Returns the pack file now in use. Throws
 * (a plain Error saying why) when the pack, complete, still cannot be read on its own.
 */
export async function completeStoredPack(options: CompletionOptions): Promise<string> {
  const { packFile } = options;
  const idxFile = packFile.replace(/\.pack$/, '.idx');
  const thin = await readFile(packFile);
  const entries = readEntries(thin, readIndexOffsets(await readFile(idxFile)));
  const missing = externalBases(entries);
  if (missing.length === 0) {
    const problem = deltaChainProblem(entries);
    if (problem) throw new Error(problem);
    return packFile;
  }
  const bases: WholeObject[] = [];
  for (const oid of missing) bases.push(await options.readObject(oid));
  const { pack, sha } = completePack(thin, bases);
  const complete = path.join(path.dirname(packFile), `pack-${sha}.pack`);
  const partial = `${complete}.tmp`;
  await writeFile(partial, pack);
  await rename(partial, complete);
  await options.index(complete);
  const problem = deltaChainProblem(
    readEntries(pack, readIndexOffsets(await readFile(complete.replace(/\.pack$/, '.idx')))),
  );
  // The thin pack's index goes first: a reader lists indexes, then opens their packs.
  await rm(idxFile, { force: true });
  await rm(packFile, { force: true });
  if (problem) throw new Error(problem);
  return complete;
}

/** Why a stored pack cannot be read on its own (see deltaChainProblem), or undefined when it can. */
export async function storedPackProblem(packFile: string): Promise<string | undefined> {
  try {
    const pack = await readFile(packFile);
    const idx = await readFile(packFile.replace(/\.pack$/, '.idx'));
    return deltaChainProblem(readEntries(pack, readIndexOffsets(idx)));
  } catch (e) {
    return (e as Error).message;
  }
}
