/**
 * apps message tables. Field numbers: kubernetes/api apps/v1 generated.proto;
 * JSON names and zero-value rules: the Go json tags in its types.go. Notation: ../schema.ts.
 */
import type { SchemaTable } from '../schema.js';

export const apps: SchemaTable = {
  DaemonSet: '1:metadata:meta.ObjectMeta 2:spec:DaemonSetSpec 3:status:DaemonSetStatus',
  DaemonSetCondition: '1:type! 2:status! 3:lastTransitionTime:time 4:reason 5:message',
  DaemonSetSpec: [
    '1:selector:meta.LabelSelector 2:template:core.PodTemplateSpec',
    '3:updateStrategy:DaemonSetUpdateStrategy 4:minReadySeconds:int 6:revisionHistoryLimit:int!',
  ],
  DaemonSetStatus: [
    '1:currentNumberScheduled:int! 2:numberMisscheduled:int! 3:desiredNumberScheduled:int!',
    '4:numberReady:int! 5:observedGeneration:int64 6:updatedNumberScheduled:int 7:numberAvailable:int',
    '8:numberUnavailable:int 9:collisionCount:int! 10:conditions:DaemonSetCondition*',
  ],
  DaemonSetUpdateStrategy: '1:type 2:rollingUpdate:RollingUpdateDaemonSet',
  Deployment: '1:metadata:meta.ObjectMeta 2:spec:DeploymentSpec 3:status:DeploymentStatus',
  DeploymentCondition: [
    '1:type! 2:status! 4:reason 5:message 6:lastUpdateTime:time',
    '7:lastTransitionTime:time',
  ],
  DeploymentSpec: [
    '1:replicas:int! 2:selector:meta.LabelSelector 3:template:core.PodTemplateSpec',
    '4:strategy:DeploymentStrategy 5:minReadySeconds:int 6:revisionHistoryLimit:int! 7:paused:bool',
    '9:progressDeadlineSeconds:int!',
  ],
  DeploymentStatus: [
    '1:observedGeneration:int64 2:replicas:int 3:updatedReplicas:int 4:availableReplicas:int',
    '5:unavailableReplicas:int 6:conditions:DeploymentCondition* 7:readyReplicas:int',
    '8:collisionCount:int! 9:terminatingReplicas:int!',
  ],
  DeploymentStrategy: '1:type 2:rollingUpdate:RollingUpdateDeployment',
  ReplicaSet: '1:metadata:meta.ObjectMeta 2:spec:ReplicaSetSpec 3:status:ReplicaSetStatus',
  ReplicaSetCondition: '1:type! 2:status! 3:lastTransitionTime:time 4:reason 5:message',
  ReplicaSetSpec: [
    '1:replicas:int! 2:selector:meta.LabelSelector 3:template:core.PodTemplateSpec',
    '4:minReadySeconds:int',
  ],
  ReplicaSetStatus: [
    '1:replicas:int! 2:fullyLabeledReplicas:int 3:observedGeneration:int64 4:readyReplicas:int',
    '5:availableReplicas:int 6:conditions:ReplicaSetCondition* 7:terminatingReplicas:int!',
  ],
  RollingUpdateDaemonSet: '1:maxUnavailable:intOrString 2:maxSurge:intOrString',
  RollingUpdateDeployment: '1:maxUnavailable:intOrString 2:maxSurge:intOrString',
  RollingUpdateStatefulSetStrategy: '1:partition:int! 2:maxUnavailable:intOrString',
  StatefulSet: '1:metadata:meta.ObjectMeta 2:spec:StatefulSetSpec 3:status:StatefulSetStatus',
  StatefulSetCondition: '1:type! 2:status! 3:lastTransitionTime:time 4:reason 5:message',
  StatefulSetOrdinals: '1:start:int!',
  StatefulSetPersistentVolumeClaimRetentionPolicy: '1:whenDeleted 2:whenScaled',
  StatefulSetSpec: [
    '1:replicas:int! 2:selector:meta.LabelSelector 3:template:core.PodTemplateSpec',
    '4:volumeClaimTemplates:core.PersistentVolumeClaim* 5:serviceName! 6:podManagementPolicy',
    '7:updateStrategy:StatefulSetUpdateStrategy 8:revisionHistoryLimit:int! 9:minReadySeconds:int',
    '10:persistentVolumeClaimRetentionPolicy:StatefulSetPersistentVolumeClaimRetentionPolicy',
    '11:ordinals:StatefulSetOrdinals',
  ],
  StatefulSetStatus: [
    '1:observedGeneration:int64 2:replicas:int! 3:readyReplicas:int 4:currentReplicas:int',
    '5:updatedReplicas:int 6:currentRevision 7:updateRevision 9:collisionCount:int!',
    '10:conditions:StatefulSetCondition* 11:availableReplicas:int!',
  ],
  StatefulSetUpdateStrategy: '1:type 2:rollingUpdate:RollingUpdateStatefulSetStrategy',
};
