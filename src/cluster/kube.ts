/**
 * The kube driver: a Kubernetes API server over HTTPS, configured through client-node's
 * KubeConfig (a kubeconfig file and context, or the in-cluster service account). Requests
 * are raw JSON (see kube-transport.ts); watches use client-node's Watch.
 */
import { Watch, type KubeConfig } from '@kubernetes/client-node';
import { isJsonObject, type JsonObject, type KubeObject } from '../core/index.js';
import {
  describe,
  fromStatus,
  kindNotServed,
  nameRequired,
  namespaceRequired,
  unreachable,
} from './errors.js';
import { Discovery } from './kube-discovery.js';
import { loadKubeConfig, type KubeConfigSource } from './kube-config.js';
import { KubeTransport } from './kube-transport.js';
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

export interface KubeClusterOptions extends KubeConfigSource {
  /** a request without an answer after this long fails as Unreachable (default 30 s) */
  requestTimeoutMs?: number;
  /**
   * the server ends each watch stream after this long and the driver opens the next one
   * (default: 5 to 10 minutes, jittered, as client-go's reflector asks)
   */
  watchTimeoutSeconds?: number;
  /** how watches resume after a failure */
  watch?: ResumeOptions;
}

/** Objects per page when listing. */
const PAGE_SIZE = 500;

/** A Cluster over a Kubernetes API server. Throws CapstanError `KUBECONFIG_*` when the configuration is unusable. */
export function kubeCluster(options: KubeClusterOptions = {}): Cluster {
  return new KubeCluster(loadKubeConfig(options), options);
}

class KubeCluster implements Cluster {
  readonly name: string;
  private readonly transport: KubeTransport;
  private readonly discovery: Discovery;
  private readonly watches = new Set<ClusterWatch>();

  constructor(
    private readonly kc: KubeConfig,
    private readonly options: KubeClusterOptions,
  ) {
    this.transport = new KubeTransport(kc, options.requestTimeoutMs ?? 30_000);
    this.discovery = new Discovery(this.transport);
    this.name = this.transport.server;
  }

  resourceFor(apiVersion: string, kind: string): Promise<ResourceInfo | undefined> {
    return this.discovery.resourceFor(apiVersion, kind);
  }

  async get(ref: ObjectRef): Promise<KubeObject | undefined> {
    const info = await this.resourceFor(ref.apiVersion, ref.kind);
    if (!info) return undefined;
    const namespace = info.namespaced ? ref.namespace : undefined;
    const what = describe(ref.kind, namespace, ref.name);
    if (info.namespaced && !namespace) throw namespaceRequired(what);
    const res = await this.transport.send('GET', pathOf(info, namespace, ref.name), { what });
    if (res.status === 404) return undefined;
    if (res.status !== 200 || !isJsonObject(res.body)) throw fromStatus(what, res.status, res.body);
    return res.body as KubeObject;
  }

  async list(apiVersion: string, kind: string, options: ListOptions = {}): Promise<KubeObject[]> {
    const info = await this.resourceFor(apiVersion, kind);
    if (!info) return [];
    return (await this.listAll(info, options)).items;
  }

  async watch(
    apiVersion: string,
    kind: string,
    options: WatchOptions,
    onEvent: (event: ClusterWatchEvent) => void,
    onError?: (error: ClusterError) => void,
  ): Promise<ClusterWatch> {
    const info = await this.resourceFor(apiVersion, kind);
    const namespace = info?.namespaced ? options.namespace : undefined;
    const what = describe(kind, namespace);
    if (!info) throw kindNotServed(what, apiVersion, kind);
    const path = pathOf(info, namespace);
    const backend: WatchBackend = {
      list: () => this.listAll(info, options),
      open: (resourceVersion, onStreamEvent, onEnd) =>
        this.openStream(path, what, resourceVersion, options.labelSelector, onStreamEvent, onEnd),
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
    const { info, namespace, name, what } = await this.writeTarget(obj);
    const res = await this.transport.send('PATCH', pathOf(info, namespace, name), {
      what,
      // JSON is YAML: the apply patch type takes either
      contentType: 'application/apply-patch+yaml',
      body: obj,
      query: {
        fieldManager: options.fieldManager ?? 'capstan',
        force: (options.force ?? true) ? 'true' : undefined,
        dryRun: options.dryRun ? 'All' : undefined,
      },
    });
    if (res.status >= 200 && res.status < 300 && isJsonObject(res.body)) return res.body as KubeObject;
    // the kind went away since discovery (its CRD deleted): look again next time
    if (res.status === 404 && !hasStatusDetailsName(res.body)) this.discovery.forget(obj.apiVersion);
    throw fromStatus(what, res.status, res.body);
  }

  /** The served resource, namespace and name an object is written to; refuses what cannot be written. */
  private async writeTarget(obj: KubeObject) {
    const name = obj.metadata?.name ?? '';
    const info = await this.resourceFor(obj.apiVersion, obj.kind);
    const namespace = info?.namespaced ? obj.metadata?.namespace : undefined;
    const what = describe(obj.kind, namespace, name);
    if (!info) throw kindNotServed(what, obj.apiVersion, obj.kind);
    if (!name) throw nameRequired(what);
    if (info.namespaced && !namespace) throw namespaceRequired(what);
    return { info, namespace, name, what };
  }

  /**
   * A dry-run create (POST, not apply: an apply in the stand-in namespace would merge into
   * an object of the same name there) in the object's namespace or, when that does not
   * exist yet, in `default`, which every cluster has. The object's name, defaults and
   * validation do not depend on its namespace, so the answer holds for the real one; what
   * does depend on it (quotas, limit ranges, pod security labels, webhooks selecting
   * namespaces) cannot be known before the namespace exists: a Forbidden from the stand-in
   * proves nothing and is left to the apply. AlreadyExists comes after validation: passed.
   */
  async validateNew(obj: KubeObject, options: Pick<ApplyOptions, 'fieldManager'> = {}): Promise<void> {
    const { info, namespace, what } = await this.writeTarget(obj);
    const create = (ns: string | undefined) =>
      this.transport.send('POST', pathOf(info, ns), {
        what,
        body: ns === namespace ? obj : { ...obj, metadata: { ...obj.metadata, namespace: ns } },
        // as strict about unknown fields as server-side apply is
        query: { dryRun: 'All', fieldManager: options.fieldManager ?? 'capstan', fieldValidation: 'Strict' },
      });
    let res = await create(namespace);
    const standIn = info.namespaced && res.status === 404 && isNamespaceNotFound(res.body);
    if (standIn) res = await create(STAND_IN_NAMESPACE);
    if ((res.status >= 200 && res.status < 300) || isAlreadyExists(res.body)) return;
    if (standIn && res.status === 403) return;
    throw fromStatus(what, res.status, res.body);
  }

  async delete(ref: ObjectRef, options: DeleteOptions = {}): Promise<void> {
    const info = await this.resourceFor(ref.apiVersion, ref.kind);
    if (!info) return; // nothing of a kind not served can exist
    const namespace = info.namespaced ? ref.namespace : undefined;
    const what = describe(ref.kind, namespace, ref.name);
    if (info.namespaced && !namespace) throw namespaceRequired(what);
    const res = await this.transport.send('DELETE', pathOf(info, namespace, ref.name), {
      what,
      query: { dryRun: options.dryRun ? 'All' : undefined },
      body: {
        apiVersion: 'v1',
        kind: 'DeleteOptions',
        propagationPolicy: options.propagationPolicy ?? 'Background',
      },
    });
    if (res.status === 404 || (res.status >= 200 && res.status < 300)) return;
    throw fromStatus(what, res.status, res.body);
  }

  /** GET …/pods/{name}/log: plain text, or a Status when refused. */
  async podLogs(namespace: string, pod: string, options: PodLogOptions = {}): Promise<string> {
    const what = describe('Pod', namespace, pod);
    const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/log`;
    const res = await this.transport.send('GET', path, {
      what,
      accept: 'text/plain, */*',
      query: { container: options.container, tailLines: options.tailLines?.toString() },
    });
    if (res.status === 200) return res.text;
    throw fromStatus(what, res.status, res.body);
  }

  async close(): Promise<void> {
    for (const w of [...this.watches]) w.stop();
    this.transport.close();
  }

  private async listAll(info: ResourceInfo, options: ListOptions) {
    const namespace = info.namespaced ? options.namespace : undefined;
    const what = describe(info.kind, namespace);
    const items: KubeObject[] = [];
    let resourceVersion = '';
    let next: string | undefined;
    do {
      const page = await this.transport.json('GET', pathOf(info, namespace), {
        what,
        query: { labelSelector: options.labelSelector, limit: String(PAGE_SIZE), continue: next },
      });
      if (!isJsonObject(page)) throw fromStatus(what, 500, undefined);
      const meta = isJsonObject(page.metadata) ? page.metadata : {};
      // the first page's resourceVersion: the snapshot every page belongs to
      resourceVersion ||= typeof meta.resourceVersion === 'string' ? meta.resourceVersion : '';
      for (const item of Array.isArray(page.items) ? page.items : []) {
        if (!isJsonObject(item)) continue;
        // list items of built-in kinds come without apiVersion and kind
        item.apiVersion ??= info.apiVersion;
        item.kind ??= info.kind;
        items.push(item as unknown as KubeObject);
      }
      next = typeof meta.continue === 'string' && meta.continue ? meta.continue : undefined;
    } while (next);
    return { items, resourceVersion };
  }

  /**
   * One stream from client-node's Watch. Its `done` callback reports both a failure to
   * start (before the returned promise settles: a non-200 answer, an unreachable server)
   * and the end of a running stream.
   */
  private openStream(
    path: string,
    what: string,
    resourceVersion: string,
    labelSelector: string | undefined,
    onEvent: (type: string, object: JsonObject) => void,
    onEnd: (error?: ClusterError) => void,
  ): Promise<{ stop(): void }> {
    return new Promise((resolve, reject) => {
      let started = false;
      let endedEarly: { error?: ClusterError } | undefined;
      const toError = (e: unknown): ClusterError => {
        const status = (e as { statusCode?: unknown })?.statusCode;
        return typeof status === 'number'
          ? fromStatus(what, status, undefined, e)
          : unreachable(this.transport.server, what, e);
      };
      new Watch(this.kc)
        .watch(
          path,
          {
            resourceVersion,
            labelSelector,
            allowWatchBookmarks: true,
            timeoutSeconds: this.options.watchTimeoutSeconds ?? Math.floor(300 * (1 + Math.random())),
          },
          (type, object) => {
            if (isJsonObject(object)) onEvent(type, object);
          },
          (err) => {
            const error = err ? toError(err) : undefined;
            if (started) onEnd(error);
            else endedEarly = { error };
          },
        )
        .then(
          (controller) => {
            if (endedEarly?.error) return reject(endedEarly.error);
            started = true;
            resolve({ stop: () => controller.abort() });
            // ended before anyone could hear it: tell now
            if (endedEarly) queueMicrotask(() => onEnd());
          },
          (e) => reject(toError(e)),
        );
    });
  }
}

/** `/apis/apps/v1/namespaces/default/deployments/web`, `/api/v1/namespaces` */
function pathOf(info: ResourceInfo, namespace: string | undefined, name?: string): string {
  const root = info.apiVersion.includes('/') ? `/apis/${info.apiVersion}` : `/api/${info.apiVersion}`;
  const ns = info.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${root}${ns}/${info.resource}${name !== undefined ? `/${encodeURIComponent(name)}` : ''}`;
}

/** Where objects of a namespace that does not exist yet are checked (see validateNew). */
const STAND_IN_NAMESPACE = 'default';

/** The 404 of a create in a namespace that does not exist: `namespaces "x" not found`. */
function isNamespaceNotFound(body: unknown): boolean {
  return isJsonObject(body) && isJsonObject(body.details) && body.details.kind === 'namespaces';
}

function isAlreadyExists(body: unknown): boolean {
  return isJsonObject(body) && body.reason === 'AlreadyExists';
}

/** A 404 about an object names it; a 404 about a resource path does not. */
function hasStatusDetailsName(body: unknown): boolean {
  return isJsonObject(body) && isJsonObject(body.details) && typeof body.details.name === 'string';
}
