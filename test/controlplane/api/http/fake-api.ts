/**
 * A small in-memory Api for testing the HTTP layer alone: plausible Kubernetes behaviour
 * (uid, resourceVersion, NotFound/AlreadyExists, selectors, watch events) and a record of
 * every call, so tests can check what reached the Api.
 */
import { randomUUID } from 'node:crypto';
import jsonPatch from 'fast-json-patch';
import { isJsonObject, type JsonObject, type JsonValue } from '../../../../src/core/index.js';
import { alreadyExists, ApiError, gone, notFound } from '../../../../src/controlplane/api/errors.js';
import type {
  Api,
  ApiWatchEvent,
  DeleteOptions,
  Gvr,
  ListOptions,
  PatchType,
  ResourceType,
  WatchOptions,
  WriteOptions,
} from '../../../../src/controlplane/api/types.js';

const all = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export const podType: ResourceType = {
  group: '',
  version: 'v1',
  resource: 'pods',
  singular: 'pod',
  kind: 'Pod',
  listKind: 'PodList',
  namespaced: true,
  shortNames: ['po'],
  categories: ['all'],
  verbs: all,
  status: true,
  printColumns: [
    { name: 'Name', type: 'string', format: 'name', priority: 0 },
    { name: 'Status', type: 'string', priority: 0 },
    { name: 'Node', type: 'string', priority: 1 },
  ],
  printRow: (obj) => {
    const meta = obj.metadata as JsonObject;
    const status = (obj.status ?? {}) as JsonObject;
    const spec = (obj.spec ?? {}) as JsonObject;
    return [meta.name ?? '', status.phase ?? 'Pending', spec.nodeName ?? '<none>'];
  },
};

export const baseTypes: ResourceType[] = [
  {
    group: '',
    version: 'v1',
    resource: 'namespaces',
    singular: 'namespace',
    kind: 'Namespace',
    listKind: 'NamespaceList',
    namespaced: false,
    shortNames: ['ns'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    status: true,
  },
  {
    group: '',
    version: 'v1',
    resource: 'configmaps',
    singular: 'configmap',
    kind: 'ConfigMap',
    listKind: 'ConfigMapList',
    namespaced: true,
    shortNames: ['cm'],
    verbs: all,
  },
  podType,
  {
    group: 'apps',
    version: 'v1',
    resource: 'deployments',
    singular: 'deployment',
    kind: 'Deployment',
    listKind: 'DeploymentList',
    namespaced: true,
    shortNames: ['deploy'],
    categories: ['all'],
    verbs: all,
    status: true,
    scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' },
  },
];

export const widgetType: ResourceType = {
  group: 'example.com',
  version: 'v1',
  resource: 'widgets',
  singular: 'widget',
  kind: 'Widget',
  listKind: 'WidgetList',
  namespaced: true,
  verbs: all,
  custom: true,
  schema: {
    type: 'object',
    description: 'Widget is a thing of some size.',
    properties: {
      spec: {
        type: 'object',
        description: 'What the widget should be.',
        properties: { size: { type: 'integer', description: 'How big the widget is, in units.' } },
      },
    },
  },
};

export interface Call {
  method: string;
  args: unknown[];
}

interface Watcher {
  key: string;
  namespace: string | undefined;
  options: WatchOptions;
  onEvent: (e: ApiWatchEvent) => void;
}

const gvrKey = (g: Gvr) => `${g.group}/${g.version}/${g.resource}`;

function parseSelector(s: string | undefined): [string, string][] {
  if (!s) return [];
  return s.split(',').map((p) => {
    const [k, v] = p.split('=');
    return [k.trim(), (v ?? '').trim()];
  });
}

function mergePatch(target: JsonValue, patch: JsonValue): JsonValue {
  if (!isJsonObject(patch)) return patch;
  const out: JsonObject = isJsonObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k] ?? null, v);
  }
  return out;
}

export class FakeApi implements Api {
  readonly calls: Call[] = [];
  readonly types: ResourceType[] = [...baseTypes];
  private readonly objects = new Map<string, JsonObject>();
  private readonly watchers = new Set<Watcher>();
  private rv = 100;
  /** thrown by the next call, to test error mapping */
  failNext: unknown;

  /** open watches, to check that a disconnect stops them */
  get activeWatches(): number {
    return this.watchers.size;
  }

  resourceTypes(): ResourceType[] {
    return [...this.types];
  }

  lookup(gvr: Gvr): ResourceType | undefined {
    return this.types.find(
      (t) => t.group === gvr.group && t.version === gvr.version && t.resource === gvr.resource,
    );
  }

  private record(method: string, ...args: unknown[]): void {
    this.calls.push({ method, args });
    if (this.failNext !== undefined) {
      const e = this.failNext;
      this.failNext = undefined;
      throw e;
    }
  }

  private type(gvr: Gvr): ResourceType {
    const t = this.lookup(gvr);
    if (!t) throw new Error(`fake: unknown ${gvrKey(gvr)}`);
    return t;
  }

  private key(gvr: Gvr, ns: string | undefined, name: string) {
    return `${gvrKey(gvr)}|${ns ?? ''}|${name}`;
  }

  private emit(gvr: Gvr, type: ApiWatchEvent['type'], obj: JsonObject): void {
    for (const w of this.watchers) {
      if (w.key === gvrKey(gvr) && this.matches(obj, w.namespace, w.options)) {
        w.onEvent({ type, object: structuredClone(obj) });
      }
    }
  }

  private matches(obj: JsonObject, ns: string | undefined, o: ListOptions): boolean {
    const meta = obj.metadata as JsonObject;
    if (ns !== undefined && meta.namespace !== ns) return false;
    const labels = (meta.labels ?? {}) as JsonObject;
    for (const [k, v] of parseSelector(o.labelSelector)) if (labels[k] !== v) return false;
    for (const [k, v] of parseSelector(o.fieldSelector)) {
      if (k === 'metadata.name' && meta.name !== v) return false;
      if (k === 'metadata.namespace' && meta.namespace !== v) return false;
    }
    return true;
  }

  get(gvr: Gvr, namespace: string | undefined, name: string, subresource?: 'status' | 'scale'): JsonObject {
    this.record('get', gvr, namespace, name, subresource);
    const t = this.type(gvr);
    const obj = this.objects.get(this.key(gvr, namespace, name));
    if (!obj) throw notFound(t.group, t.resource, name);
    if (subresource === 'scale') {
      const spec = (obj.spec ?? {}) as JsonObject;
      return {
        apiVersion: 'autoscaling/v1',
        kind: 'Scale',
        metadata: { name, namespace: namespace ?? '' },
        spec: { replicas: spec.replicas ?? 1 },
        status: { replicas: 0 },
      };
    }
    return structuredClone(obj);
  }

  list(gvr: Gvr, namespace: string | undefined, options: ListOptions = {}): JsonObject {
    this.record('list', gvr, namespace, options);
    const t = this.type(gvr);
    const prefix = `${gvrKey(gvr)}|`;
    const items = [...this.objects.entries()]
      .filter(([k, o]) => k.startsWith(prefix) && this.matches(o, namespace, options))
      .map(([, o]) => structuredClone(o));
    return {
      apiVersion: t.group ? `${t.group}/${t.version}` : t.version,
      kind: t.listKind,
      metadata: { resourceVersion: String(this.rv) },
      items,
    };
  }

  async create(
    gvr: Gvr,
    namespace: string | undefined,
    body: JsonObject,
    options?: WriteOptions,
  ): Promise<JsonObject> {
    this.record('create', gvr, namespace, body, options);
    const t = this.type(gvr);
    const meta = body.metadata as JsonObject;
    const name = String(
      meta.name ?? `${String(meta.generateName ?? 'x')}${Math.random().toString(36).slice(2, 7)}`,
    );
    const key = this.key(gvr, namespace, name);
    if (this.objects.has(key)) throw alreadyExists(t.group, t.resource, name);
    const obj: JsonObject = {
      ...body,
      metadata: {
        ...meta,
        name,
        uid: randomUUID(),
        resourceVersion: String(++this.rv),
        creationTimestamp: meta.creationTimestamp ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      },
    };
    if (options?.dryRun) return obj;
    this.objects.set(key, obj);
    this.emit(gvr, 'ADDED', obj);
    return structuredClone(obj);
  }

  private replace(gvr: Gvr, namespace: string | undefined, name: string, next: JsonObject): JsonObject {
    const old = this.objects.get(this.key(gvr, namespace, name))!;
    const obj = {
      ...next,
      metadata: {
        ...(next.metadata as JsonObject),
        uid: (old.metadata as JsonObject).uid,
        resourceVersion: String(++this.rv),
      },
    };
    this.objects.set(this.key(gvr, namespace, name), obj);
    this.emit(gvr, 'MODIFIED', obj);
    return structuredClone(obj);
  }

  async update(
    gvr: Gvr,
    namespace: string | undefined,
    name: string,
    body: JsonObject,
    options?: WriteOptions,
  ): Promise<JsonObject> {
    this.record('update', gvr, namespace, name, body, options);
    const t = this.type(gvr);
    if (!this.objects.has(this.key(gvr, namespace, name))) throw notFound(t.group, t.resource, name);
    return this.replace(gvr, namespace, name, body);
  }

  async patch(
    gvr: Gvr,
    namespace: string | undefined,
    name: string,
    type: PatchType,
    body: JsonValue,
    options?: WriteOptions,
  ): Promise<JsonObject> {
    this.record('patch', gvr, namespace, name, type, body, options);
    const t = this.type(gvr);
    const current = this.objects.get(this.key(gvr, namespace, name));
    if (!current) {
      if (type === 'apply' && isJsonObject(body)) return this.create(gvr, namespace, body, options);
      throw notFound(t.group, t.resource, name);
    }
    const next =
      type === 'json'
        ? (jsonPatch.applyPatch(structuredClone(current), body as never).newDocument as JsonObject)
        : (mergePatch(current, body) as JsonObject);
    return this.replace(gvr, namespace, name, next);
  }

  async delete(
    gvr: Gvr,
    namespace: string | undefined,
    name: string,
    options?: DeleteOptions,
  ): Promise<JsonObject> {
    this.record('delete', gvr, namespace, name, options);
    const t = this.type(gvr);
    const key = this.key(gvr, namespace, name);
    const obj = this.objects.get(key);
    if (!obj) throw notFound(t.group, t.resource, name);
    this.objects.delete(key);
    this.emit(gvr, 'DELETED', obj);
    return structuredClone(obj);
  }

  async deleteCollection(
    gvr: Gvr,
    namespace: string | undefined,
    list: ListOptions,
    options?: DeleteOptions,
  ): Promise<JsonObject> {
    this.record('deleteCollection', gvr, namespace, list, options);
    const found = this.list(gvr, namespace, list);
    for (const item of found.items as JsonObject[]) {
      const meta = item.metadata as JsonObject;
      this.objects.delete(this.key(gvr, namespace, String(meta.name)));
      this.emit(gvr, 'DELETED', item);
    }
    return found;
  }

  watch(gvr: Gvr, namespace: string | undefined, options: WatchOptions, onEvent: (e: ApiWatchEvent) => void) {
    this.record('watch', gvr, namespace, options);
    this.type(gvr);
    if (options.resourceVersion === 'expired') throw gone('too old resource version: 1 (100)');
    const watcher: Watcher = { key: gvrKey(gvr), namespace, options, onEvent };
    if (!options.resourceVersion || options.resourceVersion === '0') {
      for (const item of this.list(gvr, namespace, options).items as JsonObject[])
        onEvent({ type: 'ADDED', object: item });
    }
    this.watchers.add(watcher);
    return { stop: () => void this.watchers.delete(watcher) };
  }

  /** Sends an ERROR event to every open watch on a namespace. */
  failWatches(namespace: string, error: ApiError): void {
    for (const w of this.watchers) {
      if (w.namespace === namespace) w.onEvent({ type: 'ERROR', object: error.toStatus() });
    }
  }
}
