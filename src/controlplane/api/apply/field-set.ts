/**
 * A set of field paths stored as a trie, with the set algebra structured-merge-diff uses
 * (fieldpath/set.go) and the `FieldsV1` JSON form found in `metadata.managedFields`.
 *
 * A node holds its *members* (paths ending here) and its *children* (paths going on).
 * One element can be both: `{"f:labels":{".":{},"f:app":{}}}` means the set holds
 * `.metadata.labels` itself and `.metadata.labels.app`.
 */
import type { JsonObject, JsonValue } from '../../../core/index.js';
import { isMap } from './json-util.js';
import { comparePE, parsePE, serializePE, type FieldPath, type PathElement } from './path-element.js';

interface Child {
  readonly pe: PathElement;
  readonly set: FieldSet;
}

/** A set of field paths (see the file comment). Operations return new sets. */
export class FieldSet {
  private readonly members = new Map<string, PathElement>();
  private readonly children = new Map<string, Child>();

  /** Adds a path; the empty path (the object itself) is never stored, as in SMD. */
  insert(path: FieldPath): this {
    const [first, ...rest] = path;
    if (first === undefined) return this;
    if (rest.length === 0) this.members.set(serializePE(first), first);
    else this.child(first).insert(rest);
    return this;
  }

  has(path: FieldPath): boolean {
    const [first, ...rest] = path;
    if (first === undefined) return false;
    if (rest.length === 0) return this.members.has(serializePE(first));
    return this.children.get(serializePE(first))?.set.has(rest) ?? false;
  }

  isEmpty(): boolean {
    if (this.members.size > 0) return false;
    for (const c of this.children.values()) if (!c.set.isEmpty()) return false;
    return true;
  }

  /** The paths below `pe`, without `pe` (empty when there are none). */
  withPrefix(pe: PathElement): FieldSet {
    return this.children.get(serializePE(pe))?.set ?? new FieldSet();
  }

  union(other: FieldSet): FieldSet {
    const out = this.copy();
    for (const [id, pe] of other.members) out.members.set(id, pe);
    for (const [id, c] of other.children) {
      const mine = out.children.get(id);
      out.children.set(id, { pe: c.pe, set: mine ? mine.set.union(c.set) : c.set.copy() });
    }
    return out;
  }

  intersection(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [id, pe] of this.members) if (other.members.has(id)) out.members.set(id, pe);
    for (const [id, c] of this.children) {
      const theirs = other.children.get(id);
      if (theirs) out.addChild(c.pe, c.set.intersection(theirs.set));
    }
    return out;
  }

  /** Paths of this set that are not in `other` (exact paths: a member does not cover its subtree). */
  difference(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [id, pe] of this.members) if (!other.members.has(id)) out.members.set(id, pe);
    for (const [id, c] of this.children) {
      const theirs = other.children.get(id);
      out.addChild(c.pe, theirs ? c.set.difference(theirs.set) : c.set.copy());
    }
    return out;
  }

  /**
   * Like `difference`, but a member of `other` also removes everything below it:
   * `{.status.replicas, .spec.replicas} ∖∖ {.status}` = `{.spec.replicas}`. This is how
   * reset fields (status on the main resource) are filtered out.
   */
  recursiveDifference(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [id, pe] of this.members) if (!other.members.has(id)) out.members.set(id, pe);
    for (const [id, c] of this.children) {
      if (other.members.has(id)) continue;
      const theirs = other.children.get(id);
      out.addChild(c.pe, theirs ? c.set.recursiveDifference(theirs.set) : c.set.copy());
    }
    return out;
  }

  /**
   * Adds every named field that has children as a member too: `{.spec.replicas}` becomes
   * `{.spec, .spec.replicas}`. SMD does this before pruning so that removing the last
   * owned child of `spec` can remove `spec` itself.
   */
  ensureNamedFieldsAreMembers(): FieldSet {
    const out = new FieldSet();
    for (const [id, pe] of this.members) out.members.set(id, pe);
    for (const [id, c] of this.children) {
      if ('field' in c.pe) out.members.set(id, c.pe);
      out.addChild(c.pe, c.set.ensureNamedFieldsAreMembers());
    }
    return out;
  }

  /** Every path, in SMD's iteration order: a node's sorted members, then its sorted children. */
  paths(): FieldPath[] {
    const out: FieldPath[] = [];
    const walk = (node: FieldSet, prefix: PathElement[]) => {
      for (const pe of [...node.members.values()].sort(comparePE)) out.push([...prefix, pe]);
      for (const c of [...node.children.values()].sort((a, b) => comparePE(a.pe, b.pe))) {
        walk(c.set, [...prefix, c.pe]);
      }
    };
    walk(this, []);
    return out;
  }

  /** The `fieldsV1` JSON: elements sorted as SMD sorts them, `"."` where an element is both. */
  toFieldsV1(): JsonObject {
    const out: JsonObject = {};
    const ids = new Set([...this.members.keys(), ...this.children.keys()]);
    const entries = [...ids].map((id) => ({
      id,
      pe: (this.members.get(id) ?? this.children.get(id)!.pe) as PathElement,
    }));
    entries.sort((a, b) => comparePE(a.pe, b.pe));
    for (const { id } of entries) {
      const child = this.children.get(id);
      const body = child && !child.set.isEmpty() ? child.set.toFieldsV1() : {};
      out[id] = this.members.has(id) && Object.keys(body).length > 0 ? { '.': {}, ...body } : body;
    }
    return out;
  }

  /** Parses `fieldsV1`; throws on a malformed element. */
  static fromFieldsV1(json: JsonValue): FieldSet {
    if (!isMap(json)) throw new Error('fieldsV1 must be an object');
    const out = new FieldSet();
    for (const [id, body] of Object.entries(json)) {
      if (id === '.') continue;
      const pe = parsePE(id);
      if (!isMap(body)) throw new Error(`fieldsV1 entry ${id} must be an object`);
      const keys = Object.keys(body);
      if (keys.length === 0 || '.' in body) out.members.set(serializePE(pe), pe);
      if (keys.some((k) => k !== '.')) out.addChild(pe, FieldSet.fromFieldsV1(body));
    }
    return out;
  }

  /** A set of the given paths. */
  static of(...paths: FieldPath[]): FieldSet {
    const out = new FieldSet();
    for (const p of paths) out.insert(p);
    return out;
  }

  private child(pe: PathElement): FieldSet {
    const id = serializePE(pe);
    let c = this.children.get(id);
    if (!c) {
      c = { pe, set: new FieldSet() };
      this.children.set(id, c);
    }
    return c.set;
  }

  private addChild(pe: PathElement, set: FieldSet): void {
    if (!set.isEmpty()) this.children.set(serializePE(pe), { pe, set });
  }

  private copy(): FieldSet {
    const out = new FieldSet();
    for (const [id, pe] of this.members) out.members.set(id, pe);
    for (const [id, c] of this.children) out.children.set(id, { pe: c.pe, set: c.set.copy() });
    return out;
  }
}
