/** The vocabulary of health assessment: the states an object can be in and why. */
import type { KubeObject } from '../../core/index.js';

/**
 * Argo CD's health states:
 * - `Healthy`: the object is what it should be (and kinds without a notion of health);
 * - `Progressing`: not healthy yet, but still able to get there (a rollout under way);
 * - `Degraded`: failed, or cannot become healthy without a change (progress deadline
 *   exceeded, CrashLoopBackOff, a failed Job);
 * - `Suspended`: paused on purpose (a paused Deployment, a suspended Job; not a suspended
 *   CronJob, which is Healthy as in Argo CD);
 * - `Missing`: should exist and does not;
 * - `Unknown`: the assessment itself failed (a status that does not parse).
 */
export type HealthCode = 'Healthy' | 'Progressing' | 'Degraded' | 'Suspended' | 'Missing' | 'Unknown';

/** The probe a cause blames, when the status says which one. */
export type ProbeKind = 'readiness' | 'liveness' | 'startup';

/**
 * Why a workload is not healthy, down to the pod and container when one is at fault. Every
 * field is optional: a pod that cannot be scheduled has no container, a container that is
 * merely not ready yet blames no probe.
 */
export interface HealthCause {
  pod?: string;
  container?: string;
  /** Set only when the status shows which probe fails (see container-cause.ts). */
  probe?: ProbeKind;
  /**
   * PascalCase and stable, to match on: the kubelet's own reasons (`CrashLoopBackOff`,
   * `ImagePullBackOff`, `OOMKilled`, `Error`, `Unschedulable`, `ContainerCreating`) or
   * `NotReady` for a running container that is not ready.
   */
  reason?: string;
  /** The exit code of the container's last run, when it ended. */
  exitCode?: number;
  /** The kubelet's or scheduler's own words (a back-off message, an image pull error). */
  message?: string;
}

/** The health of one object. */
export interface HealthStatus {
  status: HealthCode;
  message?: string;
  cause?: HealthCause;
}

/** What else the caller knows, for kinds whose health is explained by other objects. */
export interface HealthContext {
  /** Pods of the object's namespace (others are ignored): a Deployment's cause is found among them. */
  pods?: readonly KubeObject[];
  /** ReplicaSets of the namespace: a Deployment's newest one says which pods are current. */
  replicaSets?: readonly KubeObject[];
}
