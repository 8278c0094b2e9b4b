/** The networking.k8s.io/v1 resource types. */
import type { ResourceType } from '../../types.js';
import { ingressclasses } from './ingressclasses.js';
import { ingresses } from './ingresses.js';
import { networkpolicies } from './networkpolicies.js';

export const networkingTypes: ResourceType[] = [ingresses, ingressclasses, networkpolicies];
