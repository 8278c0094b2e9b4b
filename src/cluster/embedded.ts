/**
 * The embedded driver: in-process calls into the control plane's Api, no HTTP and no
 * serialization. Objects it returns are the store's own, deep-frozen: read them, copy
 * them before any change (as every Cluster's objects should be treated).
 */
import { text } from 'node:stream/consumers';
import { parseApiVersion, type JsonObject, type KubeObject } from '../core/index.js';
import { ApiError, type Api, type Gvr, type PodLogSource, type ResourceType } from '../controlplane/index.js';
import {
  describe,
  fromStatus,
  kindNotServed,
  logsUnavailable,
  nameRequired,
  namespaceRequired,
} from './errors.js';
import { resumableWatch, type ResumeOptions, type WatchBackend } from './resumable-watch.js';
import {
  ClusterError,
  type ApplyOptions,
  type Cluster,
  type ClusterWatch,
  type ClusterWatchEvent,
  type DeleteOptions,
  type ListOptions,
  type ObjectRef,
  type PodLogOptions,
  type ResourceInfo,
  type WatchOptions,
} from './types.js';

export interface EmbeddedClusterOptions {
  /** how watches resume after the server ends them */
  watch?: ResumeOptions;
  /** where pods' logs are read (the control plane's node agents); without it podLogs() refuses */
  podLogs?: PodLogSource;
}

const PODS: Gvr = { group: '', version: 'v1', resource: 'pods' };

/** A Cluster over the embedded control plane's in-process Api. */
export function embeddedCluster(api: Api, options: EmbeddedClusterOptions = {}): Cluster {
  return new EmbeddedCluster(api, options);
}

class EmbeddedCluster implements Cluster {
  readonly name = 'embedded';
  private readonly watches = new Set<ClusterWatch>();

  constructor(
    private readonly api: Api,
    private readonly options: EmbeddedClusterOptions,
  ) {}

  async resourceFor(apiVersion: string, kind: string): Promise<ResourceInfo | undefined> {
    const type = this.typeFor(apiVersion, kind);
    return type && infoOf(type, apiVersion);
  }

  async get(ref: ObjectRef): Promise<KubeObject | undefined> {
    const type = this.typeFor(ref.apiVersion, ref.kind);
    if (!type) return undefined;
    const namespace = type.namespaced ? ref.namespace : undefined;
    if (type.namespaced && !namespace) throw namespaceRequired(describe(ref.kind, undefined, ref.name));
    try {
      return this.api.get(gvrOf(type), namespace, ref.name) as KubeObject;
    } catch (e) {
      if (e instanceof ApiError && e.code === 404) return undefined;
      throw toClusterError(e, describe(ref.kind, namespace, ref.name));
    }
  }

  async list(apiVersion: string, kind: string, options: ListOptions = {}): Promise<KubeObject[]> {
    const type = this.typeFor(apiVersion, kind);
    if (!type) return [];
    return (await this.listAll(type, kind, options)).items;
  }

  async watch(
    apiVersion: string,
    kind: string,
    options: WatchOptions,
    onEvent: (event: ClusterWatchEvent) => void,
    onError?: (error: ClusterError) => void,
  ): Promise<ClusterWatch> {
    const type = this.typeFor(apiVersion, kind);
    const namespace = type?.namespaced ? options.namespace : undefined;
    const what = describe(kind, namespace);
    if (!type) throw kindNotServed(what, apiVersion, kind);
    const gvr = gvrOf(type);
    const backend: WatchBackend = {
      list: () => this.listAll(type, kind, options),
      open: async (resourceVersion, onStreamEvent) => {
        try {
          return this.api.watch(
            gvr,
            namespace,
            { resourceVersion, labelSelector: options.labelSelector, allowWatchBookmarks: true },
            (e) => onStreamEvent(e.type, e.object),
          );
        } catch (e) {
          throw toClusterError(e, what);
        }
      },
      statusError: (status) => fromStatus(what, 0, status),
    };
    return resumableWatch(
      backend,
      options.resourceVersion,
      onEvent,
      onError,
      this.options.watch ?? {},
      this.watches,
    );
  }

  async apply(obj: KubeObject, options: ApplyOptions = {}): Promise<KubeObject> {
    const { type, namespace, name, what } = this.writeTarget(obj);
    try {
      const applied = await this.api.patch(gvrOf(type), namespace, name, 'apply', obj as JsonObject, {
        fieldManager: options.fieldManager ?? 'capstan',
        force: options.force ?? true,
        dryRun: options.dryRun,
      });
      return applied as KubeObject;
    } catch (e) {
      throw toClusterError(e, what);
    }
  }

  async validateNew(obj: KubeObject, options: Pick<ApplyOptions, 'fieldManager'> = {}): Promise<void> {
    const { type, namespace, name, what } = this.writeTarget(obj);
    // the API server's own create path, in process, minus its "does the namespace exist" question
    if (!this.api.validateApply) {
      await this.apply(obj, { ...options, dryRun: true });
      return;
    }
    try {
      await this.api.validateApply(gvrOf(type), namespace, name, obj as JsonObject, {
        fieldManager: options.fieldManager ?? 'capstan',
        force: true,
      });
    } catch (e) {
      throw toClusterError(e, what);
    }
  }

  /** The served type, namespace and name an object is written to; refuses what cannot be written. */
  private writeTarget(obj: KubeObject) {
    const name = obj.metadata?.name;
    const type = this.typeFor(obj.apiVersion, obj.kind);
    const namespace = type?.namespaced ? obj.metadata?.namespace : undefined;
    const what = describe(obj.kind, namespace, name);
    if (!type) throw kindNotServed(what, obj.apiVersion, obj.kind);
    if (!name) throw nameRequired(what);
    if (type.namespaced && !namespace) throw namespaceRequired(what);
    return { type, namespace, name, what };
  }

  async delete(ref: ObjectRef, options: DeleteOptions = {}): Promise<void> {
    const type = this.typeFor(ref.apiVersion, ref.kind);
    if (!type) return; // nothing of a kind not served can exist
    const namespace = type.namespaced ? ref.namespace : undefined;
    if (type.namespaced && !namespace) throw namespaceRequired(describe(ref.kind, undefined, ref.name));
    try {
      await this.api.delete(gvrOf(type), namespace, ref.name, {
        propagationPolicy: options.propagationPolicy ?? 'Background',
        dryRun: options.dryRun,
      });
    } catch (e) {
      if (e instanceof ApiError && e.code === 404) return;
      throw toClusterError(e, describe(ref.kind, namespace, ref.name));
    }
  }

  async podLogs(namespace: string, pod: string, options: PodLogOptions = {}): Promise<string> {
    const what = describe('Pod', namespace, pod);
    let obj: JsonObject;
    try {
      obj = this.api.get(PODS, namespace, pod);
    } catch (e) {
      throw toClusterError(e, what);
    }
    const source = this.options.podLogs;
    if (!source) throw logsUnavailable(this.name, what);
    const container = options.container ?? onlyContainer(obj, what);
    let out: Awaited<ReturnType<PodLogSource>>;
    try {
      out = await source(obj, { container, previous: false, follow: false, tailLines: options.tailLines });
    } catch (e) {
      // as the HTTP server answers (pods/log): a container not running, an unknown name
      throw new ClusterError('BadRequest', 400, `${what}: ${(e as Error)?.message ?? String(e)}`, [], e);
    }
    return typeof out === 'string' ? out : text(out);
  }

  async close(): Promise<void> {
    for (const w of [...this.watches]) w.stop();
  }

  /** The served type of apiVersion/kind: the Api's own types, CRDs as soon as established. */
  private typeFor(apiVersion: string, kind: string): ResourceType | undefined {
    const { group, version } = parseApiVersion(apiVersion);
    return this.api
      .resourceTypes()
      .find((t) => t.kind === kind && t.group === group && t.version === version);
  }

  private async listAll(type: ResourceType, kind: string, options: ListOptions) {
    const namespace = type.namespaced ? options.namespace : undefined;
    const items: KubeObject[] = [];
    let resourceVersion = '';
    let next: string | undefined;
    try {
      // without a limit the Api answers in one page, one snapshot; follow `continue` anyway
      do {
        const page = this.api.list(gvrOf(type), namespace, {
          labelSelector: options.labelSelector,
          continue: next,
        });
        const meta = (page.metadata ?? {}) as { resourceVersion?: string; continue?: string };
        resourceVersion ||= meta.resourceVersion ?? '';
        items.push(...((page.items ?? []) as unknown as KubeObject[]));
        next = meta.continue || undefined;
      } while (next);
    } catch (e) {
      throw toClusterError(e, describe(kind, namespace));
    }
    return { items, resourceVersion };
  }
}

function gvrOf(type: ResourceType): Gvr {
  return { group: type.group, version: type.version, resource: type.resource };
}

function infoOf(type: ResourceType, apiVersion: string): ResourceInfo {
  return {
    apiVersion,
    kind: type.kind,
    resource: type.resource,
    namespaced: type.namespaced,
    verbs: [...type.verbs],
  };
}

/** The name of a pod's one container; with several, the caller must choose (kube-apiserver's wording). */
function onlyContainer(pod: JsonObject, what: string): string {
  const spec = (pod.spec ?? {}) as { containers?: Array<{ name?: string }> };
  const names = (spec.containers ?? []).map((c) => String(c.name));
  if (names.length === 1) return names[0];
  throw new ClusterError(
    'BadRequest',
    400,
    `${what}: a container name must be specified for pod ${String((pod.metadata as JsonObject)?.name)}, choose one of: [${names.join(' ')}]`,
  );
}

/** An ApiError as the ClusterError a kube driver would see for the same Status. */
function toClusterError(e: unknown, what: string): ClusterError {
  if (e instanceof ClusterError) return e;
  if (e instanceof ApiError) return fromStatus(what, e.code, e.toStatus(), e);
  return new ClusterError('InternalError', 500, `${what}: ${(e as Error)?.message ?? String(e)}`, [], e);
}
