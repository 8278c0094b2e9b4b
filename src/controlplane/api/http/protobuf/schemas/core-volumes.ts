/**
 * core message tables. Field numbers: kubernetes/api core/v1 generated.proto;
 * JSON names and zero-value rules: the Go json tags in its types.go. Notation: ../schema.ts.
 */
import type { SchemaTable } from '../schema.js';

export const coreVolumes: SchemaTable = {
  CSIVolumeSource: [
    '1:driver! 2:readOnly:bool! 3:fsType! 4:volumeAttributes:{string}',
    '5:nodePublishSecretRef:LocalObjectReference',
  ],
  ClusterTrustBundleProjection: [
    '1:name! 2:signerName! 3:labelSelector:meta.LabelSelector',
    '4:path! 5:optional:bool! 6:user:int64!',
  ],
  ConfigMapProjection: '1:...:LocalObjectReference 2:items:KeyToPath* 4:optional:bool!',
  ConfigMapVolumeSource: [
    '1:...:LocalObjectReference 2:items:KeyToPath* 3:defaultMode:int! 4:optional:bool!',
    '5:defaultUser:int64!',
  ],
  DownwardAPIProjection: '1:items:DownwardAPIVolumeFile*',
  DownwardAPIVolumeFile: [
    '1:path! 2:fieldRef:ObjectFieldSelector 3:resourceFieldRef:ResourceFieldSelector 4:mode:int!',
    '5:user:int64!',
  ],
  DownwardAPIVolumeSource: '1:items:DownwardAPIVolumeFile* 2:defaultMode:int! 3:defaultUser:int64!',
  EmptyDirVolumeSource: '1:medium 2:sizeLimit:quantity 3:mode:int!',
  EphemeralVolumeSource: '1:volumeClaimTemplate:PersistentVolumeClaimTemplate',
  HostPathVolumeSource: '1:path! 2:type!',
  ImageVolumeSource: '1:reference 2:pullPolicy',
  ImageVolumeStatus: '1:imageRef',
  KeyToPath: '1:key! 2:path! 3:mode:int! 4:user:int64!',
  ModifyVolumeStatus: '1:targetVolumeAttributesClassName 2:status!',
  NFSVolumeSource: '1:server! 2:path! 3:readOnly:bool',
  ObjectFieldSelector: '1:apiVersion 2:fieldPath!',
  PersistentVolumeClaim: [
    '1:metadata:meta.ObjectMeta 2:spec:PersistentVolumeClaimSpec',
    '3:status:PersistentVolumeClaimStatus',
  ],
  PersistentVolumeClaimCondition: [
    '1:type! 2:status! 3:lastProbeTime:time',
    '4:lastTransitionTime:time 5:reason 6:message',
  ],
  PersistentVolumeClaimSpec: [
    '1:accessModes* 2:resources:VolumeResourceRequirements 3:volumeName 4:selector:meta.LabelSelector',
    '5:storageClassName! 6:volumeMode! 7:dataSource:TypedLocalObjectReference',
    '8:dataSourceRef:TypedObjectReference 9:volumeAttributesClassName!',
  ],
  PersistentVolumeClaimStatus: [
    '1:phase 2:accessModes* 3:capacity:{quantity} 4:conditions:PersistentVolumeClaimCondition*',
    '5:allocatedResources:{quantity} 7:allocatedResourceStatuses:{string}',
    '8:currentVolumeAttributesClassName! 9:modifyVolumeStatus:ModifyVolumeStatus',
    '10:healthStatus:VolumeHealthStatus',
  ],
  PersistentVolumeClaimTemplate: '1:metadata:meta.ObjectMeta 2:spec:PersistentVolumeClaimSpec',
  PersistentVolumeClaimVolumeSource: '1:claimName! 2:readOnly:bool',
  PodCertificateProjection: [
    '1:signerName 2:keyType 3:maxExpirationSeconds:int64! 4:credentialBundlePath 5:keyPath',
    '6:certificateChainPath 7:userAnnotations:{string} 8:user:int64!',
  ],
  PodVolumeHealth: '1:name! 2:healthConditions:VolumeHealthCondition* 3:lastTransitionTime:time',
  ProjectedVolumeSource: '1:sources:VolumeProjection* 2:defaultMode:int! 3:defaultUser:int64!',
  ResourceFieldSelector: '1:containerName 2:resource! 3:divisor:quantity',
  SecretProjection: '1:...:LocalObjectReference 2:items:KeyToPath* 4:optional:bool!',
  SecretVolumeSource: [
    '1:secretName 2:items:KeyToPath* 3:defaultMode:int!',
    '4:optional:bool! 5:defaultUser:int64!',
  ],
  ServiceAccountTokenProjection: '1:audience 2:expirationSeconds:int64! 3:path! 4:user:int64!',
  TypedLocalObjectReference: '1:apiGroup! 2:kind! 3:name!',
  TypedObjectReference: '1:apiGroup! 2:kind! 3:name! 4:namespace!',
  Volume: '1:name! 2:...:VolumeSource',
  VolumeDevice: '1:name! 2:devicePath!',
  VolumeHealthCondition: '1:status! 2:reason! 3:message',
  VolumeHealthStatus: '1:healthConditions:VolumeHealthCondition* 2:lastTransitionTime:time',
  VolumeMount: [
    '1:name! 2:readOnly:bool 3:mountPath! 4:subPath 5:mountPropagation! 6:subPathExpr',
    '7:recursiveReadOnly! 8:bindMountOptions*',
  ],
  VolumeMountStatus: [
    '1:name! 2:mountPath! 3:readOnly:bool 4:recursiveReadOnly!',
    '5:volumeStatus:VolumeStatus',
  ],
  VolumeProjection: [
    '1:secret:SecretProjection 2:downwardAPI:DownwardAPIProjection 3:configMap:ConfigMapProjection',
    '4:serviceAccountToken:ServiceAccountTokenProjection',
    '5:clusterTrustBundle:ClusterTrustBundleProjection 6:podCertificate:PodCertificateProjection',
  ],
  VolumeResourceRequirements: '1:limits:{quantity} 2:requests:{quantity}',
  VolumeSource: [
    '1:hostPath:HostPathVolumeSource 2:emptyDir:EmptyDirVolumeSource 6:secret:SecretVolumeSource',
    '7:nfs:NFSVolumeSource 10:persistentVolumeClaim:PersistentVolumeClaimVolumeSource',
    '16:downwardAPI:DownwardAPIVolumeSource 19:configMap:ConfigMapVolumeSource',
    '26:projected:ProjectedVolumeSource 28:csi:CSIVolumeSource 29:ephemeral:EphemeralVolumeSource',
    '30:image:ImageVolumeSource',
  ],
  VolumeStatus: '1:image:ImageVolumeStatus',
};
