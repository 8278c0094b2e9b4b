/**
 * The HorizontalPodAutoscaler controller (kube-controller-manager's podautoscaler): every
 * sync period it reads each HPA's target through the scale subresource, the target's pods
 * and their metrics, asks the pure planner in hpa/ for the size, writes it back through the
 * scale subresource, then records events and writes the HPA's status once.
 *
 * Pod metrics come from an injected `PodMetricsReader` (metrics.k8s.io PodMetrics objects,
 * metrics-server's shape), so tests feed their own and the control plane wires the API's.
 * What the autoscaler remembers between syncs (recommendations, scale events, claimed
 * selectors) lives here, in memory, as upstream keeps it.
 */
import type { JsonObject } from '../../core/index.js';
import { compileLabelSelector } from '../../core/index.js';
import { realClock, type Clock, type EventRecorder, type ReconcileResult } from '../../runtime/index.js';
import { ApiError } from '../api/errors.js';
import type { Registry } from '../api/registry/registry.js';
import type { Gvr } from '../api/types.js';
import { keyOf, splitKey, type ControllerSpec } from './controller-host.js';
import { writeStatus } from './controller-util.js';
import {
  emptyHistory,
  planHpaSync,
  rescaleFailed,
  rescaleSucceeded,
  type Hpa,
  type HpaHistory,
  type HpaPod,
  type HpaSettings,
  type MetricsSource,
  type PodMetrics,
  type Scale,
} from './hpa/index.js';

/**
 * Reads metrics.k8s.io/v1beta1 PodMetrics of the pods `labelSelector` selects in `namespace`
 * (`containers[{name, usage{cpu, memory}}]`, `timestamp`, `window`). Throwing (or rejecting)
 * means the metrics API is unavailable: the HPA reports FailedGetResourceMetric.
 */
export type PodMetricsReader = (
  namespace: string,
  labelSelector: string,
) => JsonObject[] | Promise<JsonObject[]>;

export interface HpaControllerOptions {
  metrics: PodMetricsReader;
  events?: EventRecorder;
  /** drives the sync period, the stabilization windows and lastScaleTime (default: the wall clock) */
  clock?: Clock;
  /** how often each HPA is synced (`--horizontal-pod-autoscaler-sync-period`, default 15 s) */
  syncPeriodMs?: number;
  /** tolerance, downscale stabilization, CPU initialization period, initial readiness delay */
  settings?: Partial<HpaSettings>;
}

export const HPA_SYNC_PERIOD_MS = 15_000;
const MANAGER = 'horizontal-pod-autoscaler';
const HPAS = { group: 'autoscaling', version: 'v2', resource: 'horizontalpodautoscalers' };
const POD_METRICS = { group: 'metrics.k8s.io', version: 'v1beta1', resource: 'pods' };

interface HpaState {
  uid: unknown;
  history: HpaHistory;
  /** the selector last used, for the other HPAs' AmbiguousSelector check */
  selector?: string;
  /** when the last full sync ran (epoch ms) and for which generation */
  syncedAt?: number;
  generation?: unknown;
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * Finds the target's resource from its apiVersion and kind (any kind with a scale
 * subresource, CRDs included) and reads its Scale; throws with the error upstream reports.
 */
function readScale(
  registry: Registry,
  namespace: string,
  ref: Hpa['spec']['scaleTargetRef'],
): { gvr: Gvr; scale: Scale } {
  const apiVersion = ref.apiVersion ?? '';
  const parts = apiVersion.split('/');
  if (parts.length > 2) throw new Error(`unexpected GroupVersion string: ${apiVersion}`);
  const [group, version] = parts.length === 2 ? parts : ['', parts[0]];
  const types = registry
    .resourceTypes()
    .filter((t) => t.group === group && t.kind === ref.kind)
    .sort((a, b) => Number(b.version === version) - Number(a.version === version));
  if (types.length === 0) throw new Error(`no matches for kind "${ref.kind}" in group "${group}"`);
  let first: unknown;
  for (const t of types) {
    const gvr = { group: t.group, version: t.version, resource: t.resource };
    try {
      return { gvr, scale: registry.get(gvr, namespace, ref.name, 'scale') as unknown as Scale };
    } catch (e) {
      first ??= e;
    }
  }
  throw first;
}

/** The control plane's own metrics.k8s.io API as a reader; a missing API reads as client-go reports it. */
export function registryPodMetricsReader(registry: Registry): PodMetricsReader {
  return (namespace, labelSelector) => {
    try {
      return registry.list(POD_METRICS, namespace, { labelSelector }).items as JsonObject[];
    } catch (e) {
      if (e instanceof ApiError && e.reason === 'NotFound') {
        throw new Error('the server could not find the requested resource (get pods.metrics.k8s.io)');
      }
      throw e;
    }
  };
}

export function hpaController(registry: Registry, options: HpaControllerOptions): ControllerSpec {
  const clock = options.clock ?? realClock;
  const period = options.syncPeriodMs ?? HPA_SYNC_PERIOD_MS;
  const states = new Map<string, HpaState>();

  async function readMetrics(namespace: string, scale: Scale | undefined): Promise<MetricsSource> {
    const selector = scale?.status.selector ?? '';
    if (!scale || scale.spec.replicas === 0 || selector === '') return { items: [] };
    try {
      compileLabelSelector(selector);
    } catch {
      return { items: [] }; // the planner reports the selector itself
    }
    try {
      return { items: (await options.metrics(namespace, selector)) as unknown as PodMetrics[] };
    } catch (e) {
      return { error: message(e) };
    }
  }

  function otherSelectors(key: string, namespace: string): Array<{ key: string; selector: string }> {
    const out: Array<{ key: string; selector: string }> = [];
    for (const [k, s] of states) {
      if (k === key || !s.selector || splitKey(k).namespace !== namespace) continue;
      const { name } = splitKey(k);
      if (
        registry.store.get({ group: 'autoscaling', resource: 'horizontalpodautoscalers', namespace, name })
      ) {
        out.push({ key: k, selector: s.selector });
      }
    }
    return out;
  }

  return {
    name: 'horizontal-pod-autoscaler',
    primary: { group: HPAS.group, resource: HPAS.resource },
    watches: [{ group: HPAS.group, resource: HPAS.resource, keys: (o) => [keyOf(o)] }],
    async reconcile(key): Promise<ReconcileResult> {
      const { namespace, name } = splitKey(key);
      const found = registry.store.get({
        group: HPAS.group,
        resource: HPAS.resource,
        namespace,
        name,
      })?.value;
      if (!found) {
        states.delete(key);
        return;
      }
      const hpa = found as unknown as Hpa;
      const now = clock.now();
      let state = states.get(key);
      if (!state || state.uid !== hpa.metadata.uid) {
        state = { uid: hpa.metadata.uid, history: emptyHistory() };
        states.set(key, state);
      }
      // Level-triggered on a fixed period, as upstream's queue: a change to the HPA's spec is
      // synced at once, anything else (our own status write, a resync) waits for the period.
      // Not jittered: the period is part of the scaling semantics (policies count per period).
      const since = state.syncedAt === undefined ? Infinity : now.getTime() - state.syncedAt;
      if (state.generation === hpa.metadata.generation && since < period) {
        return { requeueAfter: period - since };
      }

      let target: { gvr: Gvr; scale: Scale } | undefined;
      let targetError: string | undefined;
      try {
        target = readScale(registry, namespace, hpa.spec.scaleTargetRef);
      } catch (e) {
        targetError = message(e);
      }
      const pods = registry.store
        .list({ group: '', resource: 'pods', namespace })
        .items.map((o) => o.value as unknown as HpaPod);
      let plan = planHpaSync({
        hpa,
        target: target ? { scale: target.scale } : { error: targetError ?? 'unrecognized resource' },
        pods,
        metrics: await readMetrics(namespace, target?.scale),
        otherSelectors: otherSelectors(key, namespace),
        history: state.history,
        now,
        settings: options.settings,
      });
      if (plan.rescale && target) {
        const scale = { ...target.scale, spec: { ...target.scale.spec, replicas: plan.rescale.to } };
        try {
          await registry.update(
            target.gvr,
            namespace,
            hpa.spec.scaleTargetRef.name,
            scale as unknown as JsonObject,
            {
              subresource: 'scale',
              fieldManager: MANAGER,
            },
          );
          plan = rescaleSucceeded(plan, hpa, now);
        } catch (e) {
          plan = rescaleFailed(plan, hpa, message(e), now);
        }
      }
      state.history = plan.history;
      state.selector = plan.selector ?? state.selector;
      state.syncedAt = now.getTime();
      state.generation = hpa.metadata.generation;
      for (const e of plan.events) options.events?.event(found, e.type, e.reason, e.message);
      await writeStatus(registry, HPAS, namespace, name, plan.status, MANAGER);
      return { requeueAfter: period };
    },
  };
}
