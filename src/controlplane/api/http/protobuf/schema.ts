/**
 * The notation of the message tables in ./schemas and their parsed form.
 *
 * A message is a space-separated list of fields `number:jsonName[:kind][*][!]`:
 * - kind, `string` when left out: `int` (int32), `int64`, `bool`, `bytes` (base64 in JSON),
 *   `quantity` (resource.Quantity: its string), `intOrString` (a number or a string),
 *   `time` (metav1.Time: RFC 3339), `microTime`, `fieldsV1` (managed fields: raw JSON), a
 *   message `Name` of the same group or `group.Name`, or `{kind}`: a map with string keys;
 * - `*`: repeated, an array in JSON;
 * - `!`: a zero value ("", 0, false) is kept. Go writes every non-pointer field on the wire,
 *   so a zero there usually means "unset" and is dropped as encoding/json's omitempty would;
 *   it is kept for Go pointers (`replicas: 0` is not "unset") and fields without omitempty;
 * - the name `...` merges the message's fields into the parent, like an embedded Go struct
 *   (Volume embeds VolumeSource: `{name, configMap}`, not `{name, volumeSource: {configMap}}`).
 *
 * Example: `ContainerPort: '1:name 3:containerPort:int! 4:protocol'`.
 */
export type ScalarKind =
  'string' | 'int' | 'bool' | 'bytes' | 'quantity' | 'intOrString' | 'time' | 'microTime' | 'fieldsV1';

/** A scalar, or a message named `group/Name`. */
export type ValueKind = ScalarKind | { message: string };

export interface Field {
  /** the JSON name; '' when inlined */
  name: string;
  kind: ValueKind;
  map: boolean;
  repeated: boolean;
  keepZero: boolean;
  /** an `int64` (kind `int`, the same on the wire): JSON decoding bounds `int` to int32 */
  int64: boolean;
}

export type Message = ReadonlyMap<number, Field>;

/** One group's messages in the notation above, by message name. */
export type SchemaTable = Record<string, string | readonly string[]>;

const scalars = new Set<string>([
  'string',
  'int',
  'bool',
  'bytes',
  'quantity',
  'intOrString',
  'time',
  'microTime',
  'fieldsV1',
]);

const fieldPattern = /^(\d+):(\.\.\.|\w+)(?::(\{?)([\w.]+)\}?)?(\*)?(!)?$/;

function parseKind(group: string, kind: string): ValueKind {
  if (scalars.has(kind)) return kind as ScalarKind;
  return { message: kind.includes('.') ? kind.replace('.', '/') : `${group}/${kind}` };
}

function parseMessage(group: string, spec: string): Message {
  const fields = new Map<number, Field>();
  for (const token of spec.split(/\s+/).filter(Boolean)) {
    const m = fieldPattern.exec(token);
    if (!m) throw new Error(`bad protobuf schema field ${token} in group ${group}`);
    const [, num, name, brace, kind, star, bang] = m;
    fields.set(Number(num), {
      name: name === '...' ? '' : name!,
      kind: parseKind(group, kind === 'int64' ? 'int' : (kind ?? 'string')),
      map: brace === '{',
      repeated: star === '*',
      keepZero: bang === '!',
      int64: kind === 'int64',
    });
  }
  return fields;
}

/** Parses the tables of several groups into one map by `group/Name`, checking every reference. */
export function parseSchemas(groups: Record<string, SchemaTable[]>): Map<string, Message> {
  const messages = new Map<string, Message>();
  for (const [group, tables] of Object.entries(groups)) {
    for (const table of tables) {
      for (const [name, spec] of Object.entries(table)) {
        const text = typeof spec === 'string' ? spec : spec.join(' ');
        messages.set(`${group}/${name}`, parseMessage(group, text));
      }
    }
  }
  for (const [name, message] of messages) {
    for (const field of message.values()) {
      if (typeof field.kind === 'object' && !messages.has(field.kind.message)) {
        throw new Error(`protobuf schema ${name} refers to the unknown message ${field.kind.message}`);
      }
    }
  }
  return messages;
}
