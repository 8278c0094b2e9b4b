import test from 'ava';
import type { JsonObject } from '../../../../../src/core/index.js';
import { coreTypes } from '../../../../../src/controlplane/api/kinds/core/index.js';

const type = (resource: string) => coreTypes.find((t) => t.resource === resource)!;
// validation runs on defaulted objects, as in the real server
const check = (resource: string, obj: JsonObject, old?: JsonObject) => {
  const o = structuredClone(obj);
  type(resource).defaults?.(o);
  return type(resource).validate!(o, old);
};
const ns = (name: string, extra: JsonObject = {}): JsonObject => ({
  metadata: { name, namespace: 'default', ...extra },
});

test('names: subdomain, label and RFC 1035 wording', (t) => {
  t.deepEqual(check('configmaps', ns('Bad_Name')), [
    {
      reason: 'FieldValueInvalid',
      field: 'metadata.name',
      message:
        "Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    },
  ]);
  t.deepEqual(check('namespaces', { metadata: { name: 'a.b' } }), [
    {
      reason: 'FieldValueInvalid',
      field: 'metadata.name',
      message: 'Invalid value: "a.b": must not contain dots',
    },
  ]);
  const svc = check('services', { ...ns('1web'), spec: { ports: [{ port: 80 }] } });
  t.is(svc[0]!.field, 'metadata.name');
  t.true(
    svc[0]!.message.startsWith(
      'Invalid value: "1web": a DNS-1035 label must consist of lower case alphanumeric',
    ),
  );
  t.deepEqual(check('configmaps', { metadata: { namespace: 'default' } }), [
    {
      reason: 'FieldValueRequired',
      field: 'metadata.name',
      message: 'Required value: name or generateName is required',
    },
  ]);
  t.deepEqual(check('nodes', { metadata: { name: 'n', namespace: 'x' } }), [
    {
      reason: 'FieldValueForbidden',
      field: 'metadata.namespace',
      message: 'Forbidden: not allowed on this type',
    },
  ]);
  // generateName may end in '-'
  t.deepEqual(
    check('configmaps', { metadata: { generateName: 'cfg-', name: 'cfg-x1', namespace: 'd' } }),
    [],
  );
});

test('labels and annotations', (t) => {
  const long = 'a'.repeat(64);
  const causes = check('configmaps', ns('c', { labels: { 'bad key!': 'v', ok: long } }));
  t.deepEqual(
    causes.map((c) => c.field),
    ['metadata.labels', 'metadata.labels'],
  );
  t.true(
    causes[0]!.message.startsWith(
      `Invalid value: "bad key!": name part must consist of alphanumeric characters`,
    ),
  );
  t.is(causes[1]!.message, `Invalid value: "${long}": must be no more than 63 characters`);
  const big = check('configmaps', ns('c', { annotations: { a: 'x'.repeat(256 * 1024) } }));
  t.deepEqual(big, [
    {
      reason: 'FieldValueTooLong',
      field: 'metadata.annotations',
      message: 'Too long: may not be more than 262144 bytes',
    },
  ]);
  const prefix = check('configmaps', ns('c', { labels: { 'Example.com/x': 'v' } }));
  t.true(prefix[0]!.message.includes('prefix part a lowercase RFC 1123 subdomain'));
  const fin = check('configmaps', ns('c', { finalizers: ['kubernets'] }));
  t.is(
    fin[0]!.message,
    'Invalid value: "kubernets": name is neither a standard finalizer name nor is it fully qualified',
  );
});

test('service: ports, type, headless', (t) => {
  t.deepEqual(check('services', { ...ns('web'), spec: {} }), [
    { reason: 'FieldValueRequired', field: 'spec.ports', message: 'Required value' },
  ]);
  t.deepEqual(check('services', { ...ns('web'), spec: { clusterIP: 'None' } }), []);
  t.deepEqual(
    check('services', { ...ns('web'), spec: { type: 'ExternalName', externalName: 'db.example.com.' } }),
    [],
  );
  const bad = check('services', {
    ...ns('web'),
    spec: {
      type: 'Magic',
      ports: [
        { port: 0, protocol: 'HTTP' },
        { port: 80, name: 'Web' },
      ],
    },
  });
  t.deepEqual(
    bad.map((c) => [c.field, c.message]),
    [
      ['spec.ports[0].name', 'Required value'],
      ['spec.ports[0].port', 'Invalid value: 0: must be between 1 and 65535, inclusive'],
      ['spec.ports[0].protocol', 'Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"'],
      ['spec.ports[0].targetPort', 'Invalid value: 0: must be between 1 and 65535, inclusive'],
      [
        'spec.ports[1].name',
        "Invalid value: \"Web\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
      ],
      [
        'spec.type',
        'Unsupported value: "Magic": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
      ],
    ],
  );
  const dup = check('services', {
    ...ns('web'),
    spec: {
      ports: [
        { port: 80, name: 'a' },
        { port: 80, name: 'b' },
      ],
    },
  });
  t.is(dup[0]!.reason, 'FieldValueDuplicate');
  t.is(dup[0]!.field, 'spec.ports[1]');
  t.true(dup[0]!.message.startsWith('Duplicate value: core.ServicePort{Name:"", Protocol:"TCP"'));
  const np = check('services', { ...ns('web'), spec: { ports: [{ port: 80, nodePort: 30080 }] } });
  t.deepEqual(np, [
    {
      reason: 'FieldValueForbidden',
      field: 'spec.ports[0].nodePort',
      message: "Forbidden: may not be used when `type` is 'ClusterIP'",
    },
  ]);
});

test('service: clusterIP is immutable', (t) => {
  const old = {
    ...ns('web'),
    spec: { clusterIP: '10.0.0.1', clusterIPs: ['10.0.0.1'], ports: [{ port: 80 }] },
  };
  type('services').defaults!(old);
  const causes = check(
    'services',
    { ...ns('web'), spec: { clusterIP: '10.0.0.2', ports: [{ port: 80 }] } },
    old,
  );
  t.deepEqual(causes, [
    {
      reason: 'FieldValueInvalid',
      field: 'spec.clusterIPs[0]',
      message: 'Invalid value: []string{"10.0.0.2"}: may not change once set',
    },
  ]);
});

test('configmap: keys, size, immutable', (t) => {
  t.deepEqual(check('configmaps', { ...ns('c'), data: { 'bad/key': 'v', '..x': 'v' } }), [
    {
      reason: 'FieldValueInvalid',
      field: 'data[bad/key]',
      message:
        "Invalid value: \"bad/key\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
    },
    {
      reason: 'FieldValueInvalid',
      field: 'data[..x]',
      message: 'Invalid value: "..x": must not start with \'..\'',
    },
  ]);
  const big = check('configmaps', { ...ns('c'), data: { a: 'x'.repeat(1024 * 1024 + 1) } });
  t.deepEqual(big, [
    { reason: 'FieldValueTooLong', field: '', message: 'Too long: may not be more than 1048576 bytes' },
  ]);
  const old = { ...ns('c'), immutable: true, data: { a: '1' } };
  t.deepEqual(
    check('configmaps', { ...ns('c'), data: { a: '2' } }, old).map((c) => [c.field, c.message]),
    [
      ['immutable', 'Forbidden: field is immutable when `immutable` is set'],
      ['data', 'Forbidden: field is immutable when `immutable` is set'],
    ],
  );
  t.deepEqual(check('configmaps', { ...ns('c'), immutable: true, data: { a: '1' } }, old), []);
});

test('secret: base64, type rules, type immutable', (t) => {
  t.deepEqual(check('secrets', { ...ns('s'), data: { a: 'not base64!' } }), [
    {
      reason: 'FieldValueInvalid',
      field: 'data[a]',
      message: 'Invalid value: "<secret contents redacted>": illegal base64 data at input byte 3',
    },
  ]);
  t.deepEqual(
    check('secrets', { ...ns('s'), type: 'kubernetes.io/tls', data: {} }).map((c) => c.field),
    ['data[tls.crt]', 'data[tls.key]'],
  );
  const old = { ...ns('s'), type: 'Opaque' };
  t.deepEqual(
    check('secrets', { ...ns('s'), type: 'kubernetes.io/basic-auth', data: { username: 'YQ==' } }, old),
    [
      {
        reason: 'FieldValueInvalid',
        field: 'type',
        message: 'Invalid value: "kubernetes.io/basic-auth": field is immutable',
      },
    ],
  );
});

test('namespace finalizers and pvc rules', (t) => {
  t.deepEqual(check('namespaces', { metadata: { name: 'a' }, spec: { finalizers: ['foo'] } }), [
    {
      reason: 'FieldValueInvalid',
      field: 'spec.finalizers',
      message: 'Invalid value: "foo": name is neither a standard finalizer name nor is it fully qualified',
    },
  ]);
  t.deepEqual(
    check('persistentvolumeclaims', { ...ns('data'), spec: {} }).map((c) => [c.field, c.message]),
    [
      ['spec.accessModes', 'Required value: at least 1 access mode is required'],
      ['spec.resources[storage]', 'Required value'],
    ],
  );
  const pvc = {
    ...ns('data'),
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
  };
  const old = structuredClone(pvc) as JsonObject;
  type('persistentvolumeclaims').defaults!(old);
  const grown = structuredClone(old);
  ((grown.spec as JsonObject).resources as JsonObject).requests = { storage: '2Gi' };
  t.is(
    check('persistentvolumeclaims', grown, old)[0]?.message,
    'Forbidden: spec is immutable after creation except resources.requests for bound claims',
  );
  (grown.status as JsonObject).phase = 'Bound';
  t.deepEqual(check('persistentvolumeclaims', grown, old), []);
});

test('events: namespace must match the involved object', (t) => {
  const ev = { ...ns('e.1'), involvedObject: { kind: 'Pod', namespace: 'other', name: 'p' }, reason: 'X' };
  t.deepEqual(check('events', ev), [
    {
      reason: 'FieldValueInvalid',
      field: 'involvedObject.namespace',
      message: 'Invalid value: "other": does not match event.namespace',
    },
  ]);
});

test('pod: spec updates limited to images', (t) => {
  const pod = { ...ns('p'), spec: { containers: [{ name: 'c', image: 'nginx:1' }] } };
  const old = structuredClone(pod) as JsonObject;
  type('pods').defaults!(old);
  const image = structuredClone(old);
  ((image.spec as JsonObject).containers as JsonObject[])[0]!.image = 'nginx:2';
  t.deepEqual(type('pods').validate!(image, old), []);
  const port = structuredClone(old);
  ((port.spec as JsonObject).containers as JsonObject[])[0]!.ports = [{ containerPort: 80 }];
  const causes = type('pods').validate!(port, old).filter((c) => c.field === 'spec');
  t.is(causes.length, 1);
  t.true(
    causes[0]!.message.startsWith(
      'Forbidden: pod updates may not change fields other than `spec.containers[*].image`',
    ),
  );
});
