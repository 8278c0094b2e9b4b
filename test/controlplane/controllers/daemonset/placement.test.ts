import test from 'ava';
import {
  nodeShouldRunDaemonPod,
  nodesShouldRun,
  planDaemonSet,
  targetNodeName,
} from '../../../../src/controlplane/controllers/daemonset/index.js';
import { timestamp } from '../../../../src/controlplane/controllers/deployment/index.js';
import { Cluster, T0, daemonSet, node } from './fixtures.js';

const gpuTaint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };

test('nodeSelector, required node affinity and taints pick the nodes', (t) => {
  const nodes = [
    node('a', { labels: { os: 'linux', zone: 'z1' } }),
    node('b', { labels: { os: 'linux', zone: 'z2' } }),
    node('c', { labels: { os: 'windows', zone: 'z1' } }),
    node('d', { labels: { os: 'linux', zone: 'z1' }, taints: [gpuTaint] }),
  ];
  const ds = daemonSet({
    podSpec: {
      nodeSelector: { os: 'linux' },
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['z1'] }] }],
          },
        },
      },
    },
  });
  t.deepEqual(nodesShouldRun(ds, nodes), ['a']);
  // tolerating the taint admits d
  (ds.spec.template.spec as any).tolerations = [
    { key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' },
  ];
  t.deepEqual(nodesShouldRun(ds, nodes), ['a', 'd']);
});

test('daemon pods tolerate the node-condition taints Kubernetes adds', (t) => {
  const ds = daemonSet();
  for (const [key, effect] of [
    ['node.kubernetes.io/unschedulable', 'NoSchedule'],
    ['node.kubernetes.io/not-ready', 'NoExecute'],
    ['node.kubernetes.io/unreachable', 'NoExecute'],
    ['node.kubernetes.io/disk-pressure', 'NoSchedule'],
  ])
    t.true(nodeShouldRunDaemonPod(ds, node('n', { taints: [{ key, effect }] })).shouldRun, key);
  const netDown = node('n', {
    taints: [{ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }],
  });
  t.false(nodeShouldRunDaemonPod(ds, netDown).shouldRun);
  t.true(nodeShouldRunDaemonPod(daemonSet({ podSpec: { hostNetwork: true } }), netDown).shouldRun);
});

test('NoSchedule keeps existing pods, NoExecute evicts them', (t) => {
  const ds = daemonSet();
  t.deepEqual(nodeShouldRunDaemonPod(ds, node('n', { taints: [gpuTaint] })), {
    shouldRun: false,
    shouldContinueRunning: true,
  });
  t.deepEqual(nodeShouldRunDaemonPod(ds, node('n', { taints: [{ ...gpuTaint, effect: 'NoExecute' }] })), {
    shouldRun: false,
    shouldContinueRunning: false,
  });
  // a template nodeName restricts the set to that node
  t.deepEqual(nodesShouldRun(daemonSet({ podSpec: { nodeName: 'b' } }), [node('a'), node('b')]), ['b']);
});

test('new pods are pinned by required node affinity, not nodeName, and carry hash and generation', (t) => {
  const ds = daemonSet({
    podSpec: {
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [{ key: 'os', operator: 'Exists' }] }],
          },
        },
      },
    },
  });
  const plan = planDaemonSet(ds, [node('a', { labels: { os: 'linux' } })], [], T0);
  t.is(plan.create.length, 1);
  const { node: target, pod } = plan.create[0]!;
  t.is(target, 'a');
  t.is(pod.spec!.nodeName, undefined);
  t.deepEqual((pod.spec as any).affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution, {
    nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['a'] }] }],
  });
  t.is(targetNodeName(pod), 'a');
  t.is(pod.metadata.generateName, 'agent-');
  t.deepEqual(pod.metadata.labels, {
    app: 'agent',
    'pod-template-generation': '1',
    'controller-revision-hash': plan.hash,
  });
  t.true((pod.spec as any).tolerations.some((x: any) => x.key === 'node.kubernetes.io/unschedulable'));
  t.like(pod.metadata.ownerReferences![0], { kind: 'DaemonSet', name: 'agent', controller: true });
});

test('one pod per fitting node; pods leave nodes that stop fitting', (t) => {
  const c = new Cluster(daemonSet({ podSpec: { nodeSelector: { role: 'edge' } } }), [
    node('a', { labels: { role: 'edge' } }),
    node('b', { labels: { role: 'edge' } }),
    node('c'),
  ]);
  t.deepEqual(
    c.sync().create.map((x) => x.node),
    ['a', 'b'],
  );
  c.kubelet();
  t.deepEqual(c.sync().create, []);
  // b loses its label: its pod goes; a gets a NoSchedule taint: its pod stays
  c.nodes = [node('a', { labels: { role: 'edge' }, taints: [gpuTaint] }), node('b'), node('c')];
  const plan = c.sync();
  t.deepEqual(plan.delete.length, 1);
  t.deepEqual(c.layout(), { a: ['agent:1'] });
  t.like(plan.status, { desiredNumberScheduled: 0, numberMisscheduled: 2 });
});

test('failed pods, duplicates and pods for vanished nodes are deleted', (t) => {
  const c = new Cluster(daemonSet(), [node('a'), node('b')]);
  c.sync();
  c.kubelet();
  const [onA, onB] = c.pods;
  onB!.status = { phase: 'Failed' };
  // a younger duplicate on a, and an unbound pod pinned to a node that is gone
  const dup = structuredClone(onA!);
  dup.metadata.name = 'agent-dup';
  dup.metadata.creationTimestamp = timestamp(new Date(T0.getTime() + 1000));
  const ghost = structuredClone(onA!);
  ghost.metadata.name = 'agent-ghost';
  ghost.spec = { ...(ghost.spec as any), nodeName: undefined };
  (
    ghost.spec as any
  ).affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchFields[0].values =
    ['z'];
  c.pods.push(dup, ghost);
  t.deepEqual(c.sync().delete.sort(), ['agent-dup', 'agent-ghost', onB!.metadata.name!].sort());
});

test('status counts desired, current, ready, available, updated and misscheduled', (t) => {
  // 3 fitting nodes, pods on two (one ready), one pod on a tainted node
  const c = new Cluster(daemonSet({ minReadySeconds: 10 }), [node('a'), node('b'), node('c'), node('d')]);
  c.sync();
  c.pods = c.pods.filter((p) => targetNodeName(p) !== 'c');
  c.kubelet();
  c.pods.find((p) => targetNodeName(p) === 'b')!.status = { phase: 'Pending' };
  c.nodes[3] = node('d', { taints: [gpuTaint] });
  c.ds = { ...c.ds, metadata: { ...c.ds.metadata, generation: 3 } };
  c.tick(5);
  const early = planDaemonSet(c.ds, c.nodes, c.pods, c.now).status;
  t.deepEqual(early, {
    observedGeneration: 3,
    desiredNumberScheduled: 3,
    currentNumberScheduled: 2,
    numberMisscheduled: 1,
    numberReady: 1,
    numberAvailable: 0,
    numberUnavailable: 3,
    updatedNumberScheduled: 2,
  });
  t.true(planDaemonSet(c.ds, c.nodes, c.pods, c.now).requeue);
  c.tick(10);
  t.like(planDaemonSet(c.ds, c.nodes, c.pods, c.now).status, { numberAvailable: 1, numberUnavailable: 2 });
});
