/**
 * The one interface the sync engine talks to, whatever the cluster: the embedded control
 * plane in process, or a real Kubernetes API server through a kubeconfig. Objects are plain
 * JSON (`KubeObject`); every failure is a `ClusterError` carrying the API server's reason.
 */
import type { KubeObject } from '../core/index.js';

/** Names one object. `namespace` is ignored for cluster-scoped kinds. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

/** What the server serves for a kind (from discovery). */
export interface ResourceInfo {
  apiVersion: string;
  kind: string;
  /** plural, lower case: `deployments` */
  resource: string;
  namespaced: boolean;
  verbs: string[];
}

export interface ApplyOptions {
  /** default `capstan` */
  fieldManager?: string;
  /** take ownership of fields another manager owns (default true, as GitOps tools do) */
  force?: boolean;
  /** server-side dry run: validated, defaulted, admitted, never stored */
  dryRun?: boolean;
}

export interface DeleteOptions {
  /** default Background */
  propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
  dryRun?: boolean;
}

export interface ListOptions {
  /** unset: every namespace (or a cluster-scoped kind) */
  namespace?: string;
  labelSelector?: string;
}

export interface WatchOptions extends ListOptions {
  /** start after this resourceVersion; unset: the current objects first, as ADDED */
  resourceVersion?: string;
}

export interface ClusterWatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: KubeObject;
}

export interface ClusterWatch {
  stop(): void;
}

export interface PodLogOptions {
  /** may be left out when the pod has one container */
  container?: string;
  /** only the last this many lines (default: the whole log) */
  tailLines?: number;
}

export interface Cluster {
  /** for messages: `embedded` or the server URL */
  readonly name: string;
  /** the resource serving `apiVersion`/`kind`, or undefined when the server does not serve it */
  resourceFor(apiVersion: string, kind: string): Promise<ResourceInfo | undefined>;
  /** the object, or undefined when it does not exist */
  get(ref: ObjectRef): Promise<KubeObject | undefined>;
  list(apiVersion: string, kind: string, options?: ListOptions): Promise<KubeObject[]>;
  /**
   * Streams changes until stopped. A watch the server ends (timeout, expired
   * resourceVersion) is resumed by the driver; `onError` hears of what it cannot resume.
   */
  watch(
    apiVersion: string,
    kind: string,
    options: WatchOptions,
    onEvent: (event: ClusterWatchEvent) => void,
    onError?: (error: ClusterError) => void,
  ): Promise<ClusterWatch>;
  /** server-side apply of the whole object (its namespace must be set for namespaced kinds) */
  apply(obj: KubeObject, options?: ApplyOptions): Promise<KubeObject>;
  /**
   * Checks `obj` as the server would on creating it now (name, defaults, validation,
   * admission), writing nothing, even when its namespace does not exist yet: a dry-run
   * apply in a missing namespace only answers NotFound. Throws the ClusterError an apply
   * would. What depends on the namespace itself (quotas, limit ranges, pod security
   * labels, webhooks selecting namespaces) may only show when the object is applied.
   */
  validateNew(obj: KubeObject, options?: Pick<ApplyOptions, 'fieldManager'>): Promise<void>;
  /** deletes; an object already gone is not an error */
  delete(ref: ObjectRef, options?: DeleteOptions): Promise<void>;
  /**
   * A container's log (`kubectl logs`), as text. Throws a ClusterError: NotFound for a pod
   * that does not exist, BadRequest for a container not running yet or a container name
   * needed, `CLUSTER_LOGS_UNAVAILABLE` when nothing serves logs on this cluster.
   */
  podLogs(namespace: string, pod: string, options?: PodLogOptions): Promise<string>;
  close(): Promise<void>;
}

import { CapstanError } from '../core/index.js';

/**
 * A failed cluster call. `reason` is the Kubernetes Status reason (`NotFound`, `Invalid`,
 * `Conflict`, `Forbidden`, …) and `status` its HTTP code; `causes` are the field errors of
 * an `Invalid`. The code is `CLUSTER_<REASON>` (`CLUSTER_INVALID`), or `CLUSTER_UNREACHABLE`
 * when the server could not be reached.
 */
export class ClusterError extends CapstanError {
  constructor(
    readonly reason: string,
    readonly status: number,
    message: string,
    readonly causes: Array<{ field?: string; message?: string; reason?: string }> = [],
    cause?: unknown,
  ) {
    super(
      `CLUSTER_${reason.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase()}`,
      message,
      { reason, status, causes },
      cause,
    );
  }
}
