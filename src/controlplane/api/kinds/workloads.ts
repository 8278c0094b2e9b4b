/** Every built-in resource type outside the core group: apps, batch, networking, RBAC, … and CRDs. */
import type { ResourceType } from '../types.js';
import { apiextensionsTypes } from './apiextensions/index.js';
import { appsTypes } from './apps/index.js';
import { autoscalingTypes } from './autoscaling/index.js';
import { batchTypes } from './batch/index.js';
import { coordinationTypes } from './coordination/index.js';
import { discoveryTypes } from './discovery/index.js';
import { networkingTypes } from './networking/index.js';
import { policyTypes } from './policy/index.js';
import { rbacTypes } from './rbac/index.js';

export const workloadTypes: ResourceType[] = [
  ...appsTypes,
  ...batchTypes,
  ...networkingTypes,
  ...rbacTypes,
  ...autoscalingTypes,
  ...policyTypes,
  ...coordinationTypes,
  ...discoveryTypes,
  ...apiextensionsTypes,
];
