/** core/v1 Service: a stable virtual IP (or DNS name) in front of a set of pods. */
import type { JsonObject, JsonValue } from '../../../../core/index.js';
import type { ResourceType } from '../../types.js';
import { age } from '../print-util.js';
import { str } from '../validation.js';
import { defaultService } from './service-defaults.js';
import { validateService } from './service-validation.js';
import { arr, formatLabels, noGeneration, obj, objs } from './util.js';

// kubectl clips a LoadBalancer's address list to 16 characters unless wide; the server always
// prints wide (Table requests are rendered with Wide: true), so nothing is clipped here
function loadBalancerIps(svc: JsonObject): string {
  const seen = new Set<string>();
  for (const ing of objs(obj(obj(svc.status)?.loadBalancer)?.ingress)) {
    if (str(ing.ip)) seen.add(str(ing.ip));
    else if (str(ing.hostname)) seen.add(str(ing.hostname));
  }
  return [...seen].sort().join(',');
}

/** EXTERNAL-IP as printers.go getServiceExternalIP computes it. */
export function serviceExternalIp(svc: JsonObject): string {
  const spec = obj(svc.spec) ?? {};
  const externalIPs = arr(spec.externalIPs).map(String);
  switch (spec.type) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerIps(svc);
      if (externalIPs.length) return [...(lb ? lb.split(',') : []), ...externalIPs].join(',');
      return lb || '<pending>';
    }
    case 'ExternalName':
      return str(spec.externalName);
    default:
      return '<unknown>';
  }
}

/** PORT(S): `80/TCP`, or `80:30080/TCP` with a node port, comma-separated. */
export function servicePorts(spec: JsonObject): string {
  const pieces = objs(spec.ports).map((p) => {
    const port = typeof p.port === 'number' ? p.port : 0;
    const protocol = str(p.protocol);
    return typeof p.nodePort === 'number' && p.nodePort > 0
      ? `${port}:${p.nodePort}/${protocol}`
      : `${port}/${protocol}`;
  });
  return pieces.length ? pieces.join(',') : '<none>';
}

/** services: see above; status carries the load balancer's addresses. */
export const serviceType: ResourceType = {
  group: '',
  version: 'v1',
  resource: 'services',
  singular: 'service',
  kind: 'Service',
  listKind: 'ServiceList',
  namespaced: true,
  shortNames: ['svc'],
  categories: ['all'],
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  status: true,
  defaults: defaultService,
  validate: validateService,
  specFields: noGeneration,
  printColumns: [
    { name: 'Name', type: 'string', format: 'name', priority: 0 },
    { name: 'Type', type: 'string', priority: 0 },
    { name: 'Cluster-IP', type: 'string', priority: 0 },
    { name: 'External-IP', type: 'string', priority: 0 },
    { name: 'Port(s)', type: 'string', priority: 0 },
    { name: 'Age', type: 'string', priority: 0 },
    { name: 'Selector', type: 'string', priority: 1 },
  ],
  printRow(svc, now): JsonValue[] {
    const spec = obj(svc.spec) ?? {};
    const clusterIp = str(arr(spec.clusterIPs)[0] as string) || '<none>';
    return [
      str(obj(svc.metadata)?.name),
      str(spec.type),
      clusterIp,
      serviceExternalIp(svc),
      servicePorts(spec),
      age(svc, now),
      formatLabels(spec.selector),
    ];
  },
  // pkg/registry/core/service/strategy.go: spec.clusterIP and spec.type since v1.31
  selectableFields(svc) {
    const spec = obj(svc.spec) ?? {};
    return { 'spec.clusterIP': str(spec.clusterIP), 'spec.type': str(spec.type) };
  },
};
