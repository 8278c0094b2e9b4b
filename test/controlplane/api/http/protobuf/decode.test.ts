import test from 'ava';
import { isCapstanError } from '../../../../../src/core/index.js';
import { decodeKubernetesProtobuf } from '../../../../../src/controlplane/api/http/protobuf/index.js';
import { messages } from '../../../../../src/controlplane/api/http/protobuf/messages.js';
import { envelope, msg, type Msg } from './encoder.js';

/**
 * ObjectMeta as gogo-protobuf writes it: every non-pointer field, empty or not, and a zero
 * creationTimestamp. The empty ones must not appear in the JSON.
 */
function objectMeta(name: string, namespace = '', more: (m: Msg) => Msg = (m) => m): Msg {
  const m = msg()
    .str(1, name)
    .str(2, '')
    .str(3, namespace)
    .str(4, '')
    .str(5, '')
    .str(6, '')
    .int(7, 0)
    .msg(8, msg().int(1, 0).int(2, 0));
  return more(m);
}

function code(e: unknown): string | undefined {
  return isCapstanError(e) ? e.code : undefined;
}

test('a Namespace: empty metadata fields are dropped, spec and status stay as objects', (t) => {
  const body = envelope('v1', 'Namespace', msg().msg(1, objectMeta('x')).msg(2, msg()).msg(3, msg()));
  t.deepEqual(decodeKubernetesProtobuf(body), {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'x' },
    spec: {},
    status: {},
  });
});

test('a ConfigMap with data and binaryData (bytes as base64), labels and a creation time', (t) => {
  const meta = objectMeta('c', 'x', (m) =>
    m.msg(8, msg().int(1, 1714564800).int(2, 0)).strMap(11, { app: 'web' }).strMap(12, { note: 'hi' }),
  );
  const cm = msg()
    .msg(1, meta)
    .strMap(2, { a: '1', b: '' })
    .bytesMap(3, { bin: Buffer.from([0, 1, 255]) });
  t.deepEqual(decodeKubernetesProtobuf(envelope('v1', 'ConfigMap', cm)), {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: 'c',
      namespace: 'x',
      creationTimestamp: '2024-05-01T12:00:00Z',
      labels: { app: 'web' },
      annotations: { note: 'hi' },
    },
    data: { a: '1', b: '' },
    binaryData: { bin: 'AAH/' },
  });
});

test('a Secret with data and type; a pointer bool keeps false', (t) => {
  const secret = msg()
    .msg(1, objectMeta('s', 'x'))
    .bytesMap(2, { p: Buffer.from('q') })
    .str(3, 'Opaque')
    .bool(5, false);
  t.deepEqual(decodeKubernetesProtobuf(envelope('v1', 'Secret', secret)), {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 's', namespace: 'x' },
    data: { p: Buffer.from('q').toString('base64') },
    type: 'Opaque',
    immutable: false,
  });
});

test('a Deployment with a container, ports, env, resources, a probe and a volume', (t) => {
  const container = msg()
    .str(1, 'nginx')
    .str(2, 'nginx:1.27')
    .strs(3, ['nginx', '-g'])
    .msg(6, msg().str(1, 'http').int(3, 80).str(4, 'TCP'))
    .msg(6, msg().int(3, 0).str(4, 'UDP'))
    .msg(7, msg().str(1, 'MODE').str(2, 'prod'))
    .msg(
      7,
      msg()
        .str(1, 'POD')
        .msg(3, msg().msg(1, msg().str(1, 'v1').str(2, 'metadata.name'))),
    )
    .msg(8, msg().quantityMap(1, { cpu: '500m', memory: '128Mi' }).quantityMap(2, { cpu: '250m' }))
    .msg(9, msg().str(1, 'conf').str(3, '/etc/conf').bool(2, true))
    .msg(10, msg().msg(1, msg().msg(2, msg().str(1, '/healthz').msg(2, msg().int(1, 0).int(2, 8080)))))
    .msg(
      11,
      msg()
        .msg(1, msg().msg(3, msg().msg(1, msg().int(1, 1).str(3, 'http'))))
        .int(2, 5),
    )
    .str(14, 'IfNotPresent')
    .bool(16, false);
  const podSpec = msg()
    .msg(
      1,
      msg()
        .str(1, 'conf')
        .msg(2, msg().msg(19, msg().msg(1, msg().str(1, 'c')))),
    )
    .msg(2, container)
    .str(3, 'Always')
    .int(4, 30);
  const spec = msg()
    .int(1, 0)
    .msg(2, msg().strMap(1, { app: 'd' }))
    .msg(
      3,
      msg()
        .msg(
          1,
          objectMeta('', '', (m) => m.strMap(11, { app: 'd' })),
        )
        .msg(2, podSpec),
    )
    .msg(
      4,
      msg()
        .str(1, 'RollingUpdate')
        .msg(2, msg().msg(1, msg().int(1, 1).str(3, '25%')).msg(2, msg().int(2, 1))),
    )
    .int(5, 0);
  const body = envelope(
    'apps/v1',
    'Deployment',
    msg().msg(1, objectMeta('d', 'x')).msg(2, spec).msg(3, msg()),
  );
  t.deepEqual(decodeKubernetesProtobuf(body), {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'd', namespace: 'x' },
    spec: {
      replicas: 0,
      selector: { matchLabels: { app: 'd' } },
      template: {
        metadata: { labels: { app: 'd' } },
        spec: {
          volumes: [{ name: 'conf', configMap: { name: 'c' } }],
          containers: [
            {
              name: 'nginx',
              image: 'nginx:1.27',
              command: ['nginx', '-g'],
              ports: [
                { name: 'http', containerPort: 80, protocol: 'TCP' },
                { containerPort: 0, protocol: 'UDP' },
              ],
              env: [
                { name: 'MODE', value: 'prod' },
                { name: 'POD', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
              ],
              resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '250m' } },
              volumeMounts: [{ name: 'conf', mountPath: '/etc/conf', readOnly: true }],
              livenessProbe: { httpGet: { path: '/healthz', port: 8080 } },
              readinessProbe: { tcpSocket: { port: 'http' }, initialDelaySeconds: 5 },
              imagePullPolicy: 'IfNotPresent',
            },
          ],
          restartPolicy: 'Always',
          terminationGracePeriodSeconds: 30,
        },
      },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: 1 } },
    },
    status: {},
  });
});

test('managedFields: fieldsV1 holds raw JSON; ownerReferences, finalizers, deletion time', (t) => {
  const meta = objectMeta('o', 'x', (m) =>
    m
      .msg(9, msg().int(1, 1714564801))
      .int(10, 0)
      .msg(13, msg().str(5, 'apps/v1').str(1, 'ReplicaSet').str(3, 'rs').str(4, 'u1').bool(6, true))
      .strs(14, ['a/b'])
      .msg(
        17,
        msg()
          .str(1, 'kubectl')
          .str(2, 'Update')
          .str(3, 'v1')
          .msg(4, msg().int(1, 1714564800))
          .str(6, 'FieldsV1')
          .msg(7, msg().str(1, '{"f:data":{"f:a":{}}}')),
      ),
  );
  const out = decodeKubernetesProtobuf(envelope('v1', 'ConfigMap', msg().msg(1, meta)));
  t.deepEqual(out.metadata, {
    name: 'o',
    namespace: 'x',
    deletionTimestamp: '2024-05-01T12:00:01Z',
    deletionGracePeriodSeconds: 0,
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u1', controller: true }],
    finalizers: ['a/b'],
    managedFields: [
      {
        manager: 'kubectl',
        operation: 'Update',
        apiVersion: 'v1',
        time: '2024-05-01T12:00:00Z',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:data': { 'f:a': {} } },
      },
    ],
  });
});

test('rbac: a Role with rules and a RoleBinding whose roleRef keeps an empty apiGroup', (t) => {
  const role = msg()
    .msg(1, objectMeta('r', 'x'))
    .msg(2, msg().strs(1, ['get', 'list']).strs(2, ['']).strs(3, ['pods']));
  t.deepEqual(decodeKubernetesProtobuf(envelope('rbac.authorization.k8s.io/v1', 'Role', role)).rules, [
    { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] },
  ]);
  const binding = msg()
    .msg(1, objectMeta('rb', 'x'))
    .msg(2, msg().str(1, 'ServiceAccount').str(2, '').str(3, 'sa').str(4, 'x'))
    .msg(3, msg().str(1, '').str(2, 'Role').str(3, 'r'));
  const out = decodeKubernetesProtobuf(envelope('rbac.authorization.k8s.io/v1', 'RoleBinding', binding));
  t.deepEqual(out.subjects, [{ kind: 'ServiceAccount', name: 'sa', namespace: 'x' }]);
  t.deepEqual(out.roleRef, { apiGroup: '', kind: 'Role', name: 'r' });
});

test('DeleteOptions under any group version; negative int64 and packed repeated ints', (t) => {
  const opts = msg().int(1, -1).str(4, 'Foreground').strs(5, ['All']);
  t.deepEqual(decodeKubernetesProtobuf(envelope('apps/v1', 'DeleteOptions', opts)), {
    apiVersion: 'apps/v1',
    kind: 'DeleteOptions',
    gracePeriodSeconds: -1,
    propagationPolicy: 'Foreground',
    dryRun: ['All'],
  });
  // PodSecurityContext.supplementalGroups (4), packed: one length-delimited run of varints
  const packed = msg().bytes(4, Buffer.from([1, 0x80, 0x01]));
  const pod = msg().msg(2, msg().msg(14, packed));
  const spec = decodeKubernetesProtobuf(envelope('v1', 'Pod', pod)).spec as any;
  t.deepEqual(spec.securityContext.supplementalGroups, [1, 128]);
});

test('unknown fields of every wire type are skipped, in objects and in the envelope', (t) => {
  const cm = msg()
    .msg(1, objectMeta('c').str(99, 'future'))
    .int(50, 7)
    .fixed64(51)
    .str(52, 'x')
    .strMap(2, { a: '1' });
  const body = envelope('v1', 'ConfigMap', cm, (m) => m.int(9, 1));
  t.deepEqual(decodeKubernetesProtobuf(body), {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'c' },
    data: { a: '1' },
  });
});

test('a kind without a schema is PROTOBUF_UNSUPPORTED', (t) => {
  const e = t.throws(() => decodeKubernetesProtobuf(envelope('v1', 'Node', msg())));
  t.is(code(e), 'PROTOBUF_UNSUPPORTED');
  t.regex(e!.message, /Node in v1/);
  const gz = envelope('v1', 'ConfigMap', msg(), (m) => m.str(3, 'gzip'));
  t.is(code(t.throws(() => decodeKubernetesProtobuf(gz))), 'PROTOBUF_UNSUPPORTED');
});

test('malformed bodies are PROTOBUF_MALFORMED', (t) => {
  const good = envelope('v1', 'ConfigMap', msg().strMap(2, { a: '1' }));
  const cases: [string, Buffer][] = [
    ['no prefix', Buffer.from('{"kind":"ConfigMap"}')],
    ['truncated', good.subarray(0, good.length - 2)],
    ['length past the end', Buffer.concat([good.subarray(0, 4), Buffer.from([0x12, 0x7f, 0x01])])],
    ['wrong wire type', envelope('v1', 'ConfigMap', msg().int(2, 1))],
    ['a group', Buffer.concat([good.subarray(0, 4), Buffer.from([0x0b])])],
    [
      'bad fieldsV1',
      envelope('v1', 'ConfigMap', msg().msg(1, msg().msg(17, msg().msg(7, msg().str(1, '{'))))),
    ],
  ];
  for (const [what, body] of cases) {
    t.is(code(t.throws(() => decodeKubernetesProtobuf(body), undefined, what)), 'PROTOBUF_MALFORMED', what);
  }
});

test('every kind named in the tables resolves to a message', (t) => {
  for (const kind of [
    'Namespace',
    'ConfigMap',
    'Secret',
    'ServiceAccount',
    'Service',
    'ResourceQuota',
    'Pod',
  ]) {
    t.true(messages.has(`core/${kind}`), kind);
  }
  for (const name of [
    'apps/Deployment',
    'batch/Job',
    'batch/CronJob',
    'rbac/ClusterRoleBinding',
    'networking/Ingress',
    'policy/PodDisruptionBudget',
    'scheduling/PriorityClass',
    'meta/DeleteOptions',
  ]) {
    t.true(messages.has(name), name);
  }
});
