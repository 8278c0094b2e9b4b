/** Every built-in resource type the embedded API server serves. */
import type { ResourceType } from '../types.js';
import { coreTypes } from './core/index.js';
import { workloadTypes } from './workloads.js';

/** Groups whose objects have no metadata.generation on a real API server. */
const NO_GENERATION = new Set(['', 'rbac.authorization.k8s.io', 'coordination.k8s.io', 'discovery.k8s.io']);

export function builtinResourceTypes(): ResourceType[] {
  return [...coreTypes, ...workloadTypes].map((t) =>
    NO_GENERATION.has(t.group) && t.generation === undefined ? { ...t, generation: false } : t,
  );
}

export { resourceTypesFromCrd } from './crd.js';
