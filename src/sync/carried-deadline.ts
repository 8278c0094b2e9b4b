/**
 * A Deployment's progress deadline that an apply finds already passed, and must not count
 * against the rollout the apply starts.
 *
 * Kubernetes keeps `Progressing=False ProgressDeadlineExceeded` when the template goes
 * back to a ReplicaSet that exists (a rollback): sync.go's getNewReplicaSet only sets a
 * condition when there is none, and DeploymentTimedOut keeps a timed-out one until the
 * rollout moves again. Rolling back 1 replica from a revision whose one pod never got
 * ready: the old pod is still there and ready, so the first status that observes the new
 * generation counts nothing new (1 updated, 1 old, 1 available — as before) and still
 * carries the old verdict; only the next one, once the failed pod is gone, says
 * `NewReplicaSetAvailable`. Argo CD would show Degraded for that moment; a health gate,
 * which stops at the first Degraded, would fail the rollback on a verdict about the
 * revision it replaces.
 *
 * So: the condition the apply's answer held (that answer still has the status from before
 * the apply), while the controller had yet to see the applied spec, is remembered; a live
 * condition identical to it is that earlier verdict, and is left out when judging health.
 * A new deadline passed by this rollout is written afresh (another lastUpdateTime) and
 * counts. A rollout that never moves keeps the old condition: the health timeout ends it.
 */
import { gvkOf, isJsonObject, type JsonObject, type KubeObject } from '../core/index.js';

/** The fields that tell one written condition from another. */
const IDENTITY = ['type', 'status', 'reason', 'message', 'lastUpdateTime', 'lastTransitionTime'];

function progressingOf(obj: KubeObject): JsonObject | undefined {
  const status = obj.status;
  if (!isJsonObject(status) || !Array.isArray(status.conditions)) return undefined;
  return status.conditions.find((c): c is JsonObject => isJsonObject(c) && c.type === 'Progressing');
}

// Go's zero value for an absent or unreadable generation
const count = (v: unknown) => (typeof v === 'number' ? v : 0);

const isDeployment = (obj: KubeObject) => {
  const { group, kind } = gvkOf(obj);
  return group === 'apps' && kind === 'Deployment';
};

/**
 * The timed-out Progressing condition `applied` (an apply's answer) carries from before the
 * apply, when the apply changed the spec (generation ahead of observedGeneration); else
 * undefined.
 */
export function carriedDeadline(applied: KubeObject | undefined): JsonObject | undefined {
  if (!applied || !isDeployment(applied)) return undefined;
  const status = isJsonObject(applied.status) ? applied.status : {};
  if (count(applied.metadata.generation) <= count(status.observedGeneration)) return undefined;
  const c = progressingOf(applied);
  return c?.reason === 'ProgressDeadlineExceeded' ? c : undefined;
}

/** `live` without its Progressing condition when that is still `carried`; else `live` itself. */
export function withoutCarriedDeadline(live: KubeObject, carried: JsonObject | undefined): KubeObject {
  const c = carried && progressingOf(live);
  if (!c || !IDENTITY.every((k) => c[k] === carried[k])) return live;
  const status = live.status as JsonObject;
  const conditions = (status.conditions as unknown[]).filter((x) => x !== c);
  return { ...live, status: { ...status, conditions } } as KubeObject;
}
