/**
 * A pod for a Job, as the Job controller builds one (manageJob + GetPodFromTemplate).
 * Kubernetes also adds the `batch.kubernetes.io/job-tracking` finalizer so it can count a
 * pod before it disappears; we count from the pods themselves and add none (a finalizer
 * nobody removes would keep every pod forever).
 */
import { controllerRef } from '../../deployment/index.js';
import type { JsonObject, JsonValue } from '../../../../core/index.js';
import {
  COMPLETION_INDEX_ENV,
  CONTROLLER_UID_LABEL,
  JOB_COMPLETION_INDEX,
  JOB_NAME_LABEL,
  LEGACY_CONTROLLER_UID_LABEL,
  LEGACY_JOB_NAME_LABEL,
  type Job,
  type Pod,
} from '../types.js';

/** names.MaxGeneratedNameLength: 63 minus the 5 random characters the API server appends. */
const MAX_GENERATE_NAME = 58;

/**
 * A pod from `job`'s template: generateName `<job>-`, the template's labels plus the
 * job-name and controller-uid labels (both the `batch.kubernetes.io/` and the legacy
 * spelling), a controller ownerReference, and the template's spec (restartPolicy included).
 * With `index` (Indexed Jobs) it also gets the completion-index annotation and label, the
 * `JOB_COMPLETION_INDEX` env var in every container, hostname `<job>-<index>` and
 * generateName `<job>-<index>-` — index 3 of `sim` → `sim-3-x7k2p`.
 */
export function newJobPod(job: Job, index?: number): Pod {
  const template = structuredClone(job.spec.template);
  const meta = template.metadata ?? {};
  const name = job.metadata.name ?? '';
  const uid = job.metadata.uid ?? '';
  const labels: Record<string, string> = {
    ...(meta.labels ?? {}),
    [CONTROLLER_UID_LABEL]: uid,
    [LEGACY_CONTROLLER_UID_LABEL]: uid,
    [JOB_NAME_LABEL]: name,
    [LEGACY_JOB_NAME_LABEL]: name,
  };
  const annotations: Record<string, string> = { ...(meta.annotations ?? {}) };
  const spec: JsonObject = { ...(template.spec ?? {}) };
  let generateName = `${name}-`;
  if (index !== undefined) {
    annotations[JOB_COMPLETION_INDEX] = String(index);
    labels[JOB_COMPLETION_INDEX] = String(index);
    spec.hostname = `${name}-${index}`;
    spec.containers = withIndexEnv(spec.containers);
    if (spec.initContainers) spec.initContainers = withIndexEnv(spec.initContainers);
    generateName = generateNameWithIndex(name, index);
  }
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName,
      ...(job.metadata.namespace ? { namespace: job.metadata.namespace } : {}),
      labels,
      ...(Object.keys(annotations).length ? { annotations } : {}),
      ...(Array.isArray(meta.finalizers) ? { finalizers: [...(meta.finalizers as string[])] } : {}),
      ownerReferences: [controllerRef(job, 'batch/v1', 'Job')],
    },
    spec,
  };
}

/**
 * `<job>-<index>-`, cutting the job name so the prefix stays within 58 characters
 * (podGenerateNameWithIndex): the index is never cut.
 */
export function generateNameWithIndex(jobName: string, index: number): string {
  const suffix = `-${index}-`;
  const prefix = jobName + suffix;
  return prefix.length <= MAX_GENERATE_NAME
    ? prefix
    : jobName.slice(0, MAX_GENERATE_NAME - suffix.length) + suffix;
}

// The env var reads the label through the downward API, so it is right even if the pod is
// recreated by hand; a container that already sets it keeps its own value.
function withIndexEnv(containers: JsonValue | undefined): JsonValue {
  if (!Array.isArray(containers)) return containers ?? [];
  return (containers as { env?: { name?: string }[] }[]).map((c) => {
    const env = c.env ?? [];
    if (env.some((e) => e.name === COMPLETION_INDEX_ENV)) return c;
    const fieldPath = `metadata.labels['${JOB_COMPLETION_INDEX}']`;
    return { ...c, env: [...env, { name: COMPLETION_INDEX_ENV, valueFrom: { fieldRef: { fieldPath } } }] };
  }) as JsonValue;
}
