/** core/v1 Endpoints: the addresses behind a Service, written by the endpoints controller. */
import type { JsonObject } from '../../../../core/index.js';
import type { FieldCause, ResourceType } from '../../types.js';
import { age } from '../print-util.js';
import {
  invalid,
  ipFamily,
  isDns1123Label,
  isValidPortNum,
  nameIsDnsSubdomain,
  notSupported,
  required,
  str,
} from '../validation.js';
import { validateCoreMeta } from './meta.js';
import { noGeneration, obj, objs } from './util.js';

const protocols = ['SCTP', 'TCP', 'UDP'];

// pkg/apis/core/validation validateEndpointSubsets (addresses and ports)
function validateSubsets(ep: JsonObject): FieldCause[] {
  const out: FieldCause[] = [];
  objs(ep.subsets).forEach((ss, i) => {
    const path = `subsets[${i}]`;
    for (const key of ['addresses', 'notReadyAddresses'])
      objs(ss[key]).forEach((a, j) => {
        const ip = str(a.ip);
        if (!ipFamily(ip))
          out.push(
            invalid(
              `${path}.${key}[${j}].ip`,
              ip,
              'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
            ),
          );
        if (str(a.hostname))
          for (const m of isDns1123Label(str(a.hostname)))
            out.push(invalid(`${path}.${key}[${j}].hostname`, str(a.hostname), m));
      });
    const ports = objs(ss.ports);
    ports.forEach((p, j) => {
      const pp = `${path}.ports[${j}]`;
      const name = str(p.name);
      if (ports.length > 1 && !name) out.push(required(`${pp}.name`));
      else if (name) for (const m of isDns1123Label(name)) out.push(invalid(`${pp}.name`, name, m));
      const num = typeof p.port === 'number' ? p.port : 0;
      for (const m of isValidPortNum(num)) out.push(invalid(`${pp}.port`, num, m));
      const protocol = str(p.protocol);
      if (!protocol) out.push(required(`${pp}.protocol`));
      else if (!protocols.includes(protocol)) out.push(notSupported(`${pp}.protocol`, protocol, protocols));
    });
  });
  return out;
}

/**
 * ENDPOINTS: up to three `ip:port` pairs (every address × every port), then "+ N more...";
 * `<none>` without subsets (printers.go formatEndpoints).
 */
export function formatEndpoints(ep: JsonObject): string {
  const subsets = objs(ep.subsets);
  if (subsets.length === 0) return '<none>';
  const max = 3;
  const list: string[] = [];
  let count = 0;
  for (const ss of subsets) {
    const addresses = objs(ss.addresses).map((a) => str(a.ip));
    const ports = objs(ss.ports);
    // headless services may have no ports: list the bare addresses
    const pairs =
      ports.length === 0 ? addresses : ports.flatMap((p) => addresses.map((ip) => joinHostPort(ip, p.port)));
    count += pairs.length;
    for (const pair of pairs) if (list.length < max) list.push(pair);
  }
  const joined = list.join(',');
  return count > max ? `${joined} + ${count - max} more...` : joined;
}

function joinHostPort(ip: string, port: unknown): string {
  const p = typeof port === 'number' ? port : 0;
  return ip.includes(':') ? `[${ip}]:${p}` : `${ip}:${p}`;
}

/** endpoints: singular is also "endpoints". */
export const endpointsType: ResourceType = {
  group: '',
  version: 'v1',
  resource: 'endpoints',
  singular: 'endpoints',
  kind: 'Endpoints',
  listKind: 'EndpointsList',
  namespaced: true,
  shortNames: ['ep'],
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  // SetDefaults_Endpoints: ports default to TCP
  defaults(ep) {
    for (const ss of objs(ep.subsets))
      for (const p of objs(ss.ports)) if (!str(p.protocol)) p.protocol = 'TCP';
  },
  validate(ep, old) {
    return [...validateCoreMeta(ep, true, nameIsDnsSubdomain, old), ...validateSubsets(ep)];
  },
  specFields: noGeneration,
  printColumns: [
    { name: 'Name', type: 'string', format: 'name', priority: 0 },
    { name: 'Endpoints', type: 'string', priority: 0 },
    { name: 'Age', type: 'string', priority: 0 },
  ],
  printRow: (ep, now) => [str(obj(ep.metadata)?.name), formatEndpoints(ep), age(ep, now)],
};
