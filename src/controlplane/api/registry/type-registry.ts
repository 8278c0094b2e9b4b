/**
 * The resource types the server serves: the built-in ones, plus one per served version
 * of every established CustomResourceDefinition. Rebuilt when CRDs change, so a CRD
 * becomes servable (and disappears) without a restart.
 */
import type { JsonObject } from '../../../core/index.js';
import type { Gvr, ResourceType } from '../types.js';

export class TypeRegistry {
  private readonly builtin: ResourceType[];
  private custom: ResourceType[] = [];
  private byGvr = new Map<string, ResourceType>();
  private byGroupResource = new Map<string, ResourceType[]>();
  private byKind = new Map<string, ResourceType>();

  constructor(
    builtin: ResourceType[],
    private readonly fromCrd: (crd: JsonObject) => ResourceType[],
  ) {
    this.builtin = builtin;
    this.reindex();
  }

  all(): ResourceType[] {
    return [...this.builtin, ...this.custom];
  }

  lookup(gvr: Gvr): ResourceType | undefined {
    return this.byGvr.get(`${gvr.group}/${gvr.version}/${gvr.resource}`);
  }

  /** Every served version of a group/resource (the store keeps one copy for all of them). */
  versions(group: string, resource: string): ResourceType[] {
    return this.byGroupResource.get(`${group}/${resource}`) ?? [];
  }

  /** The type of an apiVersion/kind, e.g. for owner references and CRD instances. */
  forKind(apiVersion: string, kind: string): ResourceType | undefined {
    return this.byKind.get(`${apiVersion}/${kind}`);
  }

  /** Replaces the custom types with those of `crds` (the established ones). */
  setCrds(crds: readonly JsonObject[]): void {
    const custom: ResourceType[] = [];
    for (const crd of crds) {
      try {
        custom.push(...this.fromCrd(crd));
      } catch {
        // a CRD the schema reader refuses serves nothing; its status says why
      }
    }
    this.custom = custom;
    this.reindex();
  }

  private reindex(): void {
    this.byGvr = new Map();
    this.byGroupResource = new Map();
    this.byKind = new Map();
    for (const t of this.all()) {
      this.byGvr.set(`${t.group}/${t.version}/${t.resource}`, t);
      const gr = `${t.group}/${t.resource}`;
      const list = this.byGroupResource.get(gr) ?? [];
      list.push(t);
      this.byGroupResource.set(gr, list);
      this.byKind.set(`${t.group ? `${t.group}/${t.version}` : t.version}/${t.kind}`, t);
    }
  }
}

/** `apps/v1` or `v1` for a type. */
export function apiVersionOf(t: { group: string; version: string }): string {
  return t.group ? `${t.group}/${t.version}` : t.version;
}
