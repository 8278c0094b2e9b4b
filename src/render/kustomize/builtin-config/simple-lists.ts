/**
 * The short default lists of kustomize v5.5 (api/internal/konfig/builtinpluginconsts:
 * nameprefix, namesuffix, namespace, images, replicas).
 */
import type { FieldSpec } from '../types.js';
import { at } from './spec-helpers.js';

/** namePrefix: only the object's own name (the transformer skips some kinds itself). */
export const namePrefixSpecs = (): FieldSpec[] => [at('metadata/name')];

/** nameSuffix: as namePrefix. */
export const nameSuffixSpecs = (): FieldSpec[] => [at('metadata/name')];

/**
 * namespace: fields beyond `metadata/namespace` (which the transformer handles itself).
 * A Namespace object is renamed to the target namespace; the CRD's conversion webhook
 * service is moved without being created.
 */
export const namespaceSpecs = (): FieldSpec[] => [
  at('metadata/name', { kind: 'Namespace' }, true),
  at('spec/service/namespace', { group: 'apiregistration.k8s.io', kind: 'APIService' }, true),
  at('spec/conversion/webhook/clientConfig/service/namespace', {
    group: 'apiextensions.k8s.io',
    kind: 'CustomResourceDefinition',
  }),
];

/**
 * images: pod specs and pod templates. `create: true` is written here but the image
 * transformer never creates (it gives no CreateKind). kustomize's legacy image filter
 * also finds containers at any depth; these specs are what a `configurations:` file
 * extends.
 */
export const imagesSpecs = (): FieldSpec[] => [
  at('spec/containers[]/image', {}, true),
  at('spec/initContainers[]/image', {}, true),
  at('spec/template/spec/containers[]/image', {}, true),
  at('spec/template/spec/initContainers[]/image', {}, true),
];

/** replicas: the scalable workloads, by kind in any group. */
export const replicasSpecs = (): FieldSpec[] =>
  ['Deployment', 'ReplicationController', 'ReplicaSet', 'StatefulSet'].map((kind) =>
    at('spec/replicas', { kind }, true),
  );
