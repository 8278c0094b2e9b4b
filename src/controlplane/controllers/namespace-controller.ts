/**
 * Namespace lifecycle: a namespace being deleted (deletionTimestamp set, phase
 * Terminating) has everything in it deleted; once it is empty its `kubernetes` finalizer
 * is removed and the namespace goes away — what kube-controller-manager's namespace
 * controller does. Level-triggered: every pass recomputes from what is stored.
 */
import { isJsonObject, setRepeatingTimer, type JsonObject } from '../../core/index.js';
import type { Registry } from '../api/registry/registry.js';
import type { ResourceType } from '../api/types.js';

const RESYNC_MS = 2000;

export class NamespaceController {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private again = false;
  private closed = false;

  constructor(private readonly registry: Registry) {
    registry.onChange((type, _before, after) => {
      if (
        type.resource === 'namespaces' &&
        type.group === '' &&
        after &&
        isJsonObject(after.metadata) &&
        after.metadata.deletionTimestamp
      ) {
        this.kick();
      } else if (!after) {
        this.kick();
      }
    });
  }

  start(): void {
    this.timer = setRepeatingTimer(() => this.kick(), RESYNC_MS);
    this.timer.unref();
    this.kick();
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
  }

  /** Runs a pass now, or right after the one in progress. */
  kick(): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void this.pass().finally(() => {
      this.running = false;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
  }

  private async pass(): Promise<void> {
    const terminating = this.registry.store
      .list({ group: '', resource: 'namespaces' })
      .items.map((o) => o.value)
      .filter((ns) => isJsonObject(ns.metadata) && ns.metadata.deletionTimestamp);
    for (const ns of terminating) {
      try {
        await this.finalize(ns);
      } catch {
        // retried on the next pass (a conflict or an object that is still going away)
      }
    }
  }

  private async finalize(ns: JsonObject): Promise<void> {
    const name = String((ns.metadata as JsonObject).name);
    const types = this.registry
      .resourceTypes()
      .filter((t) => t.namespaced && isPrimaryVersion(this.registry, t));
    let remaining = 0;
    for (const type of types) {
      const items = this.registry.store.list({
        group: type.group,
        resource: type.resource,
        namespace: name,
      }).items;
      remaining += items.length;
      for (const item of items) {
        const meta = item.value.metadata as JsonObject;
        if (meta.deletionTimestamp) continue;
        await this.registry
          .delete(
            { group: type.group, version: type.version, resource: type.resource },
            name,
            String(meta.name),
            {
              propagationPolicy: 'Background',
            },
          )
          .catch(() => undefined);
      }
    }
    if (remaining > 0) return;
    const current = this.registry.store.get({ group: '', resource: 'namespaces', namespace: '', name });
    if (!current) return;
    const next = structuredClone(current.value);
    const spec = (isJsonObject(next.spec) ? next.spec : (next.spec = {})) as JsonObject;
    const finalizers = Array.isArray(spec.finalizers)
      ? spec.finalizers.filter((f) => f !== 'kubernetes')
      : [];
    spec.finalizers = finalizers;
    const nsType = this.registry.lookup({ group: '', version: 'v1', resource: 'namespaces' })!;
    await this.registry.writeUpdate(
      nsType,
      current,
      next,
      { fieldManager: 'namespace-controller' },
      false,
      true,
    );
  }
}

/** One version per group/resource: the store holds a single copy for all versions. */
function isPrimaryVersion(registry: Registry, t: ResourceType): boolean {
  return registry.types.versions(t.group, t.resource)[0] === t;
}
