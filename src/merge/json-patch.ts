/**
 * RFC 6902 JSON patch with the semantics kustomize gets from evanphx/json-patch (checked
 * with `kubectl kustomize`): `add` needs an existing parent and an index ≤ length (`-`
 * appends) and overwrites an existing key; `remove`/`move`/`copy` need an existing source;
 * `replace` of a missing map key adds it, of a missing list index fails; a missing `value`
 * is null. fast-json-patch applies the operations; the checks above are ours because its
 * own validation differs (it rejects replace-to-missing, ignores remove-of-missing).
 */
import fastJsonPatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { CapstanError, isCapstanError } from '../core/errors.js';
import { cloneJson, isJsonObject, type JsonValue } from '../core/object.js';
import { isSecret, SecretMasker } from '../core/secret-mask.js';
import { parseYamlDocument } from '../core/yaml.js';

const { applyOperation, _areEquals: deepEqual } = fastJsonPatch;

export type JsonPatchOp =
  | { op: 'add' | 'replace' | 'test'; path: string; value?: JsonValue }
  | { op: 'remove'; path: string }
  | { op: 'move' | 'copy'; from: string; path: string };

const OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

function invalid(source: string | undefined, message: string): CapstanError {
  return new CapstanError('MERGE_INVALID_PATCH', `${source ? `${source}: ` : ''}${message}`, { source });
}

/** Checks the shape of each operation; returns them typed. */
export function validateJsonPatch(ops: unknown, source?: string): JsonPatchOp[] {
  if (!Array.isArray(ops)) throw invalid(source, 'a JSON patch must be a list of operations');
  ops.forEach((o, i) => {
    const at = `operation ${i}`;
    if (!isJsonObject(o)) throw invalid(source, `${at} must be a map with op and path`);
    if (typeof o.op !== 'string' || !OPS.has(o.op)) {
      throw invalid(
        source,
        `${at} has unknown op ${JSON.stringify(o.op)} (use add, remove, replace, move, copy or test)`,
      );
    }
    if (typeof o.path !== 'string') throw invalid(source, `${at} (${o.op}) has no path`);
    if (o.path !== '' && !o.path.startsWith('/'))
      throw invalid(source, `${at} (${o.op}) path ${o.path} must start with /`);
    if ((o.op === 'move' || o.op === 'copy') && typeof o.from !== 'string') {
      throw invalid(source, `${at} (${o.op} ${o.path}) has no from`);
    }
  });
  return ops as JsonPatchOp[];
}

/**
 * Parses YAML or JSON text holding a list of operations (or checks an already parsed list),
 * with the YAML reader of every other kustomize input (loading the `yaml` package for this
 * alone cost `capstan render` a quarter of a second at start).
 */
export function parseJsonPatch(input: string | unknown, source: string): JsonPatchOp[] {
  if (typeof input !== 'string') return validateJsonPatch(input, source);
  let doc: unknown;
  try {
    doc = parseYamlDocument(input, source);
  } catch (e) {
    // the reader's message starts with the source too
    const message = isCapstanError(e)
      ? e.message.replace(`${source}: `, '').replace(`${source}, `, '')
      : String(e);
    throw invalid(source, `cannot parse the JSON patch: ${message}`);
  }
  return validateJsonPatch(doc ?? [], source);
}

const unescape = (s: string) => s.replace(/~1/g, '/').replace(/~0/g, '~');

/** Resolves the parent of `path` and its last token; throws a reason when absent. */
function parentOf(doc: JsonValue, path: string): { parent: JsonValue; key: string } {
  const tokens = path.split('/').slice(1).map(unescape);
  const key = tokens.pop()!;
  let cur: JsonValue | undefined = doc;
  let walked = '';
  for (const t of tokens) {
    walked += `/${t}`;
    cur = child(cur, t);
    if (cur === undefined || cur === null || typeof cur !== 'object')
      throw new Error(`path ${walked} does not exist`);
  }
  return { parent: cur as JsonValue, key };
}

function child(v: JsonValue | undefined, t: string): JsonValue | undefined {
  if (Array.isArray(v)) return /^(0|[1-9][0-9]*)$/.test(t) ? v[Number(t)] : undefined;
  if (isJsonObject(v)) return Object.hasOwn(v, t) ? v[t] : undefined;
  return undefined;
}

/** Checks that `path` names an existing value. */
function mustExist(doc: JsonValue, path: string): void {
  if (path === '') return;
  const { parent, key } = parentOf(doc, path);
  if (child(parent, key) === undefined) throw new Error(`path ${path} does not exist`);
}

/** Checks that a value can be put at `path` (`add`: index ≤ length; `replace`: index < length). */
function mustBeSettable(doc: JsonValue, path: string, op: 'add' | 'replace'): void {
  if (path === '') return;
  const { parent, key } = parentOf(doc, path);
  if (!Array.isArray(parent)) return;
  const max = op === 'add' ? parent.length : parent.length - 1;
  if (key === '-' && op === 'add') return;
  if (!/^(0|[1-9][0-9]*)$/.test(key) || Number(key) > max) {
    throw new Error(`index ${key} is out of range at ${path} (the list has ${parent.length} items)`);
  }
}

/**
 * Applies `ops` to `doc` and returns the new document; `doc` is not changed unless
 * `context.inPlace` is set (for callers that throw the document away on failure). All or
 * nothing: the first failing operation throws MERGE_JSON_PATCH_FAILED naming its index,
 * op, path, the object (`context.target`) and the cause.
 */
export function applyJsonPatch<T extends JsonValue>(
  doc: T,
  ops: readonly unknown[],
  context: { source?: string; target?: string; inPlace?: boolean } = {},
): T {
  const valid = validateJsonPatch(ops, context.source);
  // a failing `test` on a Secret would otherwise quote its data in the error
  const secret = isJsonObject(doc) && isSecret(doc);
  // inPlace: the caller discards `doc` on failure (a render aborts), so no copy is needed
  let out = (context.inPlace ? doc : structuredClone(doc)) as JsonValue;
  valid.forEach((op, i) => {
    try {
      switch (op.op) {
        case 'add':
          mustBeSettable(out, op.path, 'add');
          break;
        case 'replace':
          mustBeSettable(out, op.path, 'replace');
          break;
        case 'remove':
          if (op.path.endsWith('/-')) throw new Error(`path ${op.path} does not name an item`);
          mustExist(out, op.path);
          break;
        case 'move':
        case 'copy':
          mustExist(out, op.from);
          mustBeSettable(out, op.path, 'add');
          break;
        case 'test': {
          mustExist(out, op.path);
          const actual = fastJsonPatch.getValueByPointer(out, op.path);
          if (!deepEqual(actual, op.value ?? null)) {
            const [is, not] = secret
              ? maskedPair(op.path, actual, op.value ?? null)
              : [JSON.stringify(actual), JSON.stringify(op.value ?? null)];
            throw new Error(`test failed: the value is ${is}, not ${not}`);
          }
          return; // nothing to apply once checked
        }
      }
      // add and replace insert their value: a copy of it, as one patch applies to many objects
      // (a value shared between them would take every later change made to any of them)
      const withValue =
        op.op === 'add' || op.op === 'replace' ? { ...op, value: cloneJson(op.value ?? null) } : op;
      out = applyOperation(out, withValue as Operation, false, true, true).newDocument as JsonValue;
    } catch (e) {
      const where = `${op.op} ${op.path}`;
      throw new CapstanError(
        'MERGE_JSON_PATCH_FAILED',
        `${context.source ? `${context.source}: ` : ''}JSON patch operation ${i} (${where})` +
          `${context.target ? ` on ${context.target}` : ''} failed: ${(e as Error).message}`,
        { source: context.source, target: context.target, index: i, op: op.op, path: op.path },
        // fast-json-patch's errors carry the whole document: not for a Secret
        secret ? undefined : e,
      );
    }
  });
  return out as T;
}

/** Two different values of a Secret as the diff shows them: `++++++++`, `+++++++++`. */
function maskedPair(path: string, a: JsonValue | undefined, b: JsonValue): [string, string] {
  const masker = new SecretMasker();
  return [masker.mask(path, JSON.stringify(a ?? null)), masker.mask(path, JSON.stringify(b))];
}
