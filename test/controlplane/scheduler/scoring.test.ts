import test from 'ava';
import { schedule } from '../../../src/controlplane/scheduler/index.js';
import {
  defaultNormalize,
  leastAllocatedScore,
  minMaxNormalize,
} from '../../../src/controlplane/scheduler/scores.js';
import { nodeInfo } from '../../../src/controlplane/scheduler/filters.js';
import type { JsonObject } from '../../../src/core/index.js';
import { makeNode, makePod, placed } from './helpers.js';

test('least-allocated: the emptier node wins', (t) => {
  const nodes = [makeNode('busy'), makeNode('idle')];
  const byNode = placed([['busy', [makePod('x', { cpu: '3', memory: '6Gi' })]]]);
  t.deepEqual(schedule(makePod('p', { cpu: '500m', memory: '512Mi' }), nodes, byNode), { node: 'idle' });
});

test('least-allocated arithmetic matches the worked example', (t) => {
  const info = nodeInfo(makeNode('n', { cpu: '4', memory: '4Gi' }), [
    makePod('x', { cpu: '1', memory: '512Mi' }),
  ]);
  // cpu (4000-2000)*100/4000 = 50; memory (4096-1024)Mi*100/4096Mi = 75; (50+75)/2 = 62
  t.is(leastAllocatedScore({ cpu: 1000, memory: 512 * 1024 ** 2 }, info), 62);
});

test('pods without requests still spread, through the 100m/200Mi scoring defaults', (t) => {
  const nodes = [makeNode('a', { cpu: '1', memory: '1Gi' }), makeNode('b', { cpu: '1', memory: '1Gi' })];
  const byNode = placed([['a', [makePod('x')]]]);
  t.deepEqual(schedule(makePod('p'), nodes, byNode), { node: 'b' });
});

test('preferred node affinity outweighs a small resource difference', (t) => {
  const nodes = [makeNode('plain'), makeNode('fast', { labels: { disk: 'ssd' } })];
  const byNode = placed([['fast', [makePod('x', { cpu: '1' })]]]);
  const pod = makePod('p', {
    spec: {
      affinity: {
        nodeAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            {
              weight: 10,
              preference: { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] },
            },
          ],
        },
      },
    },
  });
  t.deepEqual(schedule(pod, nodes, byNode), { node: 'fast' });
  t.deepEqual(schedule(makePod('q'), nodes, byNode), { node: 'plain' });
});

test('PreferNoSchedule taints push pods away unless tolerated', (t) => {
  const nodes = [
    makeNode('a', { taints: [{ key: 'spot', value: 'true', effect: 'PreferNoSchedule' }] }),
    makeNode('b'),
  ];
  t.deepEqual(schedule(makePod('p'), nodes, new Map()), { node: 'b' });
  // With b more loaded, a tolerating pod prefers a.
  const byNode = placed([['b', [makePod('x', { cpu: '2' })]]]);
  const tolerant = makePod('p', {
    spec: { tolerations: [{ key: 'spot', operator: 'Exists', effect: 'PreferNoSchedule' }] },
  });
  t.deepEqual(schedule(tolerant, nodes, byNode), { node: 'a' });
  t.deepEqual(schedule(makePod('p'), nodes, byNode), { node: 'b' }, 'the taint weighs 3x and beats load');
});

const prefer = (kind: 'podAffinity' | 'podAntiAffinity', weight: number): JsonObject => ({
  [kind]: {
    preferredDuringSchedulingIgnoredDuringExecution: [
      {
        weight,
        podAffinityTerm: {
          labelSelector: { matchLabels: { app: 'cache' } },
          topologyKey: 'kubernetes.io/hostname',
        },
      },
    ],
  },
});

test('preferred pod affinity draws the pod to the matching pod, anti-affinity away', (t) => {
  const nodes = [makeNode('a'), makeNode('b')];
  // b carries the cache and is slightly busier; affinity must still win it.
  const byNode = placed([['b', [makePod('cache', { labels: { app: 'cache' }, cpu: '500m' })]]]);
  t.deepEqual(schedule(makePod('p', { spec: { affinity: prefer('podAffinity', 50) } }), nodes, byNode), {
    node: 'b',
  });
  t.deepEqual(schedule(makePod('p', { spec: { affinity: prefer('podAntiAffinity', 50) } }), nodes, byNode), {
    node: 'a',
  });
});

test('ties go to the node whose name sorts first, whatever the input order', (t) => {
  const nodes = [makeNode('c'), makeNode('a'), makeNode('b')];
  t.deepEqual(schedule(makePod('p'), nodes, new Map()), { node: 'a' });
  t.deepEqual(schedule(makePod('p'), [...nodes].reverse(), new Map()), { node: 'a' });
});

test('normalizers behave like DefaultNormalizeScore and the min-max of InterPodAffinity', (t) => {
  t.deepEqual(defaultNormalize([0, 5, 10], false), [0, 50, 100]);
  t.deepEqual(defaultNormalize([0, 1, 2], true), [100, 50, 0]);
  t.deepEqual(defaultNormalize([0, 0], true), [100, 100]);
  t.deepEqual(minMaxNormalize([-50, 0, 50]), [0, 50, 100]);
  t.deepEqual(minMaxNormalize([10, 20]), [50, 100], 'min starts at 0');
});
