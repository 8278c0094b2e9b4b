/**
 * core message tables. Field numbers: kubernetes/api core/v1 generated.proto;
 * JSON names and zero-value rules: the Go json tags in its types.go. Notation: ../schema.ts.
 */
import type { SchemaTable } from '../schema.js';

export const core: SchemaTable = {
  ClientIPConfig: '1:timeoutSeconds:int!',
  ConfigMap: '1:metadata:meta.ObjectMeta 2:data:{string} 3:binaryData:{bytes} 4:immutable:bool!',
  LoadBalancerIngress: '1:ip 2:hostname 3:ipMode! 4:ports:PortStatus*',
  LoadBalancerStatus: '1:ingress:LoadBalancerIngress*',
  LocalObjectReference: '1:name',
  Namespace: '1:metadata:meta.ObjectMeta 2:spec:NamespaceSpec 3:status:NamespaceStatus',
  NamespaceCondition: '1:type! 2:status! 4:lastTransitionTime:time 5:reason 6:message',
  NamespaceSpec: '1:finalizers*',
  NamespaceStatus: '1:phase 2:conditions:NamespaceCondition*',
  NodeAllocatableMappedResources: '1:name! 2:quantity:quantity',
  NodeAllocatableOverheadResources: '1:name! 2:perPod:quantity 3:perContainer:quantity',
  NodeAllocatableResourceClaimStatus: [
    '1:resourceClaimName! 2:containers* 4:mapping:NodeAllocatableMappedResources*',
    '5:overhead:NodeAllocatableOverheadResources*',
  ],
  ObjectReference: '1:kind 2:namespace 3:name 4:uid 5:apiVersion 6:resourceVersion 7:fieldPath',
  PortStatus: '1:port:int! 2:protocol! 3:error!',
  ResourceHealth: '1:resourceID! 2:health 6:message!',
  ResourceQuota: '1:metadata:meta.ObjectMeta 2:spec:ResourceQuotaSpec 3:status:ResourceQuotaStatus',
  ResourceQuotaSpec: '1:hard:{quantity} 2:scopes* 3:scopeSelector:ScopeSelector',
  ResourceQuotaStatus: '1:hard:{quantity} 2:used:{quantity}',
  ResourceStatus: '1:name! 2:resources:ResourceHealth*',
  ScopeSelector: '1:matchExpressions:ScopedResourceSelectorRequirement*',
  ScopedResourceSelectorRequirement: '1:scopeName! 2:operator! 3:values*',
  Secret: '1:metadata:meta.ObjectMeta 2:data:{bytes} 3:type 4:stringData:{string} 5:immutable:bool!',
  Service: '1:metadata:meta.ObjectMeta 2:spec:ServiceSpec 3:status:ServiceStatus',
  ServiceAccount: [
    '1:metadata:meta.ObjectMeta 2:secrets:ObjectReference* 3:imagePullSecrets:LocalObjectReference*',
    '4:automountServiceAccountToken:bool!',
  ],
  ServicePort: '1:name 2:protocol 3:port:int! 4:targetPort:intOrString 5:nodePort:int 6:appProtocol!',
  ServiceSpec: [
    '1:ports:ServicePort* 2:selector:{string} 3:clusterIP 4:type 5:externalIPs* 7:sessionAffinity',
    '8:loadBalancerIP 9:loadBalancerSourceRanges* 10:externalName 11:externalTrafficPolicy',
    '12:healthCheckNodePort:int 13:publishNotReadyAddresses:bool',
    '14:sessionAffinityConfig:SessionAffinityConfig 17:ipFamilyPolicy! 18:clusterIPs* 19:ipFamilies*',
    '20:allocateLoadBalancerNodePorts:bool! 21:loadBalancerClass! 22:internalTrafficPolicy!',
    '23:trafficDistribution!',
  ],
  ServiceStatus: '1:loadBalancer:LoadBalancerStatus 2:conditions:meta.Condition*',
  SessionAffinityConfig: '1:clientIP:ClientIPConfig',
};
