/**
 * networking message tables. Field numbers: kubernetes/api networking/v1 generated.proto;
 * JSON names and zero-value rules: the Go json tags in its types.go. Notation: ../schema.ts.
 */
import type { SchemaTable } from '../schema.js';

export const networking: SchemaTable = {
  HTTPIngressPath: '1:path 2:backend:IngressBackend 3:pathType!',
  HTTPIngressRuleValue: '1:paths:HTTPIngressPath*',
  IPBlock: '1:cidr! 2:except*',
  Ingress: '1:metadata:meta.ObjectMeta 2:spec:IngressSpec 3:status:IngressStatus',
  IngressBackend: '3:resource:core.TypedLocalObjectReference 4:service:IngressServiceBackend',
  IngressClass: '1:metadata:meta.ObjectMeta 2:spec:IngressClassSpec',
  IngressClassParametersReference: '1:apiGroup! 2:kind! 3:name! 4:scope! 5:namespace!',
  IngressClassSpec: '1:controller 2:parameters:IngressClassParametersReference',
  IngressLoadBalancerIngress: '1:ip 2:hostname 4:ports:IngressPortStatus*',
  IngressLoadBalancerStatus: '1:ingress:IngressLoadBalancerIngress*',
  IngressPortStatus: '1:port:int! 2:protocol! 3:error!',
  IngressRule: '1:host 2:...:IngressRuleValue',
  IngressRuleValue: '1:http:HTTPIngressRuleValue',
  IngressServiceBackend: '1:name! 2:port:ServiceBackendPort',
  IngressSpec: [
    '1:defaultBackend:IngressBackend 2:tls:IngressTLS*',
    '3:rules:IngressRule* 4:ingressClassName!',
  ],
  IngressStatus: '1:loadBalancer:IngressLoadBalancerStatus',
  IngressTLS: '1:hosts* 2:secretName',
  NetworkPolicy: '1:metadata:meta.ObjectMeta 2:spec:NetworkPolicySpec',
  NetworkPolicyEgressRule: '1:ports:NetworkPolicyPort* 2:to:NetworkPolicyPeer*',
  NetworkPolicyIngressRule: '1:ports:NetworkPolicyPort* 2:from:NetworkPolicyPeer*',
  NetworkPolicyPeer: [
    '1:podSelector:meta.LabelSelector',
    '2:namespaceSelector:meta.LabelSelector 3:ipBlock:IPBlock',
  ],
  NetworkPolicyPort: '1:protocol! 2:port:intOrString 3:endPort:int!',
  NetworkPolicySpec: [
    '1:podSelector:meta.LabelSelector 2:ingress:NetworkPolicyIngressRule*',
    '3:egress:NetworkPolicyEgressRule* 4:policyTypes*',
  ],
  ServiceBackendPort: '1:name 2:number:int',
};
