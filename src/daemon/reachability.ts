/**
 * A destination cluster's driver that remembers the last failure to reach its server (not
 * answering, or refusing the credentials) until a call succeeds, so that `cluster list`
 * can say which destination is down without a probe of its own.
 */
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
} from '../cluster/index.js';

/** Failures that say the cluster itself cannot be used, rather than something about one object. */
const UNREACHABLE_REASONS = new Set(['Unreachable', 'Unauthorized']);

export class ReachabilityTracking implements Cluster {
  /** the last failure to reach the server, until a call succeeds */
  lastError: string | undefined;

  constructor(private readonly cluster: Cluster) {}

  get name(): string {
    return this.cluster.name;
  }

  resourceFor(apiVersion: string, kind: string): Promise<ResourceInfo | undefined> {
    return this.track(this.cluster.resourceFor(apiVersion, kind));
  }

  get(ref: ObjectRef) {
    return this.track(this.cluster.get(ref));
  }

  list(apiVersion: string, kind: string, options?: ListOptions) {
    return this.track(this.cluster.list(apiVersion, kind, options));
  }

  watch(
    apiVersion: string,
    kind: string,
    options: WatchOptions,
    onEvent: (event: ClusterWatchEvent) => void,
    onError?: (error: ClusterError) => void,
  ): Promise<ClusterWatch> {
    const heard = (error: ClusterError) => {
      this.note(error);
      onError?.(error);
    };
    return this.track(this.cluster.watch(apiVersion, kind, options, onEvent, heard));
  }

  apply(obj: Parameters<Cluster['apply']>[0], options?: ApplyOptions) {
    return this.track(this.cluster.apply(obj, options));
  }

  validateNew(obj: Parameters<Cluster['validateNew']>[0], options?: Pick<ApplyOptions, 'fieldManager'>) {
    return this.track(this.cluster.validateNew(obj, options));
  }

  delete(ref: ObjectRef, options?: DeleteOptions): Promise<void> {
    return this.track(this.cluster.delete(ref, options));
  }

  podLogs(namespace: string, pod: string, options?: PodLogOptions): Promise<string> {
    return this.track(this.cluster.podLogs(namespace, pod, options));
  }

  close(): Promise<void> {
    return this.cluster.close();
  }

  private async track<T>(call: Promise<T>): Promise<T> {
    try {
      const result = await call;
      this.lastError = undefined;
      return result;
    } catch (e) {
      this.note(e);
      throw e;
    }
  }

  private note(e: unknown): void {
    // any answer of the server other than refusing the credentials shows it is reachable
    if (e instanceof ClusterError) this.lastError = UNREACHABLE_REASONS.has(e.reason) ? e.message : undefined;
  }
}
