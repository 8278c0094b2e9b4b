/**
 * Drift: someone changed (or deleted) a live object that an application applied — a
 * `kubectl edit`, a `kubectl scale`. Watches on the application's kinds (by its label) see
 * every change; each is compared with what the last sync applied, the same three-way
 * comparison the sync uses, so status updates and fields other managers own are not drift.
 */
import type { KubeObject } from '../core/index.js';
import type { Cluster, ClusterWatch } from '../cluster/index.js';
import { compare, type IgnoreDifference } from '../diff/index.js';
import { APP_LABEL } from '../sync/index.js';

export interface Drift {
  /** `Deployment shop/web` */
  object: string;
  /** the fields that differ, or `deleted` */
  fields: string[];
}

interface Tracked {
  desired: Map<string, KubeObject>;
  ignoreDifferences?: readonly IgnoreDifference[];
  watches: ClusterWatch[];
  drift: Map<string, Drift>;
}

const keyOf = (o: KubeObject) =>
  `${o.apiVersion.split('/').slice(0, -1).join('/')}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
const describe = (o: KubeObject) =>
  `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;

export class DriftWatcher {
  private readonly apps = new Map<string, Tracked>();

  constructor(
    private readonly cluster: Cluster,
    /** called on each change that makes an object drift (not for ones that end it) */
    private readonly onDrift: (app: string, drift: Drift) => void,
  ) {}

  /** What `app` applied last (the prepared objects); replaces what was tracked. */
  async track(
    app: string,
    applied: readonly KubeObject[],
    ignoreDifferences?: readonly IgnoreDifference[],
  ): Promise<void> {
    this.untrack(app);
    const tracked: Tracked = {
      desired: new Map(applied.map((o) => [keyOf(o), o])),
      ignoreDifferences,
      watches: [],
      drift: new Map(),
    };
    this.apps.set(app, tracked);
    const kinds = new Map(applied.map((o) => [`${o.apiVersion}/${o.kind}`, o]));
    for (const o of kinds.values()) {
      const watch = await this.cluster.watch(
        o.apiVersion,
        o.kind,
        { labelSelector: `${APP_LABEL}=${app}` },
        (event) => {
          if (this.apps.get(app) !== tracked) return;
          const key = keyOf(event.object);
          const desired = tracked.desired.get(key);
          if (!desired) return;
          let fields: string[] = [];
          if (event.type === 'DELETED') fields = ['deleted'];
          else {
            const r = compare(desired, event.object, { ignoreDifferences: tracked.ignoreDifferences });
            if (!r.inSync) fields = [...r.changed, ...r.removed].map((d) => d.path);
          }
          if (fields.length === 0) {
            tracked.drift.delete(key);
            return;
          }
          const drift = { object: describe(event.object), fields };
          tracked.drift.set(key, drift);
          this.onDrift(app, drift);
        },
      );
      tracked.watches.push(watch);
    }
  }

  /** The objects of `app` that differ from what it applied. */
  driftOf(app: string): Drift[] {
    return [...(this.apps.get(app)?.drift.values() ?? [])];
  }

  untrack(app: string): void {
    for (const w of this.apps.get(app)?.watches ?? []) w.stop();
    this.apps.delete(app);
  }

  close(): void {
    for (const app of [...this.apps.keys()]) this.untrack(app);
  }
}
