/**
 * StatefulSet health (gitops-engine's health_statefulset.go, after `kubectl rollout status`):
 * 1. `status.observedGeneration` absent or behind `metadata.generation`: Progressing.
 * 2. Fewer ready pods than `spec.replicas`: Progressing ("Waiting for 2 pods to be ready...").
 * 3. RollingUpdate with a `rollingUpdate` block (the API server always writes one, with
 *    `partition: 0`): Progressing until `replicas - partition` pods are updated. With 5
 *    replicas and partition 3, only ordinals 3 and 4 move: done at 2 updated pods. Then
 *    Healthy — the revisions are not compared, as kubectl does not either.
 * 4. OnDelete: Healthy as soon as the pods are ready; pods are replaced only when deleted,
 *    so the update can never be waited for.
 * 5. Otherwise Progressing until `currentRevision` equals `updateRevision`.
 */
import type { KubeObject } from '../../core/index.js';
import { isJsonObject } from '../../core/index.js';
import { generationOf, num, objAt, specReplicas, str } from './read.js';
import type { HealthContext, HealthStatus } from './types.js';
import { withOwnedPodsCause } from './with-cause.js';

function statefulSetVerdict(sts: KubeObject): HealthStatus {
  const status = objAt(sts, 'status');
  const observed = num(status.observedGeneration);
  if (observed === 0 || generationOf(sts) > observed) {
    return { status: 'Progressing', message: 'Waiting for statefulset spec update to be observed...' };
  }
  const wanted = specReplicas(sts);
  const ready = num(status.readyReplicas);
  if (ready < wanted)
    return { status: 'Progressing', message: `Waiting for ${wanted - ready} pods to be ready...` };
  const strategy = objAt(sts, 'spec', 'updateStrategy');
  const type = str(strategy.type) ?? 'RollingUpdate';
  const updated = num(status.updatedReplicas);
  if (type === 'RollingUpdate' && isJsonObject(strategy.rollingUpdate)) {
    const partition = num(strategy.rollingUpdate.partition);
    if (updated < wanted - partition) {
      return {
        status: 'Progressing',
        message: `Waiting for partitioned roll out to finish: ${updated} out of ${wanted - partition} new pods have been updated...`,
      };
    }
    return {
      status: 'Healthy',
      message: `partitioned roll out complete: ${updated} new pods have been updated...`,
    };
  }
  if (type === 'OnDelete') return { status: 'Healthy', message: `statefulset has ${ready} ready pods` };
  const current = str(status.currentRevision) ?? '';
  const update = str(status.updateRevision) ?? '';
  if (current !== update) {
    return {
      status: 'Progressing',
      message: `waiting for statefulset rolling update to complete ${updated} pods at revision ${update}...`,
    };
  }
  return {
    status: 'Healthy',
    message: `statefulset rolling update complete ${num(status.currentReplicas)} pods at revision ${current}...`,
  };
}

export function statefulSetHealth(sts: KubeObject, context: HealthContext): HealthStatus {
  return withOwnedPodsCause(sts, statefulSetVerdict(sts), context);
}
