/**
 * A daemon pod for one node — daemon/util's CreatePodTemplate and
 * ReplaceDaemonSetPodNodeNameNodeAffinity, and the template hash the pods are labelled with.
 */
import type { JsonObject, JsonValue } from '../../../core/index.js';
import { controllerRef, podTemplateHash, type Pod } from '../deployment/index.js';
import { daemonTolerations } from './placement.js';
import {
  CONTROLLER_REVISION_HASH_LABEL,
  TEMPLATE_GENERATION_ANNOTATION,
  TEMPLATE_GENERATION_LABEL,
  type DaemonSet,
} from './types.js';

/**
 * The `controller-revision-hash` of the DaemonSet's template: controller.ComputeHash of the
 * template and `status.collisionCount`, the same function as a Deployment's pod-template-hash.
 */
export function daemonSetHash(ds: DaemonSet): string {
  return podTemplateHash(ds.spec.template as unknown as JsonValue, ds.status?.collisionCount);
}

/**
 * The template generation: the `deprecated.daemonset.template.generation` annotation the API
 * server maintains, else `metadata.generation` (for stores that do not keep the annotation).
 */
export function templateGeneration(ds: DaemonSet): string | undefined {
  const annotated = ds.metadata.annotations?.[TEMPLATE_GENERATION_ANNOTATION];
  if (annotated !== undefined) return annotated;
  return ds.metadata.generation === undefined ? undefined : String(ds.metadata.generation);
}

/**
 * Whether the pod runs the current template (IsPodUpdated): its hash label matches, or —
 * for pods from before hashes — its template-generation label does.
 */
export function isPodUpdated(ds: DaemonSet, pod: Pod, hash: string): boolean {
  const labels = pod.metadata.labels ?? {};
  const generation = templateGeneration(ds);
  return (
    (hash !== '' && labels[CONTROLLER_REVISION_HASH_LABEL] === hash) ||
    (generation !== undefined && labels[TEMPLATE_GENERATION_LABEL] === generation)
  );
}

/**
 * `affinity` with its required node affinity replaced by the single term
 * `matchFields: metadata.name In [node]` (preferred terms and pod affinity are kept). The
 * scheduler then binds the pod to that node, and only there.
 */
export function pinToNode(affinity: JsonValue | undefined, node: string): JsonObject {
  const base =
    affinity && typeof affinity === 'object' && !Array.isArray(affinity) ? structuredClone(affinity) : {};
  const nodeAffinity = (base.nodeAffinity ?? {}) as JsonObject;
  const required = (nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution ?? {}) as JsonObject;
  const pinned = { matchFields: [{ key: 'metadata.name', operator: 'In', values: [node] }] };
  return {
    ...base,
    nodeAffinity: {
      ...nodeAffinity,
      requiredDuringSchedulingIgnoredDuringExecution: { ...required, nodeSelectorTerms: [pinned] },
    },
  };
}

/**
 * The daemon pod for `node`: generateName `<ds>-`, the template's labels plus
 * `controller-revision-hash` and `pod-template-generation`, its annotations and finalizers,
 * a controller ownerReference, the daemon tolerations, and required node affinity pinning it
 * to `node` (not `nodeName`: the scheduler still checks resources and ports).
 */
export function newDaemonPod(ds: DaemonSet, node: string, hash: string): Pod {
  const template = structuredClone(ds.spec.template);
  const meta = template.metadata ?? {};
  const spec: JsonObject = template.spec ?? {};
  spec.tolerations = daemonTolerations(spec);
  spec.affinity = pinToNode(spec.affinity, node);
  const generation = templateGeneration(ds);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${ds.metadata.name}-`,
      ...(ds.metadata.namespace ? { namespace: ds.metadata.namespace } : {}),
      labels: {
        ...(meta.labels ?? {}),
        ...(generation !== undefined ? { [TEMPLATE_GENERATION_LABEL]: generation } : {}),
        ...(hash ? { [CONTROLLER_REVISION_HASH_LABEL]: hash } : {}),
      },
      ...(meta.annotations ? { annotations: { ...meta.annotations } } : {}),
      ...(Array.isArray(meta.finalizers) ? { finalizers: [...(meta.finalizers as string[])] } : {}),
      ownerReferences: [controllerRef(ds, 'apps/v1', 'DaemonSet')],
    },
    spec,
  };
}
