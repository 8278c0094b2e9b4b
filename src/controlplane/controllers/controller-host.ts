/**
 * Runs the control plane's level-triggered controllers (the sample-controller pattern):
 * committed changes only enqueue `namespace/name` keys; workers re-read the store, do
 * the work, and the queue alone decides forget / requeue with backoff. The store is the
 * informer cache: its reads are in memory and always see every committed write.
 */
import type { JsonObject } from '../../core/index.js';
import {
  realClock,
  runWorkers,
  WorkQueue,
  type Clock,
  type ReconcileResult,
  type Workers,
} from '../../runtime/index.js';
import type { Registry } from '../api/registry/registry.js';

export interface WatchRule {
  group: string;
  resource: string;
  /** the keys of the primary objects a change to this object concerns */
  keys(obj: JsonObject): string[];
}

export interface ControllerSpec {
  name: string;
  /** the resource whose objects the controller reconciles (resynced periodically) */
  primary: { group: string; resource: string };
  watches: WatchRule[];
  reconcile(key: string): Promise<ReconcileResult>;
  workers?: number;
  /** every so often every primary object is looked at again (default 5 min) */
  resyncMs?: number;
}

/** `namespace/name`, or `name` for cluster-scoped objects. */
export function keyOf(obj: JsonObject): string {
  const meta = obj.metadata as { name?: string; namespace?: string };
  return meta.namespace ? `${meta.namespace}/${meta.name}` : String(meta.name);
}

export function splitKey(key: string): { namespace: string; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { namespace: '', name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

/** The key of an object's controlling owner of `kind`, if it has one. */
export function controllerKeyOf(obj: JsonObject, kind: string): string[] {
  const meta = obj.metadata as {
    namespace?: string;
    ownerReferences?: Array<{ kind?: string; name?: string; controller?: boolean }>;
  };
  const ref = meta.ownerReferences?.find((r) => r.controller && r.kind === kind);
  if (!ref?.name) return [];
  return [meta.namespace ? `${meta.namespace}/${ref.name}` : ref.name];
}

interface Running {
  spec: ControllerSpec;
  queue: WorkQueue<string>;
  workers: Workers;
  resync?: ReturnType<Clock['setTimeout']>;
}

export class ControllerHost {
  private readonly running: Running[] = [];
  private stopped = false;

  constructor(
    private readonly registry: Registry,
    private readonly clock: Clock = realClock,
  ) {
    registry.onChange((type, before, after) => {
      for (const r of this.running) {
        for (const w of r.spec.watches) {
          if (w.group !== type.group || w.resource !== type.resource) continue;
          for (const obj of [before, after]) if (obj) for (const k of w.keys(obj)) r.queue.add(k);
        }
      }
    });
  }

  /** Starts a controller: its workers, and a first pass over every primary object. */
  start(spec: ControllerSpec): void {
    if (this.stopped) return;
    const queue = new WorkQueue<string>({ clock: this.clock });
    const workers = runWorkers({
      queue,
      workers: spec.workers ?? 2,
      reconcile: (key) => spec.reconcile(key),
      clock: this.clock,
    });
    const running: Running = { spec, queue, workers };
    this.running.push(running);
    const resync = () => {
      for (const o of this.registry.store.list(spec.primary).items) queue.add(keyOf(o.value));
      running.resync = this.clock.setTimeout(resync, spec.resyncMs ?? 300_000);
    };
    resync();
  }

  /** Stops every controller (in-flight reconciles finish); idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const r of this.running) {
      if (r.resync) this.clock.clearTimeout(r.resync);
      r.queue.shutDown();
    }
    await Promise.all(this.running.map((r) => r.workers.stop()));
  }
}
