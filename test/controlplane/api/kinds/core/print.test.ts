import test from 'ava';
import type { JsonObject, JsonValue } from '../../../../../src/core/index.js';
import { coreTypes } from '../../../../../src/controlplane/api/kinds/core/index.js';

const now = new Date('2024-05-01T12:00:00Z');
const created = '2024-05-01T11:00:00Z'; // 60m old
const type = (resource: string) => coreTypes.find((t) => t.resource === resource)!;
const row = (resource: string, obj: JsonObject): JsonValue[] => type(resource).printRow!(obj, now);
const cols = (resource: string) =>
  type(resource).printColumns!.map((c) => (c.priority ? `${c.name}*` : c.name));

const pod = (status: JsonObject, spec: JsonObject = {}, meta: JsonObject = {}): JsonObject => ({
  metadata: { name: 'web', creationTimestamp: created, ...meta },
  spec: { containers: [{ name: 'app' }], ...spec },
  status,
});
const running = { running: { startedAt: created } };

test('pod columns', (t) => {
  t.deepEqual(cols('pods'), [
    'Name',
    'Ready',
    'Status',
    'Restarts',
    'Age',
    'IP*',
    'Node*',
    'Nominated Node*',
    'Readiness Gates*',
  ]);
  t.is(type('pods').printColumns![0]!.format, 'name');
});

const podCases: [string, JsonObject, string, string, string?][] = [
  ['pending, unscheduled', pod({ phase: 'Pending' }), '0/1', 'Pending'],
  [
    'container creating',
    pod({
      phase: 'Pending',
      containerStatuses: [
        { name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } },
      ],
    }),
    '0/1',
    'ContainerCreating',
  ],
  [
    'running and ready',
    pod({
      phase: 'Running',
      containerStatuses: [{ name: 'app', ready: true, restartCount: 0, state: running }],
    }),
    '1/1',
    'Running',
  ],
  [
    'crash loop with restarts',
    pod({
      phase: 'Running',
      containerStatuses: [
        {
          name: 'app',
          ready: false,
          restartCount: 3,
          state: { waiting: { reason: 'CrashLoopBackOff' } },
          lastState: { terminated: { exitCode: 1, finishedAt: '2024-05-01T11:55:00Z' } },
        },
      ],
    }),
    '0/1',
    'CrashLoopBackOff',
    '3 (5m ago)',
  ],
  [
    'completed',
    pod({
      phase: 'Succeeded',
      containerStatuses: [
        {
          name: 'app',
          ready: false,
          restartCount: 0,
          state: { terminated: { exitCode: 0, reason: 'Completed' } },
        },
      ],
    }),
    '0/1',
    'Completed',
  ],
  [
    'exit code without reason',
    pod({
      phase: 'Failed',
      containerStatuses: [
        { name: 'app', ready: false, restartCount: 0, state: { terminated: { exitCode: 2 } } },
      ],
    }),
    '0/1',
    'ExitCode:2',
  ],
  [
    'terminating',
    pod(
      {
        phase: 'Running',
        containerStatuses: [{ name: 'app', ready: true, restartCount: 0, state: running }],
      },
      {},
      { deletionTimestamp: created },
    ),
    '1/1',
    'Terminating',
  ],
  [
    'init 0/1',
    pod(
      {
        phase: 'Pending',
        initContainerStatuses: [{ name: 'init', ready: false, restartCount: 0, state: { running: {} } }],
      },
      { initContainers: [{ name: 'init' }] },
    ),
    '0/1',
    'Init:0/1',
  ],
  [
    'init crash',
    pod(
      {
        phase: 'Pending',
        initContainerStatuses: [
          { name: 'init', ready: false, restartCount: 1, state: { waiting: { reason: 'CrashLoopBackOff' } } },
        ],
      },
      { initContainers: [{ name: 'init' }] },
    ),
    '0/1',
    'Init:CrashLoopBackOff',
    '1',
  ],
  [
    'running sidecar counts',
    pod(
      {
        phase: 'Running',
        conditions: [{ type: 'Initialized', status: 'True' }],
        initContainerStatuses: [
          { name: 'proxy', ready: true, started: true, restartCount: 0, state: running },
        ],
        containerStatuses: [{ name: 'app', ready: true, restartCount: 0, state: running }],
      },
      { initContainers: [{ name: 'proxy', restartPolicy: 'Always' }] },
    ),
    '2/2',
    'Running',
  ],
  [
    'scheduling gated',
    pod({
      phase: 'Pending',
      conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }],
    }),
    '0/1',
    'SchedulingGated',
  ],
];

for (const [name, p, ready, status, restarts = '0'] of podCases)
  test(`pod row: ${name}`, (t) => {
    t.deepEqual(row('pods', p).slice(0, 5), ['web', ready, status, restarts, '60m']);
  });

test('pod wide cells', (t) => {
  const p = pod(
    { phase: 'Running', podIPs: [{ ip: '10.1.0.5' }], conditions: [{ type: 'gate', status: 'True' }] },
    { nodeName: 'n1', readinessGates: [{ conditionType: 'gate' }, { conditionType: 'other' }] },
  );
  t.deepEqual(row('pods', p).slice(5), ['10.1.0.5', 'n1', '<none>', '1/2']);
  t.deepEqual(row('pods', pod({})).slice(5), ['<none>', '<none>', '<none>', '<none>']);
});

const svc = (spec: JsonObject, status: JsonObject = {}): JsonObject => ({
  metadata: { name: 'web', creationTimestamp: created },
  spec,
  status,
});

test('service rows by type', (t) => {
  t.deepEqual(cols('services'), ['Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age', 'Selector*']);
  t.deepEqual(
    row(
      'services',
      svc({
        type: 'ClusterIP',
        clusterIPs: ['10.96.0.10'],
        ports: [{ port: 80, protocol: 'TCP' }],
        selector: { b: '2', a: '1' },
      }),
    ),
    ['web', 'ClusterIP', '10.96.0.10', '<none>', '80/TCP', '60m', 'a=1,b=2'],
  );
  t.deepEqual(row('services', svc({ type: 'ClusterIP', clusterIPs: ['None'] })).slice(1, 5), [
    'ClusterIP',
    'None',
    '<none>',
    '<none>',
  ]);
  t.deepEqual(
    row(
      'services',
      svc({
        type: 'NodePort',
        clusterIPs: ['10.96.0.11'],
        ports: [
          { port: 80, nodePort: 30080, protocol: 'TCP' },
          { port: 53, protocol: 'UDP', nodePort: 30053 },
        ],
      }),
    ).slice(1, 5),
    ['NodePort', '10.96.0.11', '<none>', '80:30080/TCP,53:30053/UDP'],
  );
  t.deepEqual(
    row('services', svc({ type: 'LoadBalancer', clusterIPs: ['10.96.0.12'], ports: [] })).slice(3, 5),
    ['<pending>', '<none>'],
  );
  t.is(
    row(
      'services',
      svc(
        { type: 'LoadBalancer', externalIPs: ['1.2.3.4'] },
        { loadBalancer: { ingress: [{ ip: '5.6.7.8' }, { hostname: 'lb.example' }] } },
      ),
    )[3],
    '5.6.7.8,lb.example,1.2.3.4',
  );
  t.deepEqual(row('services', svc({ type: 'ExternalName', externalName: 'db.example.com' })).slice(1, 4), [
    'ExternalName',
    '<none>',
    'db.example.com',
  ]);
  t.is(row('services', svc({}))[6], '<none>');
});

test('other kinds', (t) => {
  const meta = { name: 'x', creationTimestamp: created };
  t.deepEqual(row('namespaces', { metadata: meta, status: { phase: 'Active' } }), ['x', 'Active', '60m']);
  t.deepEqual(row('configmaps', { metadata: meta, data: { a: '1' }, binaryData: { b: 'AA==' } }), [
    'x',
    2,
    '60m',
  ]);
  t.deepEqual(row('secrets', { metadata: meta, type: 'Opaque', data: { a: 'YQ==' } }), [
    'x',
    'Opaque',
    1,
    '60m',
  ]);
  t.deepEqual(row('serviceaccounts', { metadata: meta }), ['x', 0, '60m']);
  t.deepEqual(row('limitranges', { metadata: meta }), ['x', created]);
  t.deepEqual(cols('limitranges'), ['Name', 'Created At']);
  const ep = {
    metadata: meta,
    subsets: [{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }], ports: [{ port: 80 }, { port: 443 }] }],
  };
  t.deepEqual(row('endpoints', ep), ['x', '10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 1 more...', '60m']);
  t.deepEqual(row('endpoints', { metadata: meta }), ['x', '<none>', '60m']);
  const node = {
    metadata: { ...meta, labels: { 'node-role.kubernetes.io/control-plane': '' } },
    spec: { unschedulable: true },
    status: {
      conditions: [{ type: 'Ready', status: 'True' }],
      nodeInfo: { kubeletVersion: 'v1.32.0' },
      addresses: [{ type: 'InternalIP', address: '192.168.1.2' }],
    },
  };
  t.deepEqual(row('nodes', node), [
    'x',
    'Ready,SchedulingDisabled',
    'control-plane',
    '60m',
    'v1.32.0',
    '192.168.1.2',
    '<none>',
    '<unknown>',
    '<unknown>',
    '<unknown>',
  ]);
  const pvc = {
    metadata: meta,
    spec: { volumeName: 'pv1', storageClassName: 'local', volumeMode: 'Filesystem' },
    status: { phase: 'Bound', capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'] },
  };
  t.deepEqual(row('persistentvolumeclaims', pvc), [
    'x',
    'Bound',
    'pv1',
    '1Gi',
    'RWO',
    'local',
    '<unset>',
    '60m',
    'Filesystem',
  ]);
  t.deepEqual(
    row('persistentvolumeclaims', { metadata: meta, spec: {}, status: { phase: 'Pending' } }).slice(1, 5),
    ['Pending', '', '', ''],
  );
  const pv = {
    metadata: meta,
    spec: {
      capacity: { storage: '5Gi' },
      accessModes: ['ReadWriteMany', 'ReadWriteOnce'],
      persistentVolumeReclaimPolicy: 'Retain',
      claimRef: { namespace: 'd', name: 'c' },
    },
    status: { phase: 'Bound' },
  };
  t.deepEqual(row('persistentvolumes', pv), [
    'x',
    '5Gi',
    'RWO,RWX',
    'Retain',
    'Bound',
    'd/c',
    '',
    '<unset>',
    '',
    '60m',
    '<unset>',
  ]);
  const rq = {
    metadata: meta,
    status: {
      hard: { pods: '10', 'limits.cpu': '4', 'requests.cpu': '2' },
      used: { pods: '3', 'requests.cpu': '500m' },
    },
  };
  t.deepEqual(row('resourcequotas', rq), ['x', 'pods: 3/10, requests.cpu: 500m/2', 'limits.cpu: 0/4', '60m']);
});

test('event row and columns', (t) => {
  t.deepEqual(cols('events'), [
    'Last Seen',
    'Type',
    'Reason',
    'Object',
    'Subobject*',
    'Source*',
    'Message',
    'First Seen*',
    'Count*',
    'Name*',
  ]);
  const ev = {
    metadata: { name: 'web.1', creationTimestamp: created },
    involvedObject: { kind: 'Pod', name: 'web', fieldPath: 'spec.containers{app}' },
    reason: 'Pulled',
    type: 'Normal',
    message: ' Pulled image \n',
    source: { component: 'kubelet', host: 'n1' },
    firstTimestamp: '2024-05-01T11:50:00Z',
    lastTimestamp: '2024-05-01T11:58:00Z',
    count: 2,
  };
  t.deepEqual(row('events', ev), [
    '2m',
    'Normal',
    'Pulled',
    'pod/web',
    'spec.containers{app}',
    'kubelet, n1',
    'Pulled image',
    '10m',
    2,
    'web.1',
  ]);
  const fresh = {
    metadata: { name: 'e' },
    involvedObject: { kind: 'Node' },
    eventTime: '2024-05-01T11:59:30.000000Z',
    reportingComponent: 'ctl',
  };
  t.deepEqual(row('events', fresh).slice(0, 9), ['30s', '', '', 'node', '', 'ctl', '', '30s', 1]);
});

test('selectable fields', (t) => {
  const p = pod({ phase: 'Running', podIPs: [{ ip: '10.1.0.5' }] }, { nodeName: 'n1', hostNetwork: true });
  t.like(type('pods').selectableFields!(p), {
    'spec.nodeName': 'n1',
    'spec.hostNetwork': 'true',
    'status.phase': 'Running',
    'status.podIP': '10.1.0.5',
  });
  t.deepEqual(type('secrets').selectableFields!({ type: 'Opaque' }), { type: 'Opaque' });
  t.deepEqual(type('namespaces').selectableFields!({ status: { phase: 'Terminating' } }), {
    'status.phase': 'Terminating',
  });
  t.deepEqual(type('nodes').selectableFields!({ spec: {} }), { 'spec.unschedulable': 'false' });
  t.like(
    type('events').selectableFields!({ involvedObject: { kind: 'Pod' }, source: { component: 'kubelet' } }),
    { 'involvedObject.kind': 'Pod', source: 'kubelet' },
  );
  t.deepEqual(type('services').selectableFields!({ spec: { type: 'NodePort', clusterIP: '10.0.0.1' } }), {
    'spec.clusterIP': '10.0.0.1',
    'spec.type': 'NodePort',
  });
});
