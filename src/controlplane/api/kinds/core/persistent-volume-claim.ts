/** core/v1 PersistentVolumeClaim: a pod's request for storage, bound to a PersistentVolume. */
import type { JsonObject } from '../../../../core/index.js';
import type { FieldCause, ResourceType } from '../../types.js';
import { age } from '../print-util.js';
import { deepEqual, forbidden, nameIsDnsSubdomain, notSupported, required, str } from '../validation.js';
import { validateCoreMeta } from './meta.js';
import { accessModes, storageClassOf, volumeModes } from './persistent-volume.js';
import { accessModesString, child, isDeleting, noGeneration, obj, quantityString } from './util.js';

// pkg/apis/core/validation ValidatePersistentVolumeClaimSpec, the parts a manifest trips
function validatePvcSpec(spec: JsonObject): FieldCause[] {
  const out: FieldCause[] = [];
  const modes = Array.isArray(spec.accessModes) ? spec.accessModes.map(String) : [];
  if (modes.length === 0) out.push(required('spec.accessModes', 'at least 1 access mode is required'));
  for (const m of modes)
    if (!accessModes.includes(m)) out.push(notSupported('spec.accessModes', m, accessModes));
  if (!('storage' in (obj(obj(spec.resources)?.requests) ?? {})))
    out.push(required('spec.resources[storage]'));
  const volumeMode = str(spec.volumeMode);
  if (volumeMode && !volumeModes.includes(volumeMode))
    out.push(notSupported('spec.volumeMode', volumeMode, volumeModes));
  return out;
}

/**
 * After creation only the storage request may change (to expand a bound claim), and
 * volumeName may be set once, by the binder (ValidatePersistentVolumeClaimUpdate).
 */
function validatePvcUpdate(pvc: JsonObject, old: JsonObject): FieldCause[] {
  const spec = structuredClone(obj(pvc.spec) ?? {});
  const oldSpec = structuredClone(obj(old.spec) ?? {});
  if (!str(oldSpec.volumeName)) {
    if ('volumeName' in spec) oldSpec.volumeName = spec.volumeName!;
    else delete oldSpec.volumeName;
  }
  // a bound claim may be expanded: compare everything but the storage request
  const requests = obj(obj(spec.resources)?.requests);
  if (obj(pvc.status)?.phase === 'Bound' && requests) {
    const oldStorage = obj(obj(oldSpec.resources)?.requests)?.storage;
    if (oldStorage === undefined) delete requests.storage;
    else requests.storage = oldStorage;
  }
  return deepEqual(spec, oldSpec)
    ? []
    : [forbidden('spec', 'spec is immutable after creation except resources.requests for bound claims')];
}

/** persistentvolumeclaims: status.phase Pending until bound. */
export const persistentVolumeClaimType: ResourceType = {
  group: '',
  version: 'v1',
  resource: 'persistentvolumeclaims',
  singular: 'persistentvolumeclaim',
  kind: 'PersistentVolumeClaim',
  listKind: 'PersistentVolumeClaimList',
  namespaced: true,
  shortNames: ['pvc'],
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  status: true,
  // SetDefaults_PersistentVolumeClaim and SetDefaults_PersistentVolumeClaimSpec
  defaults(pvc) {
    const spec = child(pvc, 'spec');
    if (!str(spec.volumeMode)) spec.volumeMode = 'Filesystem';
    const status = child(pvc, 'status');
    if (!str(status.phase)) status.phase = 'Pending';
  },
  validate(pvc, old) {
    const out = validateCoreMeta(pvc, true, nameIsDnsSubdomain, old);
    out.push(...validatePvcSpec(obj(pvc.spec) ?? {}));
    if (old) out.push(...validatePvcUpdate(pvc, old));
    return out;
  },
  specFields: noGeneration,
  printColumns: [
    { name: 'Name', type: 'string', format: 'name', priority: 0 },
    { name: 'Status', type: 'string', priority: 0 },
    { name: 'Volume', type: 'string', priority: 0 },
    { name: 'Capacity', type: 'string', priority: 0 },
    { name: 'Access Modes', type: 'string', priority: 0 },
    { name: 'StorageClass', type: 'string', priority: 0, description: 'StorageClass of the pvc' },
    {
      name: 'VolumeAttributesClass',
      type: 'string',
      priority: 0,
      description: 'VolumeAttributesClass of the pvc',
    },
    { name: 'Age', type: 'string', priority: 0 },
    { name: 'VolumeMode', type: 'string', priority: 1 },
  ],
  printRow(pvc, now) {
    const spec = obj(pvc.spec) ?? {};
    const status = obj(pvc.status) ?? {};
    // capacity and access modes are only shown once bound to a volume
    const volume = str(spec.volumeName);
    return [
      str(obj(pvc.metadata)?.name),
      isDeleting(pvc) ? 'Terminating' : str(status.phase),
      volume,
      volume ? quantityString(obj(status.capacity)?.storage) : '',
      volume ? accessModesString(status.accessModes) : '',
      storageClassOf(pvc),
      str(spec.volumeAttributesClassName) || '<unset>',
      age(pvc, now),
      str(spec.volumeMode) || '<unset>',
    ];
  },
};
