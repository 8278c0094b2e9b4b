/** The discovery.k8s.io/v1 resource types. */
import type { ResourceType } from '../../types.js';
import { endpointslices } from './endpointslices.js';

export const discoveryTypes: ResourceType[] = [endpointslices];
