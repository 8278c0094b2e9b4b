/**
 * scheduling message tables. Field numbers: kubernetes/api scheduling/v1 generated.proto;
 * JSON names and zero-value rules: the Go json tags in its types.go. Notation: ../schema.ts.
 */
import type { SchemaTable } from '../schema.js';

export const scheduling: SchemaTable = {
  PriorityClass: [
    '1:metadata:meta.ObjectMeta 2:value:int! 3:globalDefault:bool',
    '4:description 5:preemptionPolicy!',
  ],
};
