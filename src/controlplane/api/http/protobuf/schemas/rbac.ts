/**
 * rbac message tables. Field numbers: kubernetes/api rbac/v1 generated.proto;
 * JSON names and zero-value rules: the Go json tags in its types.go. Notation: ../schema.ts.
 */
import type { SchemaTable } from '../schema.js';

export const rbac: SchemaTable = {
  AggregationRule: '1:clusterRoleSelectors:meta.LabelSelector*',
  ClusterRole: '1:metadata:meta.ObjectMeta 2:rules:PolicyRule* 3:aggregationRule:AggregationRule',
  ClusterRoleBinding: '1:metadata:meta.ObjectMeta 2:subjects:Subject* 3:roleRef:RoleRef',
  PolicyRule: '1:verbs* 2:apiGroups* 3:resources* 4:resourceNames* 5:nonResourceURLs*',
  Role: '1:metadata:meta.ObjectMeta 2:rules:PolicyRule*',
  RoleBinding: '1:metadata:meta.ObjectMeta 2:subjects:Subject* 3:roleRef:RoleRef',
  RoleRef: '1:apiGroup! 2:kind! 3:name!',
  Subject: '1:kind! 2:apiGroup 3:name! 4:namespace',
};
