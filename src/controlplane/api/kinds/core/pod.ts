/** core/v1 Pod: defaults, validation, printing and field selectors of kube-apiserver v1.32. */
import type { JsonObject, JsonValue } from '../../../../core/index.js';
import type { FieldCause, ResourceType } from '../../types.js';
import { defaultPodSpec, validatePodSpec } from '../pod-spec.js';
import { deepEqual, forbidden, nameIsDnsSubdomain, str, validateObjectMeta } from '../validation.js';
import { applyPodCreateDefaults } from './pod-create.js';
import { podColumns, printPod } from './pod-print.js';
import { boolField, child, noGeneration, obj, objs } from './util.js';

// pkg/apis/core/validation ValidatePodUpdate: the only spec fields a pod update may touch
const podUpdateMessage =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

// the old spec with the mutable fields taken from the new one: any remaining difference is forbidden
function withMutableFieldsOf(oldSpec: JsonObject, newSpec: JsonObject): JsonObject {
  const merged = structuredClone(oldSpec);
  for (const key of ['containers', 'initContainers']) {
    const next = objs(newSpec[key]);
    objs(merged[key]).forEach((c, i) => {
      if (next[i] && 'image' in next[i]!) c.image = next[i]!.image!;
    });
  }
  for (const key of [
    'activeDeadlineSeconds',
    'tolerations',
    'terminationGracePeriodSeconds',
    'schedulingGates',
  ]) {
    if (key in newSpec) merged[key] = newSpec[key]!;
    else delete merged[key];
  }
  return merged;
}

function validatePodUpdate(pod: JsonObject, old: JsonObject): FieldCause[] {
  const spec = obj(pod.spec) ?? {};
  const oldSpec = obj(old.spec) ?? {};
  const out: FieldCause[] = [];
  if (!deepEqual(withMutableFieldsOf(oldSpec, spec), spec)) out.push(forbidden('spec', podUpdateMessage));
  // tolerations may only grow: every old toleration must still be there
  const next = objs(spec.tolerations);
  if (!objs(oldSpec.tolerations).every((t) => next.some((n) => deepEqual(n, t) || sameButSeconds(n, t))))
    out.push(
      forbidden('spec.tolerations', 'existing toleration can not be modified except its tolerationSeconds'),
    );
  // scheduling gates may only be removed
  const oldGates = new Set(objs(oldSpec.schedulingGates).map((g) => str(g.name)));
  if (objs(spec.schedulingGates).some((g) => !oldGates.has(str(g.name))))
    out.push(forbidden('spec.schedulingGates', 'only deletion is allowed, but found new scheduling gate'));
  return out;
}

function sameButSeconds(a: JsonObject, b: JsonObject): boolean {
  const { tolerationSeconds: _a, ...ra } = a;
  const { tolerationSeconds: _b, ...rb } = b;
  return deepEqual(ra, rb);
}

/** pods: the unit the scheduler places and the kubelet runs. */
export const podType: ResourceType = {
  group: '',
  version: 'v1',
  resource: 'pods',
  singular: 'pod',
  kind: 'Pod',
  listKind: 'PodList',
  namespaced: true,
  shortNames: ['po'],
  categories: ['all'],
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  status: true,
  defaults(pod) {
    defaultPodSpec(child(pod, 'spec'));
    applyPodCreateDefaults(pod);
  },
  validate(pod, old) {
    const out = validateObjectMeta(pod, { namespaced: true, nameFn: nameIsDnsSubdomain }, old);
    out.push(...validatePodSpec(obj(pod.spec) ?? {}, 'spec'));
    if (old) out.push(...validatePodUpdate(pod, old));
    return out;
  },
  specFields: noGeneration,
  printColumns: podColumns,
  printRow: printPod,
  // pkg/registry/core/pod/strategy.go PodToSelectableFields
  selectableFields(pod): Record<string, string> {
    const spec = obj(pod.spec) ?? {};
    const status = obj(pod.status) ?? {};
    const ips: JsonValue[] = objs(status.podIPs).map((p) => str(p.ip));
    return {
      'spec.nodeName': str(spec.nodeName),
      'spec.restartPolicy': str(spec.restartPolicy),
      'spec.schedulerName': str(spec.schedulerName),
      'spec.serviceAccountName': str(spec.serviceAccountName),
      'spec.hostNetwork': boolField(spec.hostNetwork),
      'status.phase': str(status.phase),
      // only the primary IP is selectable
      'status.podIP': str(ips[0]),
      'status.nominatedNodeName': str(status.nominatedNodeName),
    };
  },
};
