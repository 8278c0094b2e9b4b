/**
 * A reader for `metadata.managedFields[].fieldsV1`, the trie in which the API server records
 * which fields each manager owns (structured-merge-diff's `FieldsV1` serialization,
 * https://kubernetes.io/docs/reference/using-api/server-side-apply/#field-management):
 *
 *   {"f:spec": {"f:replicas": {}, "f:template": {"f:spec": {"f:containers":
 *     {"k:{\"name\":\"web\"}": {".": {}, "f:image": {}}}}}}}
 *
 * - `f:<name>`  a field of a map;
 * - `k:<json>`  an element of an associative list, by its key fields (`{"name":"web"}`);
 * - `v:<json>`  an element of a set (a list of scalars), by its value;
 * - `i:<n>`     an element of a list, by index;
 * - `.`         inside an element: the element itself is owned, not only fields below it.
 *   An element with nothing below it (`{}`) is owned too.
 *
 * Written here because the diff layer may not import the control plane's field sets, and no
 * npm package reads FieldsV1. Reading is lazy: the diff asks for one child at a time, so a
 * comparison never parses more of the trie than it walks.
 */
import {
  CapstanError,
  isJsonObject,
  type JsonObject,
  type JsonValue,
  type KubeObject,
} from '../core/index.js';

/** One step of a field path. */
export type PathElement =
  | { readonly field: string }
  | { readonly key: JsonObject }
  | { readonly value: JsonValue }
  | { readonly index: number };

export type FieldPath = readonly PathElement[];

function invalid(element: string, reason: string): CapstanError {
  return new CapstanError(
    'DIFF_FIELDS_V1_INVALID',
    `managedFields: ${JSON.stringify(element)} is not a FieldsV1 element: ${reason}`,
    { element },
  );
}

function parseJson(element: string, text: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    throw invalid(element, 'its JSON does not parse');
  }
}

/** Decodes one FieldsV1 element (`f:spec`, `k:{"name":"web"}`, `v:"x"`, `i:0`); throws `DIFF_FIELDS_V1_INVALID`. */
export function parsePathElement(element: string): PathElement {
  const body = element.slice(2);
  switch (element.slice(0, 2)) {
    case 'f:':
      return { field: body };
    case 'k:': {
      const key = parseJson(element, body);
      if (!isJsonObject(key) || Object.keys(key).length === 0)
        throw invalid(element, 'a key must be a non-empty JSON object');
      return { key };
    }
    case 'v:':
      return { value: parseJson(element, body) };
    case 'i:':
      if (!/^(0|[1-9][0-9]*)$/.test(body)) throw invalid(element, 'an index must be a non-negative integer');
      return { index: Number(body) };
    default:
      throw invalid(element, 'it must start with f:, k:, v: or i:');
  }
}

/**
 * The paths a FieldsV1 trie owns (its members), in the trie's order; throws
 * `DIFF_FIELDS_V1_INVALID` on a malformed element. `{"f:a": {".": {}, "f:b": {}}}` owns
 * `.a` and `.a.b`; `{"f:a": {"f:b": {}}}` owns only `.a.b`.
 */
export function parseFieldsV1(fields: JsonValue): PathElement[][] {
  const out: PathElement[][] = [];
  const walk = (node: JsonValue, prefix: PathElement[]) => {
    if (!isJsonObject(node)) throw invalid(JSON.stringify(node), 'every element must map to an object');
    for (const [element, body] of Object.entries(node)) {
      if (element === '.') continue;
      const path = [...prefix, parsePathElement(element)];
      if (!isJsonObject(body)) throw invalid(element, 'every element must map to an object');
      if (Object.keys(body).length === 0 || '.' in body) out.push(path);
      walk(body, path);
    }
  };
  walk(fields, []);
  return out;
}

/**
 * Fields Kubernetes defaults in the key of an associative list: SMD records the defaulted
 * value (`k:{"containerPort":80,"protocol":"TCP"}`) when the manifest left it out.
 */
const keyDefaults: Readonly<Record<string, JsonValue>> = { protocol: 'TCP' };

/** The values of `fields` in `item` (defaults filled in) as one comparable string. */
export function keyString(item: JsonObject, fields: readonly string[]): string {
  // the common single string or number key skips JSON.stringify: this runs for every list item
  if (fields.length === 1) {
    const v = item[fields[0]!] ?? keyDefaults[fields[0]!] ?? null;
    if (typeof v === 'string') return `s${v}`;
    if (typeof v === 'number') return `n${v}`;
  }
  return JSON.stringify(fields.map((f) => item[f] ?? keyDefaults[f] ?? null));
}

interface Keyed {
  fields: string[];
  entries: { key: JsonObject; node: FieldsNode }[];
  byKey: Map<string, FieldsNode>;
}

/** One node of a FieldsV1 trie, read lazily (see the file comment). Malformed children are skipped. */
export class FieldsNode {
  private keyedCache: Keyed | null | undefined;
  private keyFieldsCache: string[] | null | undefined;
  private keyedCountCache: number | undefined;
  private valuesCache: { value: JsonValue; text: string; node: FieldsNode }[] | undefined;

  constructor(readonly raw: JsonObject) {}

  /** The element itself is owned: a leaf, or a node marked `.`. */
  get isMember(): boolean {
    if ('.' in this.raw) return true;
    for (const _ in this.raw) return false;
    return true;
  }

  field(name: string): FieldsNode | undefined {
    const body = this.raw[`f:${name}`];
    return isJsonObject(body) ? new FieldsNode(body) : undefined;
  }

  /** The names of the `f:` children. */
  fieldNames(): string[] {
    const out: string[] = [];
    for (const element in this.raw) if (element.startsWith('f:')) out.push(element.slice(2));
    return out;
  }

  /** The key fields of the `k:` children (read from the first), or undefined when there are none. */
  keyFields(): readonly string[] | undefined {
    if (this.keyFieldsCache === undefined) {
      this.keyFieldsCache = null;
      for (const element in this.raw) {
        if (!element.startsWith('k:')) continue;
        try {
          this.keyFieldsCache = Object.keys((parsePathElement(element) as { key: JsonObject }).key);
          break;
        } catch {
          // a malformed element: try the next
        }
      }
    }
    return this.keyFieldsCache ?? undefined;
  }

  /** How many `k:` children there are. */
  keyedCount(): number {
    if (this.keyedCountCache === undefined) {
      let n = 0;
      for (const element in this.raw) if (element.startsWith('k:')) n++;
      this.keyedCountCache = n;
    }
    return this.keyedCountCache;
  }

  /** The `k:` children with their key fields (those of the first key), or undefined when there are none. */
  keyed(): Keyed | undefined {
    if (this.keyedCache !== undefined) return this.keyedCache ?? undefined;
    let out: Keyed | null = null;
    for (const [element, body] of Object.entries(this.raw)) {
      if (!element.startsWith('k:') || !isJsonObject(body)) continue;
      let pe: PathElement;
      try {
        pe = parsePathElement(element);
      } catch {
        continue;
      }
      const key = (pe as { key: JsonObject }).key;
      out ??= { fields: Object.keys(key), entries: [], byKey: new Map() };
      const node = new FieldsNode(body);
      out.entries.push({ key, node });
      out.byKey.set(keyString(key, out.fields), node);
    }
    this.keyedCache = out;
    return out ?? undefined;
  }

  /**
   * The `k:` child for a list item (only its key fields are read). The element is first
   * looked up by the text the API server writes (`k:{"name":"web"}`, fields in the order of
   * its other keys), which spares parsing every key of the list.
   */
  keyedChild(item: JsonObject): FieldsNode | undefined {
    const fields = this.keyFields();
    if (!fields) return undefined;
    let text = 'k:{';
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i]!;
      text += `${i ? ',' : ''}${JSON.stringify(f)}:${JSON.stringify(item[f] ?? keyDefaults[f] ?? null)}`;
    }
    const body = this.raw[`${text}}`];
    if (isJsonObject(body)) return new FieldsNode(body);
    return this.keyed()?.byKey.get(keyString(item, fields));
  }

  /** The `v:` children (elements of a set). */
  values(): { value: JsonValue; text: string; node: FieldsNode }[] {
    if (this.valuesCache) return this.valuesCache;
    const out: { value: JsonValue; text: string; node: FieldsNode }[] = [];
    for (const [element, body] of Object.entries(this.raw)) {
      if (!element.startsWith('v:') || !isJsonObject(body)) continue;
      try {
        const value = (parsePathElement(element) as { value: JsonValue }).value;
        out.push({ value, text: JSON.stringify(value), node: new FieldsNode(body) });
      } catch {
        // a malformed element owns nothing we can match
      }
    }
    return (this.valuesCache = out);
  }

  /**
   * The child for one path element. A `key` element may be a whole list item: only the key
   * fields this node's elements use are read from it.
   */
  child(pe: PathElement): FieldsNode | undefined {
    if ('field' in pe) return this.field(pe.field);
    if ('key' in pe) return this.keyedChild(pe.key);
    if ('value' in pe) {
      const text = JSON.stringify(pe.value);
      return this.values().find((v) => v.text === text)?.node;
    }
    const body = this.raw[`i:${pe.index}`];
    return isJsonObject(body) ? new FieldsNode(body) : undefined;
  }

  /** The node at `path`, or undefined when this trie has nothing there. */
  at(path: FieldPath, from = 0): FieldsNode | undefined {
    if (from === path.length) return this;
    return this.child(path[from]!)?.at(path, from + 1);
  }
}

/** The union of FieldsV1 tries, as one raw trie (only built when a manager has several entries). */
function unionRaw(a: JsonObject, b: JsonObject): JsonObject {
  const member = (x: JsonObject) => Object.keys(x).length === 0 || '.' in x;
  const out: JsonObject = { ...a };
  for (const [element, body] of Object.entries(b)) {
    const mine = out[element];
    if (!isJsonObject(mine) || !isJsonObject(body)) out[element] = body;
    else {
      const merged = unionRaw(mine, body);
      if ((member(mine) || member(body)) && Object.keys(merged).length > 0) merged['.'] = {};
      out[element] = merged;
    }
  }
  return out;
}

/** One `metadata.managedFields` entry, as far as the diff reads it. */
export interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  subresource?: string;
  fieldsType?: string;
  fieldsV1?: JsonValue;
  /** when the manager last wrote (RFC 3339) */
  time?: string;
}

/** The managedFields entries of an object that carry a FieldsV1 trie. */
export function managedFieldsEntries(obj: KubeObject | undefined): ManagedFieldsEntry[] {
  const list = obj?.metadata?.managedFields;
  if (!Array.isArray(list)) return [];
  return list.filter(
    (e): e is JsonObject & ManagedFieldsEntry =>
      isJsonObject(e) && isJsonObject(e.fieldsV1) && (e.fieldsType ?? 'FieldsV1') === 'FieldsV1',
  );
}

/** The fields of the entries `select` picks, united; undefined when it picks none. */
export function fieldsOf(
  entries: readonly ManagedFieldsEntry[],
  select: (e: ManagedFieldsEntry) => boolean,
): FieldsNode | undefined {
  let raw: JsonObject | undefined;
  for (const e of entries) {
    if (!select(e) || !isJsonObject(e.fieldsV1)) continue;
    raw = raw ? unionRaw(raw, e.fieldsV1) : e.fieldsV1;
  }
  return raw && new FieldsNode(raw);
}

/**
 * Who owns what, seen from one manager: `owned` is what it applied (`operation: Apply`,
 * the fields a three-way removal may take away); `others` is every other entry (other
 * managers, and this manager's own `Update`s), whose fields an apply never removes.
 */
export function ownership(
  entries: readonly ManagedFieldsEntry[],
  manager: string,
): { owned?: FieldsNode; others: FieldsNode[] } {
  const ours = (e: ManagedFieldsEntry) => e.manager === manager && e.operation === 'Apply';
  const others: FieldsNode[] = [];
  for (const e of entries) if (!ours(e) && isJsonObject(e.fieldsV1)) others.push(new FieldsNode(e.fieldsV1));
  return { owned: fieldsOf(entries, ours), others };
}

const identifier = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * A readable path: `.spec.template.spec.containers[name="web"].image`,
 * `.metadata.labels["app.kubernetes.io/name"]`, `.metadata.finalizers[="x"]`, `.args[0]`.
 * The root is `.`.
 */
export function formatPath(path: FieldPath): string {
  let out = '';
  for (const pe of path) {
    if ('field' in pe) out += identifier.test(pe.field) ? `.${pe.field}` : `[${JSON.stringify(pe.field)}]`;
    else if ('key' in pe)
      out += `[${Object.entries(pe.key)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(',')}]`;
    else if ('value' in pe) out += `[=${JSON.stringify(pe.value)}]`;
    else out += `[${pe.index}]`;
  }
  return out || '.';
}
