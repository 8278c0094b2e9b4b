import test from 'ava';
import { schedule } from '../../../src/controlplane/scheduler/index.js';
import { filterNode, hostPorts, nodeInfo } from '../../../src/controlplane/scheduler/filters.js';
import type { JsonObject } from '../../../src/core/index.js';
import { deepFreeze } from '../../../src/controlplane/store/values.js';
import { makeNode, makePod, placed } from './helpers.js';

/** The reasons a single-node schedule fails with. */
function reasonsOn(pod: JsonObject, node: JsonObject, pods: JsonObject[] = []): Record<string, number> {
  const r = schedule(pod, [node], placed([[String((node.metadata as JsonObject).name), pods]]));
  if ('node' in r) return {};
  return r.reasons;
}

test('spec.nodeName already set: nothing to decide', (t) => {
  const pod = makePod('p', { spec: { nodeName: 'elsewhere' } });
  t.deepEqual(schedule(pod, [makeNode('n1')], new Map()), { node: 'elsewhere' });
});

test('NodeUnschedulable: cordoned nodes refuse pods unless the cordon taint is tolerated', (t) => {
  const node = makeNode('n1', { unschedulable: true });
  t.deepEqual(reasonsOn(makePod('p'), node), { 'node(s) were unschedulable': 1 });
  const tolerant = makePod('p', {
    spec: {
      tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }],
    },
  });
  t.deepEqual(schedule(tolerant, [node], new Map()), { node: 'n1' });
});

test('NodeName: a pod naming another node does not fit here', (t) => {
  const info = nodeInfo(makeNode('n1'), []);
  const pod = makePod('p', { spec: { nodeName: 'n2' } });
  const never = () => undefined;
  t.deepEqual(filterNode(pod, info, {}, [], never), {
    reasons: ["node(s) didn't match the requested node name"],
    resolvable: false,
  });
  t.is(filterNode(makePod('p', { spec: { nodeName: 'n1' } }), info, {}, [], never), undefined);
});

test('TaintToleration: names the first untolerated NoSchedule/NoExecute taint', (t) => {
  const node = makeNode('n1', {
    taints: [
      { key: 'soft', value: 'x', effect: 'PreferNoSchedule' },
      { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' },
      { key: 'node-role.kubernetes.io/control-plane', effect: 'NoExecute' },
    ],
  });
  t.deepEqual(reasonsOn(makePod('p'), node), { 'node(s) had untolerated taint {dedicated: gpu}': 1 });
  const some = makePod('p', { spec: { tolerations: [{ key: 'dedicated', value: 'gpu' }] } });
  t.deepEqual(reasonsOn(some, node), {
    'node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }': 1,
  });
  const all = makePod('p', { spec: { tolerations: [{ operator: 'Exists' }] } });
  t.deepEqual(schedule(all, [node], new Map()), { node: 'n1' });
  const wrongEffect = makePod('p', { spec: { tolerations: [{ operator: 'Exists', effect: 'NoExecute' }] } });
  t.deepEqual(reasonsOn(wrongEffect, node), { 'node(s) had untolerated taint {dedicated: gpu}': 1 });
});

const affinityReason = { "node(s) didn't match Pod's node affinity/selector": 1 };

test('NodeSelector: every pair must be a node label', (t) => {
  const node = makeNode('n1', { labels: { disk: 'ssd', zone: 'a' } });
  t.deepEqual(schedule(makePod('p', { spec: { nodeSelector: { disk: 'ssd' } } }), [node], new Map()), {
    node: 'n1',
  });
  t.deepEqual(
    reasonsOn(makePod('p', { spec: { nodeSelector: { disk: 'ssd', zone: 'b' } } }), node),
    affinityReason,
  );
});

function requiredAffinity(...terms: JsonObject[]): JsonObject {
  return makePod('p', {
    spec: {
      affinity: {
        nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } },
      },
    },
  });
}

test('required node affinity: operators In, NotIn, Exists, DoesNotExist, Gt, Lt', (t) => {
  const node = makeNode('n1', { labels: { zone: 'a', cores: '16', gen: 'x7' } });
  const fits = (exprs: JsonObject[]) =>
    !('unschedulable' in schedule(requiredAffinity({ matchExpressions: exprs }), [node], new Map()));
  t.true(fits([{ key: 'zone', operator: 'In', values: ['a', 'b'] }]));
  t.false(fits([{ key: 'zone', operator: 'In', values: ['b'] }]));
  t.true(fits([{ key: 'zone', operator: 'NotIn', values: ['b'] }]));
  t.true(fits([{ key: 'absent', operator: 'NotIn', values: ['b'] }]));
  t.false(fits([{ key: 'zone', operator: 'NotIn', values: ['a'] }]));
  t.true(fits([{ key: 'zone', operator: 'Exists' }]));
  t.false(fits([{ key: 'zone', operator: 'DoesNotExist' }]));
  t.true(fits([{ key: 'cores', operator: 'Gt', values: ['8'] }]));
  t.false(fits([{ key: 'cores', operator: 'Lt', values: ['8'] }]));
  t.false(fits([{ key: 'gen', operator: 'Gt', values: ['1'] }]), 'non-integer label never compares');
  t.false(fits([{ key: 'zone', operator: 'In', values: [] }]), 'invalid requirement fails the term');
  t.false(fits([]), 'an empty term selects nothing');
  t.deepEqual(
    reasonsOn(requiredAffinity({ matchExpressions: [{ key: 'zone', operator: 'In', values: ['z'] }] }), node),
    affinityReason,
  );
});

test('required node affinity: terms are ORed, matchFields selects by name', (t) => {
  const nodes = [makeNode('n1', { labels: { zone: 'a' } }), makeNode('n2', { labels: { zone: 'b' } })];
  const pod = requiredAffinity(
    { matchExpressions: [{ key: 'zone', operator: 'In', values: ['nowhere'] }] },
    { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n2'] }] },
  );
  t.deepEqual(schedule(pod, nodes, new Map()), { node: 'n2' });
});

test('NodePorts: a host port in use on the node blocks it; other IPs and protocols do not', (t) => {
  const node = makeNode('n1');
  const withPort = (name: string, port: JsonObject) =>
    makePod(name, { spec: { containers: [{ name: 'c', ports: [{ containerPort: 80, ...port }] }] } });
  const running = [withPort('old', { hostPort: 8080 })];
  t.deepEqual(reasonsOn(withPort('p', { hostPort: 8080 }), node, running), {
    "node(s) didn't have free ports for the requested pod ports": 1,
  });
  t.deepEqual(reasonsOn(withPort('p', { hostPort: 8080, hostIP: '10.0.0.1' }), node, running), {
    "node(s) didn't have free ports for the requested pod ports": 1,
  });
  t.deepEqual(reasonsOn(withPort('p', { hostPort: 8080, protocol: 'UDP' }), node, running), {});
  t.deepEqual(reasonsOn(withPort('p', { hostPort: 8081 }), node, running), {});
  const pinned = [withPort('old', { hostPort: 9000, hostIP: '10.0.0.1' })];
  t.deepEqual(reasonsOn(withPort('p', { hostPort: 9000, hostIP: '10.0.0.2' }), node, pinned), {});
});

test('hostPorts counts sidecars but not ordinary init containers', (t) => {
  const pod = makePod('p', {
    spec: {
      initContainers: [
        { name: 'init', ports: [{ hostPort: 1 }] },
        { name: 'side', restartPolicy: 'Always', ports: [{ hostPort: 2 }] },
      ],
      containers: [{ name: 'c', ports: [{ containerPort: 3 }] }],
    },
  });
  t.deepEqual(hostPorts(pod), [{ ip: '0.0.0.0', protocol: 'TCP', port: 2 }]);
});

test('NodeResourcesFit: Insufficient cpu / memory against allocatable minus requested', (t) => {
  const node = makeNode('n1', { cpu: '2', memory: '4Gi' });
  const running = [makePod('old', { cpu: '1500m', memory: '3Gi' })];
  t.deepEqual(reasonsOn(makePod('p', { cpu: '500m', memory: '1Gi' }), node, running), {});
  t.deepEqual(reasonsOn(makePod('p', { cpu: '501m' }), node, running), { 'Insufficient cpu': 1 });
  t.deepEqual(reasonsOn(makePod('p', { cpu: '1', memory: '2Gi' }), node, running), {
    'Insufficient cpu': 1,
    'Insufficient memory': 1,
  });
});

test('NodeResourcesFit: Too many pods uses allocatable pods; extended resources are checked', (t) => {
  const node = makeNode('n1', { pods: '1', extra: { 'example.com/gpu': '1' } });
  t.deepEqual(reasonsOn(makePod('p'), node, [makePod('old')]), { 'Too many pods': 1 });
  const gpu = makePod('p', {
    spec: { containers: [{ name: 'c', resources: { requests: { 'example.com/gpu': '2' } } }] },
  });
  t.deepEqual(reasonsOn(gpu, node), { 'Insufficient example.com/gpu': 1 });
});

test('NodeResourcesFit: init containers raise the request', (t) => {
  const node = makeNode('n1', { cpu: '1' });
  const pod = makePod('p', {
    cpu: '100m',
    spec: { initContainers: [{ name: 'i', resources: { requests: { cpu: '2' } } }] },
  });
  t.deepEqual(reasonsOn(pod, node), { 'Insufficient cpu': 1 });
});

test('terminal pods hold no resources, ports or slots', (t) => {
  const node = makeNode('n1', { cpu: '1', pods: '1' });
  const done = [
    makePod('a', {
      cpu: '1',
      phase: 'Succeeded',
      spec: { containers: [{ name: 'c', ports: [{ hostPort: 80 }] }] },
    }),
    makePod('b', { cpu: '1', phase: 'Failed' }),
  ];
  const pod = makePod('p', {
    cpu: '1',
    spec: { containers: [{ name: 'c', resources: { requests: { cpu: '1' } }, ports: [{ hostPort: 80 }] }] },
  });
  t.deepEqual(schedule(pod, [node], placed([['n1', done]])), { node: 'n1' });
  const running = [makePod('c', { cpu: '1', phase: 'Running' })];
  t.deepEqual(reasonsOn(pod, node, running), { 'Too many pods': 1, 'Insufficient cpu': 1 });
});

test('NodeInfo sums follow the stored pods: a new version counts its new requests, a pod gone counts nothing', (t) => {
  // stored pods are deep-frozen, and what each adds is kept per stored version
  const withCpu = (name: string, cpu: string) =>
    deepFreeze(
      makePod(name, {
        spec: {
          nodeName: 'n1',
          containers: [
            { name: 'c', resources: { requests: { cpu } }, ports: [{ containerPort: 80, hostPort: 8080 }] },
          ],
        },
      }),
    );
  const a1 = withCpu('a', '100m');
  const b = withCpu('b', '300m');
  const node = makeNode('n1');
  t.is(nodeInfo(node, [a1, b]).requested.cpu, 400);
  const a2 = withCpu('a', '1');
  t.is(nodeInfo(node, [a2, b]).requested.cpu, 1300, 'the updated pod counts its new request');
  t.is(nodeInfo(node, [a2, b]).nonZeroRequested.cpu, 1300);
  const afterDelete = nodeInfo(node, [b]);
  t.is(afterDelete.requested.cpu, 300, 'the deleted pod no longer counts');
  t.is(afterDelete.podCount, 1);
  t.is(afterDelete.usedPorts.length, 1);
  t.is(nodeInfo(node, [a1, b]).requested.cpu, 400, 'the old version still counts what it asked');
});
