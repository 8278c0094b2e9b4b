/** The apps/v1 resource types. */
import type { ResourceType } from '../../types.js';
import { controllerrevisions } from './controllerrevisions.js';
import { daemonsets } from './daemonsets.js';
import { deployments } from './deployments.js';
import { replicasets } from './replicasets.js';
import { statefulsets } from './statefulsets.js';

export const appsTypes: ResourceType[] = [
  deployments,
  replicasets,
  statefulsets,
  daemonsets,
  controllerrevisions,
];
