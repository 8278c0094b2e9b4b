/** coordination.k8s.io/v1 Lease: leader election and node heartbeats. */
import { isJsonObject, type JsonObject } from '../../../../core/index.js';
import type { FieldCause, ResourceType } from '../../types.js';
import { age } from '../print-util.js';
import { invalidValue, nonNegative } from '../apps/field-errors.js';
import { VERBS, ageColumn, column, nameColumn, str } from '../apps/print.js';

function validate(obj: JsonObject): FieldCause[] {
  const spec = isJsonObject(obj.spec) ? obj.spec : {};
  const out: FieldCause[] = [];
  const d = spec.leaseDurationSeconds;
  if (d !== undefined && d !== null && !(typeof d === 'number' && d > 0))
    out.push(invalidValue('spec.leaseDurationSeconds', d, 'must be greater than 0'));
  out.push(...nonNegative('spec.leaseTransitions', spec.leaseTransitions));
  const strategy = spec.strategy;
  if (strategy !== undefined && strategy !== null && strategy !== 'OldestEmulationVersion')
    out.push(invalidValue('spec.strategy', strategy, 'must be OldestEmulationVersion'));
  return out;
}

/** leases.coordination.k8s.io/v1 */
export const leases: ResourceType = {
  group: 'coordination.k8s.io',
  version: 'v1',
  resource: 'leases',
  singular: 'lease',
  kind: 'Lease',
  listKind: 'LeaseList',
  namespaced: true,
  verbs: VERBS,
  validate,
  printColumns: [
    nameColumn,
    column(
      'Holder',
      'string',
      'holderIdentity contains the identity of the holder of a current lease. If Coordinated Leader Election is used, the holder identity must be equal to the elected LeaseCandidate.metadata.name field.',
    ),
    ageColumn,
  ],
  printRow: (obj, now) => [str(obj, 'metadata.name'), str(obj, 'spec.holderIdentity'), age(obj, now)],
};
