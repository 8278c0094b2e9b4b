/** The core/v1 resource types ("" group) served by the embedded API server, as v1.32 discovery lists them. */
import type { ResourceType } from '../../types.js';
import { configMapType } from './configmap.js';
import { endpointsType } from './endpoints.js';
import { eventType } from './event.js';
import { limitRangeType } from './limit-range.js';
import { namespaceType } from './namespace.js';
import { nodeType } from './node.js';
import { persistentVolumeClaimType } from './persistent-volume-claim.js';
import { persistentVolumeType } from './persistent-volume.js';
import { podType } from './pod.js';
import { resourceQuotaType } from './resource-quota.js';
import { secretType } from './secret.js';
import { serviceAccountType } from './service-account.js';
import { serviceType } from './service.js';

/** All core/v1 types, in discovery order (alphabetical by resource). */
export const coreTypes: ResourceType[] = [
  configMapType,
  endpointsType,
  eventType,
  limitRangeType,
  namespaceType,
  nodeType,
  persistentVolumeClaimType,
  persistentVolumeType,
  podType,
  resourceQuotaType,
  secretType,
  serviceAccountType,
  serviceType,
];

export { podQosClass } from './pod-create.js';
export { printPod } from './pod-print.js';
export { formatEndpoints } from './endpoints.js';
