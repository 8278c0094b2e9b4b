/**
 * The `Progressing` condition and the whole Deployment status — progress.go's
 * syncRolloutStatus, sync.go's checkPausedConditions, deployment_util.go's
 * DeploymentTimedOut. Messages are Kubernetes' own, so `kubectl rollout status` and
 * anything matching on them behave the same.
 */
import { getCondition, newCondition, removeCondition, setCondition } from './util/conditions.js';
import { hasProgressDeadline } from './util/deadline.js';
import { findNewReplicaSet } from './new-replica-set.js';
import { calculateStatus, deploymentComplete, deploymentProgressing } from './status.js';
import { Reasons, type Condition, type Deployment, type DeploymentStatus, type ReplicaSet } from './types.js';

export interface ComputeStatusOptions {
  /** The new ReplicaSet if already known; found among `allRSs` otherwise. */
  newRS?: ReplicaSet;
  /**
   * false for a pure scaling sync: Kubernetes then only recounts (syncDeploymentStatus) and
   * leaves Progressing alone. Paused deployments never estimate progress.
   */
  estimateProgress?: boolean;
}

/**
 * The Deployment's next status (compare with the current one; write it only if it differs).
 *
 * Progressing, with a progress deadline set:
 * - complete (all updated and available): True `NewReplicaSetAvailable`,
 *   `ReplicaSet "web-5d4f8c7b9" has successfully progressed.`;
 * - moved since the last status: True `ReplicaSetUpdated`, `ReplicaSet "…" is progressing.`,
 *   lastUpdateTime now (the deadline restarts), lastTransitionTime kept while it stays True;
 * - otherwise, once lastUpdateTime + progressDeadlineSeconds is past: False
 *   `ProgressDeadlineExceeded`, `ReplicaSet "…" has timed out progressing.` A 600 s deadline
 *   whose condition was last updated at 12:00:00 times out at the first sync after 12:10:00.
 * Paused: Unknown `DeploymentPaused` "Deployment is paused" (so paused time never counts
 * against the deadline), then Unknown `DeploymentResumed` "Deployment is resumed" on resume.
 * Without a deadline the Progressing condition is removed.
 */
export function computeStatus(
  d: Deployment,
  allRSs: readonly ReplicaSet[],
  now: Date,
  options: ComputeStatusOptions = {},
): DeploymentStatus {
  const newRS = options.newRS ?? findNewReplicaSet(d, allRSs);
  const deployment = checkPausedConditions(d, now);
  const status = calculateStatus(deployment, allRSs, newRS, now);
  if (d.spec.paused || options.estimateProgress === false) return status;
  return rolloutStatus(deployment, allRSs, newRS, status, now);
}

/** `d` with the paused/resumed Progressing condition applied (checkPausedConditions). */
export function checkPausedConditions(d: Deployment, now: Date): Deployment {
  if (!hasProgressDeadline(d)) return d;
  const cond = getCondition(d.status?.conditions, 'Progressing');
  // lack of progress, once reported, is not overwritten by pausing
  if (cond?.reason === Reasons.ProgressDeadlineExceeded) return d;
  const pausedNoted = cond?.reason === Reasons.DeploymentPaused;
  let next: Condition | undefined;
  if (d.spec.paused && !pausedNoted)
    next = newCondition('Progressing', 'Unknown', Reasons.DeploymentPaused, 'Deployment is paused', now);
  else if (!d.spec.paused && pausedNoted)
    next = newCondition('Progressing', 'Unknown', Reasons.DeploymentResumed, 'Deployment is resumed', now);
  if (!next) return d;
  return { ...d, status: { ...d.status, conditions: setCondition(d.status?.conditions, next) } };
}

function rolloutStatus(
  d: Deployment,
  allRSs: readonly ReplicaSet[],
  newRS: ReplicaSet | undefined,
  status: DeploymentStatus,
  now: Date,
): DeploymentStatus {
  const deadline = hasProgressDeadline(d);
  if (!deadline) status.conditions = removeCondition(status.conditions, 'Progressing');
  const current = getCondition(d.status?.conditions, 'Progressing');
  // a finished rollout being resynced: nothing to estimate
  const finished =
    status.replicas === status.updatedReplicas && current?.reason === Reasons.NewReplicaSetAvailable;
  const subject = newRS ? `ReplicaSet "${newRS.metadata.name}"` : `Deployment "${d.metadata.name}"`;
  if (deadline && !finished) {
    if (deploymentComplete(d, status)) {
      const c = newCondition(
        'Progressing',
        'True',
        Reasons.NewReplicaSetAvailable,
        `${subject} has successfully progressed.`,
        now,
      );
      status.conditions = setCondition(status.conditions, c);
    } else if (deploymentProgressing(d, status)) {
      // Same reason again must still move lastUpdateTime (setCondition would keep the old
      // one), so replace the condition outright, keeping lastTransitionTime while True.
      const c = newCondition(
        'Progressing',
        'True',
        Reasons.ReplicaSetUpdated,
        `${subject} is progressing.`,
        now,
      );
      if (current?.status === 'True' && current.lastTransitionTime)
        c.lastTransitionTime = current.lastTransitionTime;
      status.conditions = setCondition(removeCondition(status.conditions, 'Progressing'), c);
    } else if (timedOut(d, status, now)) {
      const c = newCondition(
        'Progressing',
        'False',
        Reasons.ProgressDeadlineExceeded,
        `${subject} has timed out progressing.`,
        now,
      );
      status.conditions = setCondition(status.conditions, c);
    }
  }
  const failure = replicaFailure(allRSs, newRS);
  status.conditions = failure
    ? setCondition(status.conditions, failure)
    : removeCondition(status.conditions, 'ReplicaFailure');
  return status;
}

/**
 * The Progressing condition is older than the deadline (DeploymentTimedOut): measured from
 * its lastUpdateTime — the last progress, the new ReplicaSet's creation, or a resume.
 * Strictly after: created 12:00:00 with a 600 s deadline, 12:10:00 is not yet late.
 */
export function timedOut(d: Deployment, status: DeploymentStatus, now: Date): boolean {
  if (!hasProgressDeadline(d)) return false;
  const c = getCondition(status.conditions, 'Progressing');
  if (!c || c.reason === Reasons.NewReplicaSetAvailable) return false;
  if (c.reason === Reasons.ProgressDeadlineExceeded) return true;
  if (!c.lastUpdateTime) return false;
  return Date.parse(c.lastUpdateTime) + (d.spec.progressDeadlineSeconds ?? 0) * 1000 < now.getTime();
}

/**
 * Seconds until the deadline check is due, for requeueing a stuck rollout
 * (requeueStuckDeployment): undefined when nothing is pending. lastUpdateTime 12:00:00,
 * deadline 600 s, now 12:03:00 → 420.
 */
export function secondsUntilDeadline(d: Deployment, status: DeploymentStatus, now: Date): number | undefined {
  const c = getCondition(d.status?.conditions, 'Progressing');
  if (!hasProgressDeadline(d) || !c?.lastUpdateTime) return undefined;
  if (deploymentComplete(d, status) || c.reason === Reasons.ProgressDeadlineExceeded) return undefined;
  const left =
    (Date.parse(c.lastUpdateTime) + (d.spec.progressDeadlineSeconds ?? 0) * 1000 - now.getTime()) / 1000;
  return Math.max(0, left);
}

// ReplicaSet ReplicaFailure conditions surface on the Deployment; the new RS's win.
function replicaFailure(allRSs: readonly ReplicaSet[], newRS: ReplicaSet | undefined): Condition | undefined {
  const from = [newRS, ...allRSs].flatMap((rs) => rs?.status?.conditions ?? []);
  const c = from.find((x) => x.type === 'ReplicaFailure');
  if (!c) return undefined;
  return {
    type: c.type,
    status: c.status,
    lastUpdateTime: c.lastTransitionTime,
    lastTransitionTime: c.lastTransitionTime,
    reason: c.reason,
    message: c.message,
  } as Condition;
}
