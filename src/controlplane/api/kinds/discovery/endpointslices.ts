/** discovery.k8s.io/v1 EndpointSlice: defaults (SetDefaults_EndpointPort), validation, columns. */
import { isJsonObject, type JsonObject, type JsonValue } from '../../../../core/index.js';
import type { FieldCause, ResourceType } from '../../types.js';
import { age } from '../print-util.js';
import { notSupported, required, tooMany } from '../apps/field-errors.js';
import { VERBS, ageColumn, column, nameColumn, str } from '../apps/print.js';
import { immutableField } from '../apps/workload-validation.js';

const objects = (v: JsonValue | undefined): JsonObject[] => (Array.isArray(v) ? v.filter(isJsonObject) : []);

function defaults(obj: JsonObject): void {
  for (const port of objects(obj.ports)) {
    if (port.name === undefined || port.name === null) port.name = '';
    if (port.protocol === undefined || port.protocol === null) port.protocol = 'TCP';
  }
}

function validate(obj: JsonObject, old?: JsonObject): FieldCause[] {
  const out: FieldCause[] = [];
  const types = ['FQDN', 'IPv4', 'IPv6'];
  if (!obj.addressType) out.push(required('addressType'));
  else if (!types.includes(String(obj.addressType)))
    out.push(notSupported('addressType', obj.addressType, types));
  const endpoints = objects(obj.endpoints);
  if (endpoints.length > 1000) out.push(tooMany('endpoints', endpoints.length, 1000));
  endpoints.forEach((e, i) => {
    const addresses = Array.isArray(e.addresses) ? e.addresses : [];
    if (addresses.length === 0)
      out.push(required(`endpoints[${i}].addresses`, 'must contain at least 1 address'));
    if (addresses.length > 100) out.push(tooMany(`endpoints[${i}].addresses`, addresses.length, 100));
  });
  const ports = objects(obj.ports);
  if (ports.length > 100) out.push(tooMany('ports', ports.length, 100));
  ports.forEach((p, i) => {
    if (p.protocol && !['TCP', 'UDP', 'SCTP'].includes(String(p.protocol)))
      out.push(notSupported(`ports[${i}].protocol`, p.protocol, ['SCTP', 'TCP', 'UDP']));
  });
  if (old) out.push(...immutableField('addressType', obj.addressType, old.addressType));
  return out;
}

/** Up to three items, then `+ N more...`; `<unset>` when there are none (listWithMoreString). */
function listWithMore(items: string[]): string {
  if (items.length === 0) return '<unset>';
  return items.length > 3 ? `${items.slice(0, 3).join(',')} + ${items.length - 3} more...` : items.join(',');
}

/** endpointslices.discovery.k8s.io/v1 */
export const endpointslices: ResourceType = {
  group: 'discovery.k8s.io',
  version: 'v1',
  resource: 'endpointslices',
  singular: 'endpointslice',
  kind: 'EndpointSlice',
  listKind: 'EndpointSliceList',
  namespaced: true,
  verbs: VERBS,
  defaults,
  validate,
  printColumns: [
    nameColumn,
    column(
      'AddressType',
      'string',
      'addressType specifies the type of address carried by this EndpointSlice. All addresses in this slice must be the same type. This field is immutable after creation. The following address types are currently supported: * IPv4: Represents an IPv4 Address. * IPv6: Represents an IPv6 Address. * FQDN: Represents a Fully Qualified Domain Name.',
    ),
    column(
      'Ports',
      'string',
      'ports specifies the list of network ports exposed by each endpoint in this slice. Each port must have a unique name. When ports is empty, it indicates that there are no defined ports. When a port is defined with a nil port value, it indicates "all ports". Each slice may include a maximum of 100 ports.',
    ),
    column(
      'Endpoints',
      'string',
      'endpoints is a list of unique endpoints in this slice. Each slice may include a maximum of 1000 endpoints.',
    ),
    ageColumn,
  ],
  printRow: (obj, now) => {
    const ports = objects(obj.ports).map((p) =>
      typeof p.port === 'number'
        ? String(p.port)
        : typeof p.name === 'string' && p.name !== ''
          ? p.name
          : '*',
    );
    const addresses = objects(obj.endpoints).flatMap((e) =>
      Array.isArray(e.addresses) ? e.addresses.map(String) : [],
    );
    return [
      str(obj, 'metadata.name'),
      str(obj, 'addressType'),
      listWithMore(ports),
      listWithMore(addresses),
      age(obj, now),
    ];
  },
};
