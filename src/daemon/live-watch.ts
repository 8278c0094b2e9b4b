/**
 * One watch per cluster and kind on every object an application deployed (by the app
 * label), shared by all applications: a thousand applications of four kinds are four
 * streams, not four thousand. Each change is handed to the application it belongs to — to
 * end a wait on health, or to be compared with what was applied (drift).
 */
import type { KubeObject } from '../core/index.js';
import type { Cluster, ClusterWatch, ClusterWatchEvent } from '../cluster/index.js';
import { APP_LABEL } from '../sync/index.js';

export type LiveChange = (app: string, event: ClusterWatchEvent) => void;

export class LiveWatch {
  private readonly watches = new Map<string, Promise<ClusterWatch | undefined>>();
  private closed = false;

  constructor(
    private readonly cluster: Cluster,
    private readonly onChange: LiveChange,
    private readonly onError: (message: string) => void,
  ) {}

  /** Makes sure the kinds of `objects` are watched. */
  async cover(objects: readonly Pick<KubeObject, 'apiVersion' | 'kind'>[]): Promise<void> {
    const started: Promise<unknown>[] = [];
    for (const o of objects) {
      const key = `${o.apiVersion}/${o.kind}`;
      if (this.watches.has(key) || this.closed) continue;
      const watch = this.cluster
        .watch(
          o.apiVersion,
          o.kind,
          { labelSelector: APP_LABEL },
          (event) => {
            const app = event.object.metadata.labels?.[APP_LABEL];
            if (app) this.onChange(app, event);
          },
          (e) => this.onError(`watching ${o.kind} on ${this.cluster.name}: ${e.message}`),
        )
        .catch((e: unknown) => {
          // not served (yet): a later cover() tries again
          this.watches.delete(key);
          this.onError(`watching ${o.kind} on ${this.cluster.name}: ${(e as Error).message}`);
          return undefined;
        });
      this.watches.set(key, watch);
      started.push(watch);
    }
    await Promise.all(started);
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.watches.values()];
    this.watches.clear();
    for (const w of await Promise.all(all)) w?.stop();
  }
}
