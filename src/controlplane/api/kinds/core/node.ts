/** core/v1 Node: a machine the kubelet registers; cluster-scoped. */
import type { JsonObject, JsonValue } from '../../../../core/index.js';
import type { FieldCause, ResourceType } from '../../types.js';
import { age } from '../print-util.js';
import {
  duplicate,
  goQuote,
  invalid,
  isQualifiedName,
  isValidLabelValue,
  nameIsDnsSubdomain,
  notSupported,
  required,
  str,
} from '../validation.js';
import { validateCoreMeta } from './meta.js';
import { boolField, noGeneration, obj, objs } from './util.js';

const taintEffects = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/**
 * spec.taints (validateNodeTaints). The server reports them under `metadata.taints[i]` —
 * ValidateNode passes the metadata path down — and Capstan keeps that quirk so messages match.
 */
function validateTaints(taints: JsonValue | undefined): FieldCause[] {
  const out: FieldCause[] = [];
  const seen = new Map<string, Set<string>>();
  objs(taints).forEach((t, i) => {
    const path = `metadata.taints[${i}]`;
    const key = str(t.key);
    const value = str(t.value);
    const effect = str(t.effect);
    for (const m of isQualifiedName(key)) out.push(invalid(`${path}.key`, key, m));
    const valueErrs = isValidLabelValue(value);
    if (valueErrs.length) out.push(invalid(`${path}.value`, value, valueErrs.join(';')));
    if (!effect) out.push(required(`${path}.effect`));
    else if (!taintEffects.includes(effect)) out.push(notSupported(`${path}.effect`, effect, taintEffects));
    const keys = seen.get(effect) ?? new Set<string>();
    if (keys.has(key)) {
      const shown = `core.Taint{Key:${goQuote(key)}, Value:${goQuote(value)}, Effect:${goQuote(effect)}, TimeAdded:<nil>}`;
      const cause = duplicate(path, null, shown);
      cause.message += ': taints must be unique by key and effect pair';
      out.push(cause);
      return;
    }
    keys.add(key);
    seen.set(effect, keys);
  });
  return out;
}

function nodeAddress(node: JsonObject, type: string): string {
  return str(objs(obj(node.status)?.addresses).find((a) => a.type === type)?.address) || '<none>';
}

/** ROLES from `node-role.kubernetes.io/<role>` labels and the older `kubernetes.io/role`. */
export function nodeRoles(node: JsonObject): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(obj(obj(node.metadata)?.labels) ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) {
      const role = k.slice('node-role.kubernetes.io/'.length);
      if (role) roles.add(role);
    } else if (k === 'kubernetes.io/role' && v) roles.add(String(v));
  }
  return [...roles].sort().join(',') || '<none>';
}

/** STATUS: Ready / NotReady / Unknown, plus SchedulingDisabled when cordoned. */
export function nodeStatus(node: JsonObject): string {
  const ready = objs(obj(node.status)?.conditions).find((c) => c.type === 'Ready');
  const status = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
  if (obj(node.spec)?.unschedulable === true) status.push('SchedulingDisabled');
  return status.join(',');
}

/** nodes: see above; status is written by the kubelet through nodes/status. */
export const nodeType: ResourceType = {
  group: '',
  version: 'v1',
  resource: 'nodes',
  singular: 'node',
  kind: 'Node',
  listKind: 'NodeList',
  namespaced: false,
  shortNames: ['no'],
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  status: true,
  // SetDefaults_NodeStatus: what is allocatable defaults to the whole capacity
  defaults(node) {
    const status = obj(node.status);
    if (status && obj(status.capacity) && !obj(status.allocatable))
      status.allocatable = structuredClone(status.capacity!);
  },
  validate(node, old) {
    const out = validateCoreMeta(node, false, nameIsDnsSubdomain, old);
    out.push(...validateTaints(obj(node.spec)?.taints));
    return out;
  },
  specFields: noGeneration,
  printColumns: [
    { name: 'Name', type: 'string', format: 'name', priority: 0 },
    { name: 'Status', type: 'string', priority: 0, description: 'The status of the node' },
    { name: 'Roles', type: 'string', priority: 0, description: 'The roles of the node' },
    { name: 'Age', type: 'string', priority: 0 },
    { name: 'Version', type: 'string', priority: 0 },
    { name: 'Internal-IP', type: 'string', priority: 1 },
    { name: 'External-IP', type: 'string', priority: 1 },
    { name: 'OS-Image', type: 'string', priority: 1 },
    { name: 'Kernel-Version', type: 'string', priority: 1 },
    { name: 'Container-Runtime', type: 'string', priority: 1 },
  ],
  printRow(node, now) {
    const info = obj(obj(node.status)?.nodeInfo) ?? {};
    return [
      str(obj(node.metadata)?.name),
      nodeStatus(node),
      nodeRoles(node),
      age(node, now),
      str(info.kubeletVersion),
      nodeAddress(node, 'InternalIP'),
      nodeAddress(node, 'ExternalIP'),
      str(info.osImage) || '<unknown>',
      str(info.kernelVersion) || '<unknown>',
      str(info.containerRuntimeVersion) || '<unknown>',
    ];
  },
  selectableFields: (node) => ({ 'spec.unschedulable': boolField(obj(node.spec)?.unschedulable) }),
};
