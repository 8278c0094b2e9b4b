/**
 * Binds pending pods to nodes with the pure scheduler: a pod that fits is bound
 * (spec.nodeName, PodScheduled=True); one that does not stays Pending with
 * PodScheduled=False, reason Unschedulable, the scheduler's message, and a
 * FailedScheduling event — then waits for a node or pod change, or a retry.
 */
import { isDeepStrictEqual } from 'node:util';
import type { JsonObject } from '../../core/index.js';
import type { EventRecorder, ReconcileResult } from '../../runtime/index.js';
import { ApiError } from '../api/errors.js';
import { timestamp } from '../api/registry/object-meta.js';
import type { Registry } from '../api/registry/registry.js';
import { schedule } from '../scheduler/index.js';
import { keyOf, splitKey, type ControllerSpec } from './controller-host.js';

const PODS = { group: '', version: 'v1', resource: 'pods' };
const RETRY_MS = 10_000;

function unscheduled(pod: JsonObject): boolean {
  const spec = pod.spec as JsonObject | undefined;
  const meta = pod.metadata as JsonObject;
  return (
    !spec?.nodeName &&
    !meta.deletionTimestamp &&
    (pod.status as JsonObject | undefined)?.phase !== 'Succeeded'
  );
}

export function schedulerController(registry: Registry, events?: EventRecorder): ControllerSpec {
  const pendingKeys = () =>
    registry.store
      .list({ group: '', resource: 'pods' })
      .items.map((o) => o.value)
      .filter(unscheduled)
      .map(keyOf);
  return {
    name: 'scheduler',
    primary: { group: '', resource: 'pods' },
    watches: [
      { group: '', resource: 'pods', keys: (o) => (unscheduled(o) ? [keyOf(o)] : pendingKeys()) },
      { group: '', resource: 'nodes', keys: () => pendingKeys() },
    ],
    async reconcile(key): Promise<ReconcileResult> {
      const { namespace, name } = splitKey(key);
      const found = registry.store.get({ group: '', resource: 'pods', namespace, name });
      if (!found || !unscheduled(found.value)) return;
      const pod = found.value;
      const nodes = registry.store.list({ group: '', resource: 'nodes' }).items.map((o) => o.value);
      const byNode = new Map<string, JsonObject[]>();
      for (const o of registry.store.list({ group: '', resource: 'pods' }).items) {
        const node = (o.value.spec as JsonObject | undefined)?.nodeName;
        if (typeof node !== 'string') continue;
        const list = byNode.get(node) ?? [];
        list.push(o.value);
        byNode.set(node, list);
      }
      const result = schedule(pod, nodes, byNode);
      if ('node' in result) {
        await registry.bindPod(namespace, name, result.node).catch((e) => {
          if (!(e instanceof ApiError && (e.reason === 'NotFound' || e.reason === 'Conflict'))) throw e;
        });
        events?.event(
          pod,
          'Normal',
          'Scheduled',
          `Successfully assigned ${namespace}/${name} to ${result.node}`,
        );
        return;
      }
      const status = structuredClone((pod.status ?? {}) as JsonObject);
      const conditions = ((status.conditions ?? []) as JsonObject[]).filter((c) => c.type !== 'PodScheduled');
      const previous = ((pod.status as JsonObject | undefined)?.conditions as JsonObject[] | undefined)?.find(
        (c) => c.type === 'PodScheduled',
      );
      conditions.push({
        type: 'PodScheduled',
        status: 'False',
        reason: 'Unschedulable',
        message: result.message,
        lastProbeTime: null,
        lastTransitionTime:
          previous?.status === 'False' ? (previous.lastTransitionTime as string) : timestamp(registry.now()),
      });
      status.conditions = conditions;
      if (!isDeepStrictEqual(status, pod.status ?? {})) {
        await registry
          .update(
            PODS,
            namespace,
            name,
            { ...pod, status },
            { subresource: 'status', fieldManager: 'scheduler' },
          )
          .catch(() => undefined);
        events?.event(pod, 'Warning', 'FailedScheduling', result.message);
      }
      return { requeueAfter: RETRY_MS };
    },
  };
}
