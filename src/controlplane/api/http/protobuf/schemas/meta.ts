/**
 * meta message tables. Field numbers: kubernetes/apimachinery pkg/apis/meta/v1 generated.proto;
 * JSON names and zero-value rules: the Go json tags in its types.go. Notation: ../schema.ts.
 */
import type { SchemaTable } from '../schema.js';

export const meta: SchemaTable = {
  Condition: '1:type! 2:status! 3:observedGeneration:int64 4:lastTransitionTime:time 5:reason! 6:message!',
  DeleteOptions: [
    '1:gracePeriodSeconds:int64! 2:preconditions:Preconditions 3:orphanDependents:bool!',
    '4:propagationPolicy! 5:dryRun* 6:ignoreStoreReadErrorWithClusterBreakingPotential:bool!',
  ],
  LabelSelector: '1:matchLabels:{string} 2:matchExpressions:LabelSelectorRequirement*',
  LabelSelectorRequirement: '1:key! 2:operator! 3:values*',
  ManagedFieldsEntry: [
    '1:manager 2:operation 3:apiVersion 4:time:time 6:fieldsType',
    '7:fieldsV1:fieldsV1 8:subresource',
  ],
  ObjectMeta: [
    '1:name 2:generateName 3:namespace 4:selfLink 5:uid 6:resourceVersion 7:generation:int64',
    '8:creationTimestamp:time 9:deletionTimestamp:time 10:deletionGracePeriodSeconds:int64!',
    '11:labels:{string} 12:annotations:{string} 13:ownerReferences:OwnerReference* 14:finalizers*',
    '17:managedFields:ManagedFieldsEntry*',
  ],
  OwnerReference: '1:kind! 3:name! 4:uid! 5:apiVersion! 6:controller:bool! 7:blockOwnerDeletion:bool!',
  Preconditions: '1:uid! 2:resourceVersion!',
};
