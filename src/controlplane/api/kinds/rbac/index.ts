/** The rbac.authorization.k8s.io/v1 resource types. */
import type { ResourceType } from '../../types.js';
import { clusterrolebindings, clusterroles, rolebindings, roles } from './rbac.js';

export const rbacTypes: ResourceType[] = [roles, rolebindings, clusterroles, clusterrolebindings];
