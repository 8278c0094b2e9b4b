/** Every built-in resource type the embedded API server serves. */
import type { ResourceType } from '../types.js';
import { coreTypes } from './core/index.js';
import { workloadTypes } from './workloads.js';

export function builtinResourceTypes(): ResourceType[] {
  return [...coreTypes, ...workloadTypes];
}

export { resourceTypesFromCrd } from './crd.js';
