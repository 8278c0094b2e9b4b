/** The policy/v1 resource types. */
import type { ResourceType } from '../../types.js';
import { poddisruptionbudgets } from './poddisruptionbudgets.js';

export const policyTypes: ResourceType[] = [poddisruptionbudgets];
