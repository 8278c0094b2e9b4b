import test from 'ava';
import { schedule } from '../../../src/controlplane/scheduler/index.js';
import type { JsonObject } from '../../../src/core/index.js';
import { makeNode, makePod, placed } from './helpers.js';

const antiWeb = (topologyKey = 'kubernetes.io/hostname'): JsonObject => ({
  podAntiAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: [
      { labelSelector: { matchLabels: { app: 'web' } }, topologyKey },
    ],
  },
});

test('FitError: reasons counted per node, sorted as strings, then the preemption summary', (t) => {
  const nodes = [
    makeNode('n1', { cpu: '1', labels: { disk: 'ssd' } }),
    makeNode('n2', { labels: { disk: 'hdd' } }),
    makeNode('n3', { labels: { disk: 'hdd' } }),
  ];
  const pod = makePod('p', { cpu: '2', spec: { nodeSelector: { disk: 'ssd' } } });
  const r = schedule(pod, nodes, new Map());
  t.deepEqual(r, {
    unschedulable: true,
    message:
      "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't match Pod's node affinity/selector. " +
      'preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, ' +
      '2 Preemption is not helpful for scheduling.',
    reasons: { 'Insufficient cpu': 1, "node(s) didn't match Pod's node affinity/selector": 2 },
  });
});

test('FitError: only unresolvable reasons give N Preemption is not helpful', (t) => {
  const nodes = ['a', 'b', 'c'].map((n) =>
    makeNode(n, { taints: [{ key: 'k', value: 'v', effect: 'NoSchedule' }] }),
  );
  const r = schedule(makePod('p'), nodes, new Map());
  t.true('unschedulable' in r);
  if ('unschedulable' in r) {
    t.is(
      r.message,
      '0/3 nodes are available: 3 node(s) had untolerated taint {k: v}. ' +
        'preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
    );
  }
});

test('FitError: "10 …" sorts before "2 …", as Go sort.Strings does', (t) => {
  const nodes = [
    ...Array.from({ length: 10 }, (_, i) => makeNode(`small-${i}`, { cpu: '1' })),
    makeNode('cordoned-1', { unschedulable: true }),
    makeNode('cordoned-2', { unschedulable: true }),
  ];
  const r = schedule(makePod('p', { cpu: '2' }), nodes, new Map());
  t.true(
    'unschedulable' in r &&
      r.message.startsWith('0/12 nodes are available: 10 Insufficient cpu, 2 node(s) were unschedulable. '),
  );
});

test('FitError: preemptionPolicy Never is not eligible', (t) => {
  const r = schedule(
    makePod('p', { cpu: '8', spec: { preemptionPolicy: 'Never' } }),
    [makeNode('n1')],
    new Map(),
  );
  t.true(
    'unschedulable' in r &&
      r.message ===
        '0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.',
  );
});

test('no nodes at all', (t) => {
  t.deepEqual(schedule(makePod('p'), [], new Map()), {
    unschedulable: true,
    message: 'no nodes available to schedule pods',
    reasons: {},
  });
});

test('pod anti-affinity spreads replicas one per node, then refuses the fourth', (t) => {
  const nodes = ['n1', 'n2', 'n3'].map((n) => makeNode(n));
  const byNode = new Map<string, JsonObject[]>();
  const chosen: string[] = [];
  for (let i = 0; i < 3; i++) {
    const pod = makePod(`web-${i}`, { labels: { app: 'web' }, spec: { affinity: antiWeb() } });
    const r = schedule(pod, nodes, byNode);
    if (!('node' in r)) return t.fail(JSON.stringify(r));
    chosen.push(r.node);
    byNode.set(r.node, [...(byNode.get(r.node) ?? []), pod]);
  }
  t.deepEqual([...chosen].sort(), ['n1', 'n2', 'n3']);
  const fourth = schedule(
    makePod('web-3', { labels: { app: 'web' }, spec: { affinity: antiWeb() } }),
    nodes,
    byNode,
  );
  t.deepEqual(fourth, {
    unschedulable: true,
    message:
      "0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules. " +
      'preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.',
    reasons: { "node(s) didn't match pod anti-affinity rules": 3 },
  });
});

test('anti-affinity over a zone key blocks every node of that zone', (t) => {
  const nodes = [
    makeNode('a1', { labels: { 'topology.kubernetes.io/zone': 'a' } }),
    makeNode('a2', { labels: { 'topology.kubernetes.io/zone': 'a' } }),
    makeNode('b1', { labels: { 'topology.kubernetes.io/zone': 'b' } }),
  ];
  const running = placed([['a1', [makePod('web-0', { labels: { app: 'web' } })]]]);
  const pod = makePod('web-1', {
    labels: { app: 'web' },
    spec: { affinity: antiWeb('topology.kubernetes.io/zone') },
  });
  t.deepEqual(schedule(pod, nodes, running), { node: 'b1' });
});

test("an existing pod's anti-affinity keeps matching pods away", (t) => {
  const nodes = [makeNode('n1'), makeNode('n2')];
  const guard = makePod('guard', { spec: { affinity: antiWeb() } });
  const r = schedule(makePod('web', { labels: { app: 'web' } }), [nodes[0]], placed([['n1', [guard]]]));
  t.deepEqual(r, {
    unschedulable: true,
    message:
      "0/1 nodes are available: 1 node(s) didn't satisfy existing pods anti-affinity rules. " +
      'preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
    reasons: { "node(s) didn't satisfy existing pods anti-affinity rules": 1 },
  });
  t.deepEqual(schedule(makePod('web', { labels: { app: 'web' } }), nodes, placed([['n1', [guard]]])), {
    node: 'n2',
  });
});

const affinityToDb: JsonObject = {
  podAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: [
      { labelSelector: { matchLabels: { app: 'db' } }, topologyKey: 'kubernetes.io/hostname' },
    ],
  },
};

test('required pod affinity follows the matching pod, and fails where there is none', (t) => {
  const nodes = [makeNode('n1'), makeNode('n2')];
  const db = makePod('db', { labels: { app: 'db' } });
  t.deepEqual(schedule(makePod('app', { spec: { affinity: affinityToDb } }), nodes, placed([['n2', [db]]])), {
    node: 'n2',
  });
  const none = schedule(makePod('app', { spec: { affinity: affinityToDb } }), nodes, new Map());
  t.true(
    'unschedulable' in none &&
      none.message ===
        "0/2 nodes are available: 2 node(s) didn't match pod affinity rules. " +
          'preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.',
  );
});

test('the first pod of a self-affine group may go anywhere', (t) => {
  const pod = makePod('db-0', { labels: { app: 'db' }, spec: { affinity: affinityToDb } });
  t.deepEqual(schedule(pod, [makeNode('n1')], new Map()), { node: 'n1' });
});

test('pod affinity terms only see their own namespace unless told otherwise', (t) => {
  const nodes = [makeNode('n1'), makeNode('n2')];
  const other = makePod('db', { labels: { app: 'db' } });
  (other.metadata as JsonObject).namespace = 'data';
  const byNode = placed([['n2', [other]]]);
  t.true('unschedulable' in schedule(makePod('app', { spec: { affinity: affinityToDb } }), nodes, byNode));
  const everywhere: JsonObject = {
    podAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: [
        {
          labelSelector: { matchLabels: { app: 'db' } },
          namespaceSelector: {},
          topologyKey: 'kubernetes.io/hostname',
        },
      ],
    },
  };
  t.deepEqual(schedule(makePod('app', { spec: { affinity: everywhere } }), nodes, byNode), { node: 'n2' });
});
