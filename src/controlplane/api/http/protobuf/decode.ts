/**
 * Decodes a message's bytes into the JSON the same object has in Kubernetes' JSON form,
 * guided by the tables of ./messages.ts. Fields the tables do not list are skipped.
 */
import type { JsonObject, JsonValue } from '../../../../core/index.js';
import { messages } from './messages.js';
import type { Field, ScalarKind, ValueKind } from './schema.js';
import { malformed, WireReader, WireType } from './wire.js';

/** Decodes `bytes` as the message `type` (`group/Name`). */
export function decodeMessage(bytes: Uint8Array, type: string): JsonObject {
  const out: JsonObject = {};
  decodeInto(bytes, type, out);
  return out;
}

function decodeInto(bytes: Uint8Array, type: string, out: JsonObject): void {
  const message = messages.get(type);
  if (!message) throw new Error(`no protobuf schema for ${type}`);
  const reader = new WireReader(bytes);
  while (!reader.done) {
    const { field: number, wire } = reader.tag();
    const field = message.get(number);
    if (!field) {
      reader.skip(wire);
      continue;
    }
    const where = `${type}.${field.name || number}`;
    if (field.map) {
      const [key, value] = mapEntry(expectBytes(reader, wire, where), field.kind, where);
      const map = (out[field.name] ??= {}) as JsonObject;
      map[key] = value;
    } else if (field.name === '') {
      if (typeof field.kind !== 'object') throw new Error(`${where}: only messages can be inlined`);
      decodeInto(expectBytes(reader, wire, where), field.kind.message, out);
    } else if (field.repeated) {
      const list = (out[field.name] ??= []) as JsonValue[];
      if (field.kind === 'int' && wire === WireType.bytes) {
        // a packed repeated varint field: one length-delimited run of varints
        const packed = new WireReader(reader.bytes());
        while (!packed.done) list.push(packed.int());
      } else {
        list.push(value(reader, wire, field.kind, where) ?? null);
      }
    } else {
      const v = value(reader, wire, field.kind, where);
      if (v === undefined || (!field.keepZero && isZero(v))) delete out[field.name];
      else out[field.name] = v;
    }
  }
}

function isZero(v: JsonValue): boolean {
  return v === '' || v === 0 || v === false;
}

function expectBytes(reader: WireReader, wire: number, where: string): Uint8Array {
  if (wire !== WireType.bytes) throw malformed(`${where} has wire type ${wire}, expected 2`);
  return reader.bytes();
}

/** One value of a field; undefined for a zero metav1.Time, which JSON writes as null. */
function value(reader: WireReader, wire: number, kind: ValueKind, where: string): JsonValue | undefined {
  if (kind === 'int' || kind === 'bool') {
    if (wire !== WireType.varint) throw malformed(`${where} has wire type ${wire}, expected 0`);
    const n = reader.int();
    return kind === 'int' ? n : n !== 0;
  }
  const bytes = expectBytes(reader, wire, where);
  if (typeof kind === 'object') return decodeMessage(bytes, kind.message);
  return scalar(bytes, kind, where);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function text(bytes: Uint8Array, where: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw malformed(`${where} is not valid UTF-8`);
  }
}

function scalar(
  bytes: Uint8Array,
  kind: Exclude<ScalarKind, 'int' | 'bool'>,
  where: string,
): JsonValue | undefined {
  switch (kind) {
    case 'string':
      return text(bytes, where);
    case 'bytes':
      return Buffer.from(bytes).toString('base64');
    case 'quantity':
      // resource.Quantity { optional string string = 1 }
      return text(fields(bytes).get(1)?.bytes ?? new Uint8Array(), where) || '0';
    case 'intOrString':
      return intOrString(bytes, where);
    case 'time':
    case 'microTime':
      return timestamp(bytes, kind === 'microTime', where);
    case 'fieldsV1':
      return fieldsV1(bytes, where);
  }
}

/** The last value of each field of a small fixed message (Quantity, Time, IntOrString…). */
function fields(bytes: Uint8Array): Map<number, { int?: number; bytes?: Uint8Array }> {
  const found = new Map<number, { int?: number; bytes?: Uint8Array }>();
  const reader = new WireReader(bytes);
  while (!reader.done) {
    const { field, wire } = reader.tag();
    if (wire === WireType.varint) found.set(field, { int: reader.int() });
    else if (wire === WireType.bytes) found.set(field, { bytes: reader.bytes() });
    else reader.skip(wire);
  }
  return found;
}

/** intstr.IntOrString { type = 1 (0 int, 1 string), intVal = 2, strVal = 3 }. */
function intOrString(bytes: Uint8Array, where: string): JsonValue {
  const f = fields(bytes);
  if (f.get(1)?.int === 1) {
    const s = f.get(3)?.bytes;
    return s ? text(s, where) : '';
  }
  return f.get(2)?.int ?? 0;
}

/**
 * metav1.Time { seconds = 1, nanos = 2 } as metav1.Time's JSON: RFC 3339 in UTC, to the
 * second ("2024-05-01T12:00:00Z"); MicroTime keeps 6 digits ("…T12:00:00.250000Z").
 */
function timestamp(bytes: Uint8Array, micro: boolean, where: string): string | undefined {
  const f = fields(bytes);
  const seconds = f.get(1)?.int ?? 0;
  const nanos = f.get(2)?.int ?? 0;
  if (seconds === 0 && nanos === 0) return undefined;
  const date = new Date(seconds * 1000);
  if (Number.isNaN(date.getTime())) throw malformed(`${where} is not a valid time`);
  const base = date.toISOString().slice(0, 19);
  if (!micro) return `${base}Z`;
  return `${base}.${String(Math.floor(nanos / 1000)).padStart(6, '0')}Z`;
}

/** metav1.FieldsV1 { Raw = 1 }: the managed-fields set, itself JSON. */
function fieldsV1(bytes: Uint8Array, where: string): JsonValue {
  const raw = fields(bytes).get(1)?.bytes;
  if (!raw || raw.length === 0) return {};
  try {
    return JSON.parse(text(raw, where)) as JsonValue;
  } catch {
    throw malformed(`${where} does not hold JSON`);
  }
}

/** A map entry message { key = 1, value = 2 }; a missing value is the kind's zero. */
function mapEntry(bytes: Uint8Array, kind: Field['kind'], where: string): [string, JsonValue] {
  const reader = new WireReader(bytes);
  let key = '';
  let v: JsonValue | undefined;
  while (!reader.done) {
    const { field, wire } = reader.tag();
    if (field === 1) key = text(expectBytes(reader, wire, `${where} key`), where);
    else if (field === 2) v = value(reader, wire, kind, `${where}[${key}]`) ?? null;
    else reader.skip(wire);
  }
  if (v === undefined) v = kind === 'int' ? 0 : kind === 'bool' ? false : kind === 'quantity' ? '0' : '';
  return [key, v];
}
