/**
 * policy message tables. Field numbers: kubernetes/api policy/v1 generated.proto;
 * JSON names and zero-value rules: the Go json tags in its types.go. Notation: ../schema.ts.
 */
import type { SchemaTable } from '../schema.js';

export const policy: SchemaTable = {
  PodDisruptionBudget: [
    '1:metadata:meta.ObjectMeta 2:spec:PodDisruptionBudgetSpec',
    '3:status:PodDisruptionBudgetStatus',
  ],
  PodDisruptionBudgetSpec: [
    '1:minAvailable:intOrString 2:selector:meta.LabelSelector 3:maxUnavailable:intOrString',
    '4:unhealthyPodEvictionPolicy!',
  ],
  PodDisruptionBudgetStatus: [
    '1:observedGeneration:int64 2:disruptedPods:{time} 3:disruptionsAllowed:int! 4:currentHealthy:int!',
    '5:desiredHealthy:int! 6:expectedPods:int! 7:conditions:meta.Condition*',
  ],
};
