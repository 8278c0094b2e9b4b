/** networking.k8s.io/v1 NetworkPolicy: defaults (SetDefaults_NetworkPolicy), validation, columns. */
import { isJsonObject, type JsonObject, type JsonValue } from '../../../../core/index.js';
import type { FieldCause, ResourceType } from '../../types.js';
import { age, field } from '../print-util.js';
import { notSupported } from '../apps/field-errors.js';
import { formatLabelSelector, validateLabelSelector } from '../apps/label-selector.js';
import { VERBS, ageColumn, column, nameColumn, str } from '../apps/print.js';

function rules(spec: JsonObject, key: 'ingress' | 'egress'): JsonObject[] {
  return (Array.isArray(spec[key]) ? (spec[key] as JsonValue[]) : []).filter(isJsonObject);
}

function defaults(obj: JsonObject): void {
  if (!isJsonObject(obj.spec)) obj.spec = {};
  const spec = obj.spec as JsonObject;
  // podSelector is a struct, not a pointer: it always serializes, as {} when empty
  if (!isJsonObject(spec.podSelector)) spec.podSelector = {};
  for (const rule of [...rules(spec, 'ingress'), ...rules(spec, 'egress')])
    for (const port of Array.isArray(rule.ports) ? rule.ports : [])
      if (isJsonObject(port) && !port.protocol) port.protocol = 'TCP';
  // a policy without policyTypes isolates ingress, and egress too when it has egress rules
  if (!Array.isArray(spec.policyTypes) || spec.policyTypes.length === 0)
    spec.policyTypes = rules(spec, 'egress').length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
}

function validate(obj: JsonObject): FieldCause[] {
  const spec = isJsonObject(obj.spec) ? obj.spec : {};
  const out = validateLabelSelector(spec.podSelector, 'spec.podSelector');
  for (const key of ['ingress', 'egress'] as const)
    rules(spec, key).forEach((rule, i) => {
      const ports = Array.isArray(rule.ports) ? rule.ports : [];
      ports.forEach((p, j) => {
        if (isJsonObject(p) && p.protocol && !['TCP', 'UDP', 'SCTP'].includes(String(p.protocol)))
          out.push(
            notSupported(`spec.${key}[${i}].ports[${j}].protocol`, p.protocol, ['TCP', 'UDP', 'SCTP']),
          );
      });
      const peers = Array.isArray(rule[key === 'ingress' ? 'from' : 'to'])
        ? (rule[key === 'ingress' ? 'from' : 'to'] as JsonValue[])
        : [];
      peers.forEach((peer, j) => {
        if (!isJsonObject(peer)) return;
        const at = `spec.${key}[${i}].${key === 'ingress' ? 'from' : 'to'}[${j}]`;
        out.push(...validateLabelSelector(peer.podSelector, `${at}.podSelector`));
        out.push(...validateLabelSelector(peer.namespaceSelector, `${at}.namespaceSelector`));
      });
    });
  const types = Array.isArray(spec.policyTypes) ? spec.policyTypes : [];
  types.forEach((t, i) => {
    if (t !== 'Ingress' && t !== 'Egress')
      out.push(notSupported(`spec.policyTypes[${i}]`, t, ['Ingress', 'Egress']));
  });
  return out;
}

/** networkpolicies.networking.k8s.io/v1 */
export const networkpolicies: ResourceType = {
  group: 'networking.k8s.io',
  version: 'v1',
  resource: 'networkpolicies',
  singular: 'networkpolicy',
  kind: 'NetworkPolicy',
  listKind: 'NetworkPolicyList',
  namespaced: true,
  shortNames: ['netpol'],
  verbs: VERBS,
  defaults,
  validate,
  printColumns: [
    nameColumn,
    column(
      'Pod-Selector',
      'string',
      'podSelector selects the pods to which this NetworkPolicy object applies.',
    ),
    ageColumn,
  ],
  printRow: (obj, now) => [
    str(obj, 'metadata.name'),
    formatLabelSelector(field(obj, 'spec.podSelector') ?? {}),
    age(obj, now),
  ],
};
