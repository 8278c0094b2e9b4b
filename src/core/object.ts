/** A Kubernetes object as plain JSON: what YAML and the API give us, nothing more. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [key: string]: JsonValue | undefined;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [key: string]: JsonValue | ObjectMeta | undefined;
}

/** Group, version and kind of an object; the group is '' for the core API. */
export interface Gvk {
  group: string;
  version: string;
  kind: string;
}

/** Identifies one object: group/version/kind plus namespace (if any) and name. */
export interface ResourceId extends Gvk {
  namespace?: string;
  name: string;
}

export function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Splits `apps/v1` into group `apps`, version `v1`; `v1` into group '', version `v1`. */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

export function gvkOf(obj: { apiVersion?: unknown; kind?: unknown }): Gvk {
  const { group, version } = parseApiVersion(typeof obj.apiVersion === 'string' ? obj.apiVersion : '');
  return { group, version, kind: typeof obj.kind === 'string' ? obj.kind : '' };
}

export function idOf(obj: KubeObject): ResourceId {
  const id: ResourceId = { ...gvkOf(obj), name: obj.metadata?.name ?? '' };
  if (obj.metadata?.namespace) id.namespace = obj.metadata.namespace;
  return id;
}

/** A stable, human-readable form of an id: `apps_v1_Deployment|ns|name`. */
export function idString(id: ResourceId): string {
  const gv = id.group ? `${id.group}_${id.version}` : id.version;
  return `${gv}_${id.kind}|${id.namespace ?? '~X'}|${id.name}`;
}

/** Deep copy of a JSON value (objects from YAML or the API contain nothing else). */
export function cloneJson<T>(value: T): T {
  return structuredClone(value);
}
