/** core/v1 PersistentVolume: a piece of storage, cluster-scoped, bound to at most one claim. */
import type { JsonObject } from '../../../../core/index.js';
import type { FieldCause, ResourceType } from '../../types.js';
import { age } from '../print-util.js';
import { goValue, nameIsDnsSubdomain, notSupported, required, str } from '../validation.js';
import { validateCoreMeta } from './meta.js';
import { accessModesString, child, isDeleting, noGeneration, obj, quantityString } from './util.js';

/** The access modes and volume modes both volume kinds accept (sorted, as the server lists them). */
export const accessModes = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
export const volumeModes = ['Block', 'Filesystem'];

// the keys of PersistentVolumeSource: exactly one names where the data lives
const volumeSources = [
  'awsElasticBlockStore',
  'azureDisk',
  'azureFile',
  'cephfs',
  'cinder',
  'csi',
  'fc',
  'flexVolume',
  'flocker',
  'gcePersistentDisk',
  'glusterfs',
  'hostPath',
  'iscsi',
  'local',
  'nfs',
  'photonPersistentDisk',
  'portworxVolume',
  'quobyte',
  'rbd',
  'scaleIO',
  'storageos',
  'vsphereVolume',
];

/** The StorageClass of a volume or claim: the beta annotation wins over spec.storageClassName. */
export function storageClassOf(o: JsonObject): string {
  const annotation = obj(obj(o.metadata)?.annotations)?.['volume.beta.kubernetes.io/storage-class'];
  return typeof annotation === 'string' ? annotation : str(obj(o.spec)?.storageClassName);
}

// pkg/apis/core/validation ValidatePersistentVolumeSpec, the parts a manifest trips
function validatePvSpec(spec: JsonObject): FieldCause[] {
  const out: FieldCause[] = [];
  const modes = Array.isArray(spec.accessModes) ? spec.accessModes.map(String) : [];
  if (modes.length === 0) out.push(required('spec.accessModes'));
  for (const m of modes)
    if (!accessModes.includes(m)) out.push(notSupported('spec.accessModes', m, accessModes));
  const capacity = obj(spec.capacity) ?? {};
  if (Object.keys(capacity).length === 0) out.push(required('spec.capacity'));
  if (!('storage' in capacity) || Object.keys(capacity).length > 1)
    out.push({
      ...notSupported('spec.capacity', null, ['storage']),
      message: `Unsupported value: ${goValue(capacity)}: supported values: "storage"`,
    });
  const sources = volumeSources.filter((k) => obj(spec[k]));
  if (sources.length === 0) out.push(required('spec', 'must specify a volume type'));
  const policy = str(spec.persistentVolumeReclaimPolicy);
  const policies = ['Delete', 'Recycle', 'Retain'];
  if (policy && !policies.includes(policy))
    out.push(notSupported('spec.persistentVolumeReclaimPolicy', policy, policies));
  const volumeMode = str(spec.volumeMode);
  if (volumeMode && !volumeModes.includes(volumeMode))
    out.push(notSupported('spec.volumeMode', volumeMode, volumeModes));
  return out;
}

/** persistentvolumes: status.phase moves Pending → Available → Bound → Released. */
export const persistentVolumeType: ResourceType = {
  group: '',
  version: 'v1',
  resource: 'persistentvolumes',
  singular: 'persistentvolume',
  kind: 'PersistentVolume',
  listKind: 'PersistentVolumeList',
  namespaced: false,
  shortNames: ['pv'],
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  status: true,
  // SetDefaults_PersistentVolume
  defaults(pv) {
    const spec = child(pv, 'spec');
    if (!str(spec.persistentVolumeReclaimPolicy)) spec.persistentVolumeReclaimPolicy = 'Retain';
    if (!str(spec.volumeMode)) spec.volumeMode = 'Filesystem';
    const status = child(pv, 'status');
    if (!str(status.phase)) status.phase = 'Pending';
  },
  validate: (pv, old) => [
    ...validateCoreMeta(pv, false, nameIsDnsSubdomain, old),
    ...validatePvSpec(obj(pv.spec) ?? {}),
  ],
  specFields: noGeneration,
  printColumns: [
    { name: 'Name', type: 'string', format: 'name', priority: 0 },
    { name: 'Capacity', type: 'string', priority: 0 },
    { name: 'Access Modes', type: 'string', priority: 0 },
    { name: 'Reclaim Policy', type: 'string', priority: 0 },
    { name: 'Status', type: 'string', priority: 0 },
    { name: 'Claim', type: 'string', priority: 0 },
    { name: 'StorageClass', type: 'string', priority: 0, description: 'StorageClass of the pv' },
    {
      name: 'VolumeAttributesClass',
      type: 'string',
      priority: 0,
      description: 'VolumeAttributesClass of the pv',
    },
    { name: 'Reason', type: 'string', priority: 0 },
    { name: 'Age', type: 'string', priority: 0 },
    { name: 'VolumeMode', type: 'string', priority: 1 },
  ],
  printRow(pv, now) {
    const spec = obj(pv.spec) ?? {};
    const status = obj(pv.status) ?? {};
    const claimRef = obj(spec.claimRef);
    return [
      str(obj(pv.metadata)?.name),
      quantityString(obj(spec.capacity)?.storage),
      accessModesString(spec.accessModes),
      str(spec.persistentVolumeReclaimPolicy),
      isDeleting(pv) ? 'Terminating' : str(status.phase),
      claimRef ? `${str(claimRef.namespace)}/${str(claimRef.name)}` : '',
      storageClassOf(pv),
      str(spec.volumeAttributesClassName) || '<unset>',
      str(status.reason),
      age(pv, now),
      str(spec.volumeMode) || '<unset>',
    ];
  },
};
