/** The coordination.k8s.io/v1 resource types. */
import type { ResourceType } from '../../types.js';
import { leases } from './leases.js';

export const coordinationTypes: ResourceType[] = [leases];
