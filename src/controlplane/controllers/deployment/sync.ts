/**
 * One Deployment sync, as deployment_controller.go's syncDeployment strings the decisions
 * together — still pure: it returns what to write, the caller writes it (in the order of
 * the fields below) and requeues on the next ReplicaSet or pod change.
 *
 *   deleting            → status only
 *   paused              → proportional scale, history cleanup, status (no progress clock)
 *   scaling event       → proportional scale, status (no progress clock)
 *   Recreate            → recreate.ts, then status with progress
 *   RollingUpdate       → create the new ReplicaSet if missing, rolling.ts, then status
 * History cleanup also runs once the last observed status shows the rollout complete.
 */
import { findNewReplicaSet, newReplicaSetFor } from './new-replica-set.js';
import { recordNewReplicaSet, syncNewReplicaSet } from './revision.js';
import { cleanupPlan } from './cleanup.js';
import { computeStatus } from './progress.js';
import { planRecreate } from './recreate.js';
import { planRollingUpdate } from './rolling.js';
import { isScalingEvent, planScale } from './scale.js';
import { deploymentComplete } from './status.js';
import { isRollingUpdate } from './util/fenceposts.js';
import type { Deployment, DeploymentStatus, Pod, ReplicaSet, ScaleOp } from './types.js';

export interface DeploymentSyncPlan {
  /** a new ReplicaSet to create (first) */
  create?: ReplicaSet;
  /** the existing new ReplicaSet with its revision/annotations/minReadySeconds brought up to date */
  update?: ReplicaSet;
  /** ReplicaSets to resize */
  scale: ScaleOp[];
  /** old ReplicaSets to delete (revision history) */
  delete: string[];
  /** the Deployment's metadata.annotations after the sync (the revision annotation moves) */
  annotations: Record<string, string>;
  /** the Deployment's next status; write it if it differs from the current one */
  status: DeploymentStatus;
}

/**
 * Decides one sync of `d`, given the ReplicaSets it controls and their pods (pods only
 * matter to Recreate). `now` stamps conditions and the new ReplicaSet.
 */
export function planDeploymentSync(
  d: Deployment,
  rsList: readonly ReplicaSet[],
  pods: readonly Pod[],
  now: Date,
): DeploymentSyncPlan {
  let deployment = d;
  let newRS = findNewReplicaSet(d, rsList);
  const oldRSs = rsList.filter((rs) => rs !== newRS);
  const plan: DeploymentSyncPlan = { scale: [], delete: [], annotations: {}, status: {} };

  const adoptExisting = (): void => {
    if (!newRS) return;
    const updated = syncNewReplicaSet(deployment, newRS, oldRSs);
    if (updated) {
      plan.update = updated;
      newRS = updated;
    }
    deployment = recordNewReplicaSet(deployment, newRS, false, now);
  };
  const createNew = (): void => {
    const made = newReplicaSetFor(deployment, oldRSs, now);
    if (made.collisionCount !== undefined)
      deployment = { ...deployment, status: { ...deployment.status, collisionCount: made.collisionCount } };
    newRS = made.replicaSet;
    if (!made.exists) plan.create = made.replicaSet;
    deployment = recordNewReplicaSet(deployment, made.replicaSet, !made.exists, now);
  };

  let estimateProgress = true;
  if (d.metadata.deletionTimestamp) {
    estimateProgress = false;
  } else if (d.spec.paused || isScalingEvent(d, rsList)) {
    estimateProgress = false;
    adoptExisting();
    plan.scale = planScale(deployment, newRS, oldRSs);
    if (d.spec.paused) plan.delete = cleanupPlan(deployment, oldRSs);
  } else if (!isRollingUpdate(d)) {
    adoptExisting();
    const step = planRecreate(deployment, newRS, oldRSs, pods);
    if (step.createNewReplicaSet) createNew();
    plan.scale = step.scale;
  } else {
    if (newRS) adoptExisting();
    else createNew();
    plan.scale = planRollingUpdate(deployment, newRS!, oldRSs);
  }
  if (estimateProgress && plan.scale.length === 0 && d.status && deploymentComplete(d, d.status))
    plan.delete = cleanupPlan(deployment, oldRSs);

  const after = [...oldRSs, ...(newRS ? [newRS] : [])].map((rs) => resized(rs, plan.scale));
  const newAfter = newRS ? after[after.length - 1] : undefined;
  plan.status = computeStatus(deployment, after, now, { newRS: newAfter, estimateProgress });
  plan.annotations = { ...(deployment.metadata.annotations ?? {}) };
  return plan;
}

// the ReplicaSet as it will be once `ops` are applied (spec only; status follows later)
function resized(rs: ReplicaSet, ops: readonly ScaleOp[]): ReplicaSet {
  const op = ops.find((o) => o.name === rs.metadata.name);
  if (!op) return rs;
  return {
    ...rs,
    metadata: { ...rs.metadata, annotations: { ...rs.metadata.annotations, ...op.annotations } },
    spec: { ...rs.spec, replicas: op.replicas },
  };
}
