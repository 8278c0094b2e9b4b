/** networking.k8s.io/v1 Ingress: validation of rules and backends, `kubectl get` columns. */
import { isJsonObject, type JsonObject, type JsonValue } from '../../../../core/index.js';
import type { FieldCause, ResourceType } from '../../types.js';
import { age, field } from '../print-util.js';
import { dns1123Subdomain, invalidValue, notSupported, required } from '../apps/field-errors.js';
import { VERBS, ageColumn, column, nameColumn, str } from '../apps/print.js';
import { isDns1123Subdomain, isValidPortName } from '../validation.js';

const PATH_TYPES = ['Exact', 'ImplementationSpecific', 'Prefix'];

function validateBackend(b: JsonValue | undefined, path: string): FieldCause[] {
  if (!isJsonObject(b)) return [];
  const out: FieldCause[] = [];
  const service = isJsonObject(b.service) ? b.service : undefined;
  const resource = isJsonObject(b.resource) ? b.resource : undefined;
  if (service && resource) out.push(invalidValue(path, '', 'cannot set both resource and service backends'));
  else if (!service && !resource) out.push(invalidValue(path, '', 'resource or service backend is required'));
  if (service) {
    if (!service.name) out.push(required(`${path}.service.name`));
    else out.push(...dns1123LabelLike(`${path}.service.name`, String(service.name)));
    const port = isJsonObject(service.port) ? service.port : {};
    const hasName = typeof port.name === 'string' && port.name !== '';
    const hasNumber = typeof port.number === 'number' && port.number !== 0;
    if (hasName && hasNumber)
      out.push(invalidValue(`${path}.service.port`, '', 'cannot set both port name & port number'));
    else if (hasName)
      for (const m of isValidPortName(String(port.name)))
        out.push(invalidValue(`${path}.service.port.name`, port.name, m));
    else if (hasNumber) {
      const n = port.number as number;
      if (!(n >= 1 && n <= 65535))
        out.push(invalidValue(`${path}.service.port.number`, n, 'must be between 1 and 65535, inclusive'));
    } else out.push(required(`${path}.service.port`, 'port name or number is required'));
  }
  if (resource) {
    if (!resource.kind) out.push(required(`${path}.resource.kind`));
    if (!resource.name) out.push(required(`${path}.resource.name`));
  }
  return out;
}

function dns1123LabelLike(path: string, name: string): FieldCause[] {
  // Service names are DNS-1035 labels; a subdomain check is what ValidateIngressBackend applies
  return isDns1123Subdomain(name).map((m) => invalidValue(path, name, m));
}

function validateHost(host: string, path: string): FieldCause[] {
  // a leading `*.` wildcard covers one DNS label
  const bare = host.startsWith('*.') ? host.slice(2) : host;
  if (host.includes('*') && !host.startsWith('*.'))
    return [
      invalidValue(
        path,
        host,
        "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      ),
    ];
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host) || host.includes(':'))
    return [invalidValue(path, host, 'must be a DNS name, not an IP address')];
  return isDns1123Subdomain(bare).map((m) => invalidValue(path, host, m));
}

function validate(obj: JsonObject): FieldCause[] {
  const spec = isJsonObject(obj.spec) ? obj.spec : {};
  const out: FieldCause[] = [];
  const rules = Array.isArray(spec.rules) ? spec.rules : [];
  if (spec.defaultBackend === undefined && rules.length === 0)
    out.push(invalidValue('spec', spec, 'either `defaultBackend` or `rules` must be specified'));
  if (spec.defaultBackend !== undefined)
    out.push(...validateBackend(spec.defaultBackend, 'spec.defaultBackend'));
  if (typeof spec.ingressClassName === 'string')
    out.push(...dns1123Subdomain('spec.ingressClassName', spec.ingressClassName));
  rules.forEach((rule, i) => {
    if (!isJsonObject(rule)) return;
    const at = `spec.rules[${i}]`;
    if (typeof rule.host === 'string' && rule.host !== '') out.push(...validateHost(rule.host, `${at}.host`));
    if (!isJsonObject(rule.http)) return;
    const paths = Array.isArray(rule.http.paths) ? rule.http.paths : [];
    if (paths.length === 0) out.push(required(`${at}.http.paths`));
    paths.forEach((p, j) => {
      if (!isJsonObject(p)) return;
      const pat = `${at}.http.paths[${j}]`;
      const pathType = p.pathType;
      if (pathType === undefined || pathType === null || pathType === '')
        out.push(required(`${pat}.pathType`, 'pathType must be specified'));
      else if (!PATH_TYPES.includes(String(pathType)))
        out.push(notSupported(`${pat}.pathType`, pathType, PATH_TYPES));
      const path = typeof p.path === 'string' ? p.path : '';
      if ((pathType === 'Exact' || pathType === 'Prefix') && !path.startsWith('/'))
        out.push(invalidValue(`${pat}.path`, path, 'must be an absolute path'));
      else if (pathType === 'ImplementationSpecific' && path !== '' && !path.startsWith('/'))
        out.push(invalidValue(`${pat}.path`, path, 'must be an absolute path'));
      if (pathType === 'Exact' || pathType === 'Prefix')
        for (const bad of ['//', '/./', '/../', '%2f', '%2F'])
          if (path.includes(bad)) out.push(invalidValue(`${pat}.path`, path, `must not contain '${bad}'`));
      if (!isJsonObject(p.backend)) out.push(required(`${pat}.backend`));
      else out.push(...validateBackend(p.backend, `${pat}.backend`));
    });
  });
  const tls = Array.isArray(spec.tls) ? spec.tls : [];
  tls.forEach((t, i) => {
    const hosts = isJsonObject(t) && Array.isArray(t.hosts) ? t.hosts : [];
    hosts.forEach((h, j) => out.push(...validateHost(String(h), `spec.tls[${i}].hosts[${j}]`)));
  });
  return out;
}

/** formatHosts: up to three hosts, `*` when none is named. */
function hosts(obj: JsonObject): string {
  const rules = field(obj, 'spec.rules');
  const list = (Array.isArray(rules) ? rules : []).filter(isJsonObject);
  const named: string[] = [];
  let more = false;
  for (const r of list) {
    if (named.length === 3) more = true;
    if (!more && typeof r.host === 'string' && r.host !== '') named.push(r.host);
  }
  if (named.length === 0) return '*';
  return more ? `${named.join(',')} + ${list.length - 3} more...` : named.join(',');
}

/** The ADDRESS cell: distinct IPs or hostnames, sorted (the server prints wide, unclipped). */
function address(obj: JsonObject): string {
  const ingress = field(obj, 'status.loadBalancer.ingress');
  const set = new Set<string>();
  for (const i of Array.isArray(ingress) ? ingress : [])
    if (isJsonObject(i)) {
      if (typeof i.ip === 'string' && i.ip) set.add(i.ip);
      else if (typeof i.hostname === 'string' && i.hostname) set.add(i.hostname);
    }
  return [...set].sort().join(',');
}

/** ingresses.networking.k8s.io/v1 */
export const ingresses: ResourceType = {
  group: 'networking.k8s.io',
  version: 'v1',
  resource: 'ingresses',
  singular: 'ingress',
  kind: 'Ingress',
  listKind: 'IngressList',
  namespaced: true,
  shortNames: ['ing'],
  verbs: VERBS,
  status: true,
  validate,
  printColumns: [
    nameColumn,
    column(
      'Class',
      'string',
      'The name of the IngressClass resource that should be used for additional configuration',
    ),
    column('Hosts', 'string', 'Hosts that incoming requests are matched against before the ingress rule'),
    column('Address', 'string', 'Address is a list containing ingress points for the load-balancer'),
    column('Ports', 'string', 'Ports of TLS configurations that open'),
    ageColumn,
  ],
  printRow: (obj, now) => {
    const cls = field(obj, 'spec.ingressClassName');
    const tls = field(obj, 'spec.tls');
    return [
      str(obj, 'metadata.name'),
      typeof cls === 'string' ? cls : '<none>',
      hosts(obj),
      address(obj),
      Array.isArray(tls) && tls.length > 0 ? '80, 443' : '80',
      age(obj, now),
    ];
  },
};
