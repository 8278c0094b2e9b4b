/** The apiextensions.k8s.io/v1 resource types and the CRD machinery. */
import type { ResourceType } from '../../types.js';
import { customresourcedefinitions } from './customresourcedefinitions.js';

export {
  customresourcedefinitions,
  defaultCrd,
  establishedStatus,
  isCrdEstablished,
} from './customresourcedefinitions.js';
export { validateCrd } from './crd-validation.js';
export { applyDefaults, prune } from './structural.js';
export { validateSchema } from './schema-validate.js';
export { columnCell, evaluateJsonPath } from './json-path.js';

export const apiextensionsTypes: ResourceType[] = [customresourcedefinitions];
