/** policy/v1 PodDisruptionBudget: validation and `kubectl get` columns. */
import { isJsonObject, type JsonObject, type JsonValue } from '../../../../core/index.js';
import type { FieldCause, ResourceType } from '../../types.js';
import { age, field } from '../print-util.js';
import { invalidValue, notSupported } from '../apps/field-errors.js';
import { validateLabelSelector } from '../apps/label-selector.js';
import { VERBS, ageColumn, column, int, nameColumn, str } from '../apps/print.js';
import { intOrPercent } from '../apps/workload-validation.js';

function validate(obj: JsonObject): FieldCause[] {
  const spec = isJsonObject(obj.spec) ? obj.spec : {};
  const out: FieldCause[] = [];
  const has = (v: JsonValue | undefined) => v !== undefined && v !== null;
  if (has(spec.minAvailable) && has(spec.maxUnavailable))
    out.push(invalidValue('spec', spec, 'minAvailable and maxUnavailable cannot be both set'));
  out.push(
    ...intOrPercent('spec.minAvailable', spec.minAvailable),
    ...intOrPercent('spec.maxUnavailable', spec.maxUnavailable),
  );
  out.push(...validateLabelSelector(spec.selector, 'spec.selector'));
  const policy = spec.unhealthyPodEvictionPolicy;
  if (has(policy) && policy !== 'IfHealthyBudget' && policy !== 'AlwaysAllow')
    out.push(notSupported('spec.unhealthyPodEvictionPolicy', policy, ['AlwaysAllow', 'IfHealthyBudget']));
  return out;
}

const intOrString = (v: JsonValue | undefined) => (v === undefined || v === null ? 'N/A' : String(v));

/** poddisruptionbudgets.policy/v1 */
export const poddisruptionbudgets: ResourceType = {
  group: 'policy',
  version: 'v1',
  resource: 'poddisruptionbudgets',
  singular: 'poddisruptionbudget',
  kind: 'PodDisruptionBudget',
  listKind: 'PodDisruptionBudgetList',
  namespaced: true,
  shortNames: ['pdb'],
  verbs: VERBS,
  status: true,
  // PodDisruptionBudgetStatus's counters are not omitempty: a new PDB shows them as 0
  defaults: (obj) => {
    if (!isJsonObject(obj.status)) obj.status = {};
    const status = obj.status as JsonObject;
    for (const k of ['currentHealthy', 'desiredHealthy', 'disruptionsAllowed', 'expectedPods'])
      status[k] ??= 0;
  },
  validate,
  printColumns: [
    nameColumn,
    column('Min Available', 'string', 'The minimum number of pods that must be available.'),
    column('Max Unavailable', 'string', 'The maximum number of pods that may be unavailable.'),
    column('Allowed Disruptions', 'integer', 'Calculated number of pods that may be disrupted at this time.'),
    ageColumn,
  ],
  printRow: (obj, now) => [
    str(obj, 'metadata.name'),
    intOrString(field(obj, 'spec.minAvailable')),
    intOrString(field(obj, 'spec.maxUnavailable')),
    int(obj, 'status.disruptionsAllowed'),
    age(obj, now),
  ],
};
