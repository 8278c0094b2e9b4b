/** networking.k8s.io/v1 IngressClass. */
import { isJsonObject, type JsonObject } from '../../../../core/index.js';
import type { FieldCause, ResourceType } from '../../types.js';
import { age, field } from '../print-util.js';
import { invalidValue, notSupported, required } from '../apps/field-errors.js';
import { VERBS, ageColumn, column, nameColumn, str } from '../apps/print.js';
import { immutableField } from '../apps/workload-validation.js';

function validate(obj: JsonObject, old?: JsonObject): FieldCause[] {
  const out: FieldCause[] = [];
  const controller = field(obj, 'spec.controller');
  if (typeof controller !== 'string' || controller === '') out.push(required('spec.controller'));
  else if (controller.length > 250)
    out.push(invalidValue('spec.controller', controller, 'must be no more than 250 characters'));
  const params = field(obj, 'spec.parameters');
  if (isJsonObject(params)) {
    if (!params.kind) out.push(required('spec.parameters.kind'));
    if (!params.name) out.push(required('spec.parameters.name'));
    if (params.scope !== 'Cluster' && params.scope !== 'Namespace')
      out.push(notSupported('spec.parameters.scope', params.scope, ['Cluster', 'Namespace']));
    if (params.scope === 'Namespace' && !params.namespace)
      out.push(required('spec.parameters.namespace', '`parameters.scope` is set to "Namespace"'));
  }
  if (old) out.push(...immutableField('spec.controller', controller, field(old, 'spec.controller')));
  return out;
}

/** ingressclasses.networking.k8s.io/v1 */
export const ingressclasses: ResourceType = {
  group: 'networking.k8s.io',
  version: 'v1',
  resource: 'ingressclasses',
  singular: 'ingressclass',
  kind: 'IngressClass',
  listKind: 'IngressClassList',
  namespaced: false,
  verbs: VERBS,
  // SetDefaults_IngressClass: parameters without a scope are cluster-scoped
  defaults: (obj) => {
    const params = field(obj, 'spec.parameters');
    if (isJsonObject(params) && (params.scope === undefined || params.scope === null))
      params.scope = 'Cluster';
  },
  validate,
  printColumns: [
    nameColumn,
    column('Controller', 'string', 'Controller that is responsible for handling this class'),
    column('Parameters', 'string', 'A reference to a resource with additional parameters'),
    ageColumn,
  ],
  printRow: (obj, now) => {
    const p = field(obj, 'spec.parameters');
    let parameters = '<none>';
    if (isJsonObject(p)) {
      parameters = String(p.kind ?? '');
      if (typeof p.apiGroup === 'string') parameters += `.${p.apiGroup}`;
      parameters += `/${String(p.name ?? '')}`;
    }
    return [str(obj, 'metadata.name'), str(obj, 'spec.controller'), parameters, age(obj, now)];
  },
};
