/**
 * `explainDrift`: one line saying why an object is out of sync, for an application's
 * status, the API and the CLI —
 *
 *   changed live by kubectl-edit at 2026-03-02T10:04:00Z: spec.replicas 3 → 5
 *   changed in Git at 4f2a9c1: spec.template.spec.containers[name="web"].image nginx:1.27 → nginx:1.28
 *   new in Git at 4f2a9c1 · deleted live · removed from Git (will be pruned)
 *
 * The live object's managedFields say who last wrote a field (the API server moves a
 * field's ownership to whoever changes it), and the objects the previous sync applied say
 * what Git held then; together they tell a change made in the cluster from one made in Git.
 */
import { idOf, isJsonObject, isSecret, type JsonValue, type KubeObject } from '../core/index.js';
import { comparison, DEFAULT_FIELD_MANAGER } from './compare.js';
import { FieldsNode, managedFieldsEntries, ownership } from './fields-v1.js';
import type { IgnoreDifference } from './ignore.js';
import { parsePointer } from './pointer.js';
import type { FieldDifference } from './three-way.js';

/** Why an object is out of sync, to match on; `why` is the same in words. */
export type DriftReason =
  'NewInGit' | 'DeletedLive' | 'RemovedFromGit' | 'ChangedLive' | 'ChangedInGit' | 'Differs';

export interface DriftInput {
  /** the object as rendered from Git (absent: Git no longer has it) */
  desired?: KubeObject;
  /** the object in the cluster, with its `metadata.managedFields` (absent: not there) */
  live?: KubeObject;
  /**
   * the objects the previous sync applied, matched to this one by group, kind, namespace
   * and name; absent when unknown (no sync yet), which reads as "nothing applied"
   */
  lastApplied?: readonly KubeObject[];
  /** the revision `desired` was rendered at (a commit sha is shortened to 7 characters) */
  revision?: string;
  /** the application's exclusions, as `compare` honours them */
  ignoreDifferences?: readonly IgnoreDifference[];
  /** whether the application prunes what Git no longer has (default true) */
  prune?: boolean;
  /** Capstan's own field manager (default `capstan`): its writes are not drift */
  manager?: string;
}

export interface DriftExplanation {
  status: 'Synced' | 'OutOfSync';
  /** one line, present when OutOfSync */
  why?: string;
  reason?: DriftReason;
}

/** How many fields a line names before it ends in `…`. */
const MAX_FIELDS = 3;
/** Longest value shown; longer ones are cut and end in `…`. */
const MAX_VALUE_LENGTH = 24;

const SYNCED: DriftExplanation = { status: 'Synced' };

/** A full commit sha (or a prefix of one) as `git log --oneline` shows it; any other revision as it is. */
export function shortRevision(revision: string): string {
  return /^[0-9a-f]{8,64}$/.test(revision) ? revision.slice(0, 7) : revision;
}

const at = (revision: string | undefined) => (revision ? ` at ${shortRevision(revision)}` : '');

function outOfSync(reason: DriftReason, why: string): DriftExplanation {
  return { status: 'OutOfSync', why, reason };
}

/**
 * Whether the object is in sync and, when not, why, in one line:
 * - desired only: `new in Git at <sha>` when the previous sync did not apply it, else
 *   `deleted live` (someone deleted what was applied);
 * - live only: `removed from Git (will be pruned)`, or `(prune is off)`;
 * - both, differing as `compare` sees it (ignoreDifferences honoured):
 *   `changed live by <manager> at <time>: <fields>` when another field manager than
 *   Capstan's owns a differing field (the latest such writer is named);
 *   `changed in Git at <sha>: <fields>` when a differing field is one Git changed since the
 *   previous sync; otherwise `differs: <fields>`.
 * Fields read `spec.replicas 3 → 5`, from the old value to the new: Git's to live's for a
 * live change, live's to Git's otherwise. At most three, then `…`. A Secret's fields are
 * named without values.
 */
export function explainDrift(input: DriftInput): DriftExplanation {
  const { desired, live } = input;
  if (!desired && !live) return SYNCED;
  if (!live) {
    return appliedBefore(desired!, input.lastApplied)
      ? outOfSync('DeletedLive', 'deleted live')
      : outOfSync('NewInGit', `new in Git${at(input.revision)}`);
  }
  if (!desired) {
    const what = input.prune === false ? 'prune is off' : 'will be pruned';
    return outOfSync('RemovedFromGit', `removed from Git (${what})`);
  }
  const manager = input.manager ?? DEFAULT_FIELD_MANAGER;
  const options = { manager, ignoreDifferences: input.ignoreDifferences };
  const cmp = comparison(desired, live, options);
  if (cmp.inSync) return SYNCED;
  const diffs = [...cmp.changed, ...cmp.removed];
  const secret = isSecret(desired) || isSecret(live);

  const writer = latestOtherWriter(live, cmp.live!, diffs, manager);
  if (writer) {
    const fields = listFields(diffs, writer.fields, (d) => [d.desired, d.live], secret);
    const when = writer.time ? ` at ${writer.time}` : '';
    return outOfSync('ChangedLive', `changed live by ${writer.manager}${when}: ${fields}`);
  }
  const previous = appliedBefore(desired, input.lastApplied);
  if (previous) {
    const changedInGit = gitChangedPaths(desired, previous, input.ignoreDifferences);
    const fromGit = diffs.filter((d) => changedInGit.some((p) => related(p, d.path)));
    if (fromGit.length) {
      const fields = listFields(diffs, fromGit, (d) => [d.live, d.desired], secret);
      return outOfSync('ChangedInGit', `changed in Git${at(input.revision)}: ${fields}`);
    }
  }
  return outOfSync('Differs', `differs: ${listFields(diffs, [], (d) => [d.live, d.desired], secret)}`);
}

/** The object's counterpart among those the previous sync applied (the version may differ). */
function appliedBefore(
  obj: KubeObject,
  lastApplied: readonly KubeObject[] | undefined,
): KubeObject | undefined {
  if (!lastApplied) return undefined;
  const id = idOf(obj);
  return lastApplied.find((o) => {
    const other = idOf(o);
    return (
      other.group === id.group &&
      other.kind === id.kind &&
      other.name === id.name &&
      (other.namespace ?? '') === (id.namespace ?? '')
    );
  });
}

/** The readable paths where Git's object differs from what the previous sync applied, both ways. */
function gitChangedPaths(
  desired: KubeObject,
  previous: KubeObject,
  ignoreDifferences: readonly IgnoreDifference[] | undefined,
): string[] {
  // the previous object has no managedFields, so each walk sees only what its desired side sets
  const added = comparison(desired, previous, { ignoreDifferences }).changed;
  const dropped = comparison(previous, desired, { ignoreDifferences }).changed;
  return [...added, ...dropped].map((d) => d.path);
}

/** One path is the other or lies under it (`.spec` and `.spec.replicas`, `.a[name="x"]` and `.a[name="x"].b`). */
function related(a: string, b: string): boolean {
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  if (short === '.') return true;
  return long === short || long.startsWith(`${short}.`) || long.startsWith(`${short}[`);
}

interface Writer {
  manager: string;
  time?: string;
  /** the differing fields this manager owns */
  fields: FieldDifference[];
}

/**
 * Among the managedFields entries of managers other than Capstan's, the one written last
 * that owns a differing field Capstan no longer owns. (Whoever changes a field takes it
 * from Capstan's apply; a field both still own holds the value Capstan applied.)
 * `prepared` is the live object the differences' pointers index.
 */
function latestOtherWriter(
  live: KubeObject,
  prepared: KubeObject,
  diffs: readonly FieldDifference[],
  manager: string,
): Writer | undefined {
  const entries = managedFieldsEntries(live);
  const value = prepared as unknown as JsonValue;
  const ours = ownership(entries, manager).owned;
  const taken = diffs.filter((d) => !ours || !owns(ours, value, parsePointer(d.pointer)));
  let best: Writer | undefined;
  for (const entry of entries) {
    if (!entry.manager || entry.manager === manager || !isJsonObject(entry.fieldsV1)) continue;
    const trie = new FieldsNode(entry.fieldsV1);
    const fields = taken.filter((d) => owns(trie, value, parsePointer(d.pointer)));
    if (!fields.length) continue;
    const time = typeof entry.time === 'string' ? entry.time : undefined;
    // RFC 3339 times in UTC, as the API server writes them, order as strings
    if (!best || (time ?? '') > (best.time ?? '')) best = { manager: entry.manager, time, fields };
  }
  return best;
}

/**
 * Whether `trie` owns the value at `segments` under `value`: it has a node there, or owns
 * an atomic value (a leaf) on the way. List elements are found by what the trie keys them
 * by — their key fields (`k:`), their value (`v:`) or their index (`i:`).
 */
function owns(trie: FieldsNode, value: JsonValue | undefined, segments: readonly string[]): boolean {
  let node = trie;
  let cur = value;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    let next: FieldsNode | undefined;
    if (Array.isArray(cur)) {
      const item = seg === '-' ? undefined : cur[Number(seg)];
      if (isJsonObject(item)) next = node.child({ key: item });
      else if (item !== undefined) next = node.child({ value: item });
      next ??= seg === '-' ? undefined : node.child({ index: Number(seg) });
      cur = item;
    } else {
      next = node.field(seg);
      cur = isJsonObject(cur) ? cur[seg] : undefined;
    }
    if (!next) return i > 0 && Object.keys(node.raw).length === 0;
    node = next;
  }
  return true;
}

/**
 * `first` then the other differences, as `path old → new` (paths only for a Secret), at
 * most MAX_FIELDS. `values` gives a difference's old and new value.
 */
function listFields(
  diffs: readonly FieldDifference[],
  first: readonly FieldDifference[],
  values: (d: FieldDifference) => [JsonValue | undefined, JsonValue | undefined],
  secret: boolean,
): string {
  const ordered = [...first, ...diffs.filter((d) => !first.includes(d))];
  const shown = ordered.slice(0, MAX_FIELDS).map((d) => {
    const path = d.path.startsWith('.') && d.path !== '.' ? d.path.slice(1) : d.path;
    if (secret) return path;
    const [from, to] = values(d);
    return `${path} ${shortValue(from)} → ${shortValue(to)}`;
  });
  return shown.join(', ') + (ordered.length > MAX_FIELDS ? ', …' : '');
}

/** A value in a few characters: `5`, `nginx:1.28`, `"two words"`, `{…}`, `(none)`. */
export function shortValue(v: JsonValue | undefined): string {
  if (v === undefined) return '(none)';
  let text: string;
  if (typeof v === 'string') text = /^[\w.:/@+-]+$/.test(v) ? v : JSON.stringify(v);
  else if (Array.isArray(v)) text = v.length ? JSON.stringify(v) : '[]';
  else if (isJsonObject(v)) text = Object.keys(v).length ? JSON.stringify(v) : '{}';
  else text = String(v);
  if (text.length <= MAX_VALUE_LENGTH) return text;
  if (Array.isArray(v)) return '[…]';
  if (isJsonObject(v)) return '{…}';
  return `${text.slice(0, MAX_VALUE_LENGTH - 1)}…`;
}
