/**
 * A StatefulSet pod's identity — ordinal name, hostname, subdomain, labels and claim
 * volumes — after stateful_set_utils.go (getParentNameAndOrdinal, newStatefulSetPod,
 * initIdentity, updateStorage, newVersionedStatefulSetPod).
 */
import type { JsonObject, JsonValue } from '../../../core/index.js';
import { controllerRef, type Pod, type PodTemplate } from '../deployment/index.js';
import {
  CONTROLLER_REVISION_HASH_LABEL,
  POD_INDEX_LABEL,
  POD_NAME_LABEL,
  type ControllerRevision,
  type PersistentVolumeClaim,
  type StatefulSet,
} from './types.js';

// The last `-<digits>` of a name: `web-10` → ("web", 10); `db-a-2` → ("db-a", 2).
const ORDINAL_RE = /^(.*)-([0-9]+)$/;
const INT32_MAX = 2 ** 31 - 1;

/** The StatefulSet name and ordinal in a pod's name; ordinal −1 when it has none. */
export function parentAndOrdinal(pod: Pod): { parent: string; ordinal: number } {
  const m = ORDINAL_RE.exec(pod.metadata.name ?? '');
  if (!m) return { parent: '', ordinal: -1 };
  // strconv.ParseInt(…, 10, 32): an ordinal too big for int32 does not parse
  const n = Number(m[2]);
  return { parent: m[1]!, ordinal: Number.isSafeInteger(n) && n <= INT32_MAX ? n : -1 };
}

/** The pod's ordinal, −1 when its name has none. */
export function ordinalOf(pod: Pod): number {
  return parentAndOrdinal(pod).ordinal;
}

/** `spec.replicas`, defaulted to 1. */
export function replicasOf(sts: StatefulSet): number {
  return sts.spec.replicas ?? 1;
}

/** The first ordinal (`spec.ordinals.start`, default 0). */
export function startOrdinal(sts: StatefulSet): number {
  return sts.spec.ordinals?.start ?? 0;
}

/** Whether the pod's ordinal is one the set wants: start 0, 3 replicas → 0, 1, 2. */
export function inOrdinalRange(pod: Pod, sts: StatefulSet): boolean {
  const ord = ordinalOf(pod);
  const start = startOrdinal(sts);
  return ord >= start && ord < start + replicasOf(sts);
}

/** `<sts>-<ordinal>`: `web-0`. */
export function podName(sts: StatefulSet, ordinal: number): string {
  return `${sts.metadata.name}-${ordinal}`;
}

/** `<claim>-<sts>-<ordinal>`: template `data` of set `web`, pod 1 → `data-web-1`. */
export function claimName(sts: StatefulSet, claim: PersistentVolumeClaim, ordinal: number): string {
  return `${claim.metadata.name}-${sts.metadata.name}-${ordinal}`;
}

/** The revision a pod was made from (its controller-revision-hash label), '' if none. */
export function podRevision(pod: Pod): string {
  return pod.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] ?? '';
}

/**
 * The pod template a revision recorded — ApplyRevision. The revision's data is a strategic
 * merge patch that replaces `spec.template` wholesale (`$patch: replace`), so applying it
 * is taking the template out of it.
 */
export function templateOf(revision: ControllerRevision): PodTemplate {
  const spec = (revision.data?.spec ?? {}) as JsonObject;
  const template = structuredClone((spec.template ?? {}) as JsonObject);
  delete template.$patch;
  return template as unknown as PodTemplate;
}

/**
 * The pod with ordinal `ordinal` at `revision`:
 * - name `<sts>-<ordinal>` (generateName `<sts>-`, as GetPodFromTemplate sets it too),
 *   the set's namespace, a controller ownerReference to the set;
 * - the revision template's labels, annotations and finalizers, plus the labels
 *   `statefulset.kubernetes.io/pod-name`, `apps.kubernetes.io/pod-index` and
 *   `controller-revision-hash` = the revision's name;
 * - spec from the template, `hostname` = pod name, `subdomain` = `spec.serviceName` (so it
 *   resolves as `web-0.<service>.<namespace>.svc`), and one volume per claim template
 *   (`data` → claim `data-web-0`), replacing a template volume of the same name.
 */
export function newStatefulPod(sts: StatefulSet, ordinal: number, revision: ControllerRevision): Pod {
  const template = templateOf(revision);
  const meta = template.metadata ?? {};
  const name = podName(sts, ordinal);
  const spec: JsonObject = structuredClone(template.spec ?? {});
  spec.hostname = name;
  if (sts.spec.serviceName) spec.subdomain = sts.spec.serviceName;
  const volumes = claimVolumes(sts, ordinal, spec.volumes);
  if (volumes.length) spec.volumes = volumes;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      generateName: `${sts.metadata.name}-`,
      ...(sts.metadata.namespace ? { namespace: sts.metadata.namespace } : {}),
      labels: {
        ...(meta.labels ?? {}),
        [POD_NAME_LABEL]: name,
        [POD_INDEX_LABEL]: String(ordinal),
        [CONTROLLER_REVISION_HASH_LABEL]: revision.metadata.name ?? '',
      },
      ...(meta.annotations ? { annotations: { ...meta.annotations } } : {}),
      ...(Array.isArray(meta.finalizers) ? { finalizers: [...(meta.finalizers as string[])] } : {}),
      ownerReferences: [controllerRef(sts, 'apps/v1', 'StatefulSet')],
    },
    spec,
  };
}

// Claim volumes first, in template order, then the template's other volumes (Kubernetes
// builds these from a Go map, so its order is random; ours is stable).
function claimVolumes(sts: StatefulSet, ordinal: number, current: JsonValue | undefined): JsonValue[] {
  const claims = sts.spec.volumeClaimTemplates ?? [];
  const names = new Set(claims.map((c) => c.metadata.name));
  const out: JsonValue[] = claims.map((c) => ({
    name: c.metadata.name ?? '',
    persistentVolumeClaim: { claimName: claimName(sts, c, ordinal) },
  }));
  for (const v of Array.isArray(current) ? current : []) {
    const vname = v && typeof v === 'object' && !Array.isArray(v) ? v.name : undefined;
    if (typeof vname !== 'string' || !names.has(vname)) out.push(v);
  }
  return out;
}
