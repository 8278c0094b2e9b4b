/**
 * Service validation of kube-apiserver v1.32 (pkg/apis/core/validation ValidateService,
 * validateServicePort, ValidateServiceClusterIPsRelatedFields, ValidateServiceUpdate): the
 * checks a user can trip with a manifest, worded as the server words them.
 */
import type { JsonObject, JsonValue } from '../../../../core/index.js';
import type { FieldCause } from '../../types.js';
import {
  duplicate,
  forbidden,
  goQuote,
  invalid,
  ipFamily,
  isDns1123Label,
  isDns1123Subdomain,
  isQualifiedName,
  isValidPortName,
  isValidPortNum,
  nameIsDns1035Label,
  notSupported,
  required,
  str,
  validateLabels,
  validateObjectMeta,
} from '../validation.js';
import { externallyAccessible, isHeadless } from './service-defaults.js';
import { arr, obj, objs } from './util.js';

const serviceTypes = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const protocols = ['SCTP', 'TCP', 'UDP'];

// Go's %#v of the core.ServicePort key the server reports for a duplicate port
function servicePortStruct(protocol: string, port: JsonValue | undefined): string {
  return `core.ServicePort{Name:"", Protocol:${goQuote(protocol)}, AppProtocol:(*string)(nil), Port:${Number(port ?? 0)}, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}`;
}

function validatePort(
  port: JsonObject,
  path: string,
  requireName: boolean,
  names: Set<string>,
): FieldCause[] {
  const out: FieldCause[] = [];
  const name = str(port.name);
  if (requireName && !name) out.push(required(`${path}.name`));
  else if (name) {
    for (const m of isDns1123Label(name)) out.push(invalid(`${path}.name`, name, m));
    if (names.has(name)) out.push(duplicate(`${path}.name`, name));
    else names.add(name);
  }
  const num = typeof port.port === 'number' ? port.port : 0;
  for (const m of isValidPortNum(num)) out.push(invalid(`${path}.port`, num, m));
  const protocol = str(port.protocol);
  if (!protocol) out.push(required(`${path}.protocol`));
  else if (!protocols.includes(protocol)) out.push(notSupported(`${path}.protocol`, protocol, protocols));
  const target = port.targetPort;
  if (typeof target === 'string') {
    for (const m of isValidPortName(target)) out.push(invalid(`${path}.targetPort`, target, m));
  } else {
    const t = typeof target === 'number' ? target : 0;
    for (const m of isValidPortNum(t)) out.push(invalid(`${path}.targetPort`, t, m));
  }
  if (typeof port.appProtocol === 'string')
    for (const m of isQualifiedName(port.appProtocol))
      out.push(invalid(`${path}.appProtocol`, port.appProtocol, m));
  return out;
}

// clusterIP / clusterIPs / ipFamilies / ipFamilyPolicy must agree with each other
function validateClusterIps(spec: JsonObject): FieldCause[] {
  const out: FieldCause[] = [];
  const ips = arr(spec.clusterIPs).map(String);
  const clusterIP = str(spec.clusterIP);
  if (clusterIP && ips[0] !== clusterIP)
    out.push(invalid('spec.clusterIPs', ips, 'first value must match `clusterIP`'));
  if (spec.type === 'ExternalName') return out;
  ips.forEach((ip, i) => {
    if (i === 0 && ip === 'None') {
      if (ips.length > 1)
        out.push(invalid('spec.clusterIPs', ips, "'None' must be the first and only value"));
      return;
    }
    if (!ipFamily(ip))
      out.push(
        invalid(`spec.clusterIPs[${i}]`, ip, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'),
      );
  });
  const policy = str(spec.ipFamilyPolicy);
  const policies = ['PreferDualStack', 'RequireDualStack', 'SingleStack'];
  if (policy && !policies.includes(policy)) out.push(notSupported('spec.ipFamilyPolicy', policy, policies));
  const families = arr(spec.ipFamilies).map(String);
  const seen = new Set<string>();
  families.forEach((f, i) => {
    if (f !== 'IPv4' && f !== 'IPv6') out.push(notSupported(`spec.ipFamilies[${i}]`, f, ['IPv4', 'IPv6']));
    else if (seen.has(f)) out.push(duplicate(`spec.ipFamilies[${i}]`, f));
    seen.add(f);
  });
  if (policy === 'SingleStack' && families.length > 1)
    out.push(
      invalid(
        'spec.ipFamilies',
        families,
        'when spec.ipFamilyPolicy is SingleStack, only one ipFamily is allowed',
      ),
    );
  return out;
}

/** The primary cluster IP may never change, except to or from ExternalName. */
function validateClusterIpUpdate(spec: JsonObject, oldSpec: JsonObject): FieldCause[] {
  if (spec.type === 'ExternalName' || oldSpec.type === 'ExternalName') return [];
  if (isHeadless(spec) && isHeadless(oldSpec)) return [];
  const ips = arr(spec.clusterIPs).map(String);
  const oldIps = arr(oldSpec.clusterIPs).map(String);
  if (oldIps.length > 0 && ips.length === 0)
    return [invalid('spec.clusterIPs[0]', ips, 'primary clusterIP can not be unset')];
  if (oldIps.length > 0 && ips[0] !== oldIps[0])
    return [invalid('spec.clusterIPs[0]', ips, 'may not change once set')];
  return [];
}

/** ValidateService, plus ValidateServiceUpdate's immutability rules when `old` is set. */
export function validateService(svc: JsonObject, old?: JsonObject): FieldCause[] {
  const out = validateObjectMeta(svc, { namespaced: true, nameFn: nameIsDns1035Label }, old);
  const spec = obj(svc.spec) ?? {};
  const type = str(spec.type);
  const ports = objs(spec.ports);
  const headless = isHeadless(spec);
  if (old) out.push(...validateClusterIpUpdate(spec, obj(old.spec) ?? {}));

  if (ports.length === 0 && !headless && type !== 'ExternalName') out.push(required('spec.ports'));
  if ((type === 'LoadBalancer' || type === 'NodePort') && headless)
    out.push(invalid('spec.clusterIPs[0]', 'None', `may not be set to 'None' for ${type} services`));
  if (type === 'ExternalName') {
    if (arr(spec.clusterIPs).length > 0)
      out.push(forbidden('spec.clusterIPs', 'may not be set for ExternalName services'));
    if (arr(spec.ipFamilies).length > 0)
      out.push(forbidden('spec.ipFamilies', 'may not be set for ExternalName services'));
    if (spec.ipFamilyPolicy)
      out.push(forbidden('spec.ipFamilyPolicy', 'may not be set for ExternalName services'));
    // a CNAME may end in a dot to mark it fully qualified
    const cname = str(spec.externalName).replace(/\.$/, '');
    if (cname) for (const m of isDns1123Subdomain(cname)) out.push(invalid('spec.externalName', cname, m));
    else out.push(required('spec.externalName'));
  }
  const names = new Set<string>();
  ports.forEach((p, i) => out.push(...validatePort(p, `spec.ports[${i}]`, ports.length > 1, names)));
  if (spec.selector) out.push(...validateLabels(spec.selector, 'spec.selector'));

  const affinity = str(spec.sessionAffinity);
  if (!affinity) out.push(required('spec.sessionAffinity'));
  else if (affinity !== 'ClientIP' && affinity !== 'None')
    out.push(notSupported('spec.sessionAffinity', affinity, ['ClientIP', 'None']));
  if (affinity === 'None' && spec.sessionAffinityConfig)
    out.push(forbidden('spec.sessionAffinityConfig', 'must not be set when session affinity is None'));
  if (affinity === 'ClientIP') {
    const timeout = obj(obj(spec.sessionAffinityConfig)?.clientIP)?.timeoutSeconds;
    const t = typeof timeout === 'number' ? timeout : 0;
    if (t <= 0 || t > 86400)
      out.push(
        invalid(
          'spec.sessionAffinityConfig.clientIP.timeoutSeconds',
          t,
          'must be greater than 0 and less than 86400',
        ),
      );
  }
  out.push(...validateClusterIps(spec));
  arr(spec.externalIPs).forEach((ip, i) => {
    if (!ipFamily(String(ip)))
      out.push(
        invalid(
          `spec.externalIPs[${i}]`,
          ip,
          'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
        ),
      );
  });
  if (!type) out.push(required('spec.type'));
  else if (!serviceTypes.includes(type)) out.push(notSupported('spec.type', type, serviceTypes));
  if (type === 'ClusterIP')
    ports.forEach((p, i) => {
      if (p.nodePort)
        out.push(forbidden(`spec.ports[${i}].nodePort`, "may not be used when `type` is 'ClusterIP'"));
    });
  const nodePorts = new Set<string>();
  const keys = new Set<string>();
  ports.forEach((p, i) => {
    if (p.nodePort) {
      const key = `${str(p.protocol)}/${String(p.nodePort)}`;
      if (nodePorts.has(key)) out.push(duplicate(`spec.ports[${i}].nodePort`, p.nodePort));
      nodePorts.add(key);
    }
    const key = `${str(p.protocol)}/${String(p.port)}`;
    if (keys.has(key))
      out.push(duplicate(`spec.ports[${i}]`, null, servicePortStruct(str(p.protocol), p.port)));
    keys.add(key);
  });
  if (
    spec.allocateLoadBalancerNodePorts !== undefined &&
    spec.allocateLoadBalancerNodePorts !== null &&
    type !== 'LoadBalancer'
  )
    out.push(
      forbidden('spec.allocateLoadBalancerNodePorts', "may only be used when `type` is 'LoadBalancer'"),
    );
  out.push(...validateTrafficPolicies(spec));
  return out;
}

function validateTrafficPolicies(spec: JsonObject): FieldCause[] {
  const out: FieldCause[] = [];
  const external = str(spec.externalTrafficPolicy);
  if (!externallyAccessible(spec)) {
    if (external)
      out.push(
        invalid('spec.externalTrafficPolicy', external, 'may only be set for externally-accessible services'),
      );
  } else if (!external) out.push(required('spec.externalTrafficPolicy'));
  else if (external !== 'Cluster' && external !== 'Local')
    out.push(notSupported('spec.externalTrafficPolicy', external, ['Cluster', 'Local']));
  // apiservice.NeedsHealthCheck: the API server allocates the port, so it is always set by now
  const healthCheck = typeof spec.healthCheckNodePort === 'number' ? spec.healthCheckNodePort : 0;
  if (spec.type === 'LoadBalancer' && external === 'Local') {
    if (healthCheck <= 0)
      out.push(required('spec.healthCheckNodePort', "must be set when externalTrafficPolicy is 'Local'"));
  } else if (healthCheck !== 0)
    out.push(
      invalid(
        'spec.healthCheckNodePort',
        healthCheck,
        "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
      ),
    );
  const internal = spec.internalTrafficPolicy;
  if (
    (internal === undefined || internal === null) &&
    ['ClusterIP', 'NodePort', 'LoadBalancer'].includes(str(spec.type))
  )
    out.push(required('spec.internalTrafficPolicy'));
  if (typeof internal === 'string' && internal !== 'Cluster' && internal !== 'Local')
    out.push(notSupported('spec.internalTrafficPolicy', internal, ['Cluster', 'Local']));
  const distribution = spec.trafficDistribution;
  if (typeof distribution === 'string' && distribution !== 'PreferClose')
    out.push(notSupported('spec.trafficDistribution', distribution, ['PreferClose']));
  return out;
}
