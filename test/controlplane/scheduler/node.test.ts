import test from 'ava';
import {
  goArch,
  nodeForThisMachine,
  parseQuantity,
  schedule,
} from '../../../src/controlplane/scheduler/index.js';
import type { JsonObject } from '../../../src/core/index.js';
import { makePod } from './helpers.js';

const now = new Date('2025-01-02T03:04:05.678Z');
const node = nodeForThisMachine({
  name: 'laptop',
  cpus: 8,
  memoryBytes: 16 * 1024 ** 3,
  labels: { team: 'a', 'kubernetes.io/os': 'windows' },
  arch: 'arm64',
  ephemeralStorageBytes: 500 * 1024 ** 3,
  now,
});
const status = node.status as JsonObject;

test('metadata: kubelet-owned labels win over caller labels', (t) => {
  t.is(node.apiVersion, 'v1');
  t.is(node.kind, 'Node');
  t.deepEqual((node.metadata as JsonObject).labels, {
    team: 'a',
    'kubernetes.io/hostname': 'laptop',
    'kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'arm64',
  });
});

test('capacity as measured, allocatable minus the default eviction reserves', (t) => {
  t.deepEqual(status.capacity, {
    cpu: '8',
    memory: `${16 * 1024 * 1024}Ki`,
    pods: '110',
    'ephemeral-storage': `${500 * 1024 * 1024}Ki`,
  });
  const alloc = status.allocatable as Record<string, string>;
  t.is(alloc.cpu, '8');
  t.is(alloc.pods, '110');
  t.is(parseQuantity(alloc.memory), 16 * 1024 ** 3 - 100 * 1024 ** 2);
  t.is(parseQuantity(alloc['ephemeral-storage']), Math.floor(500 * 1024 ** 3 * 0.9));
});

test('conditions, addresses and nodeInfo look like a healthy kubelet', (t) => {
  const conditions = status.conditions as JsonObject[];
  t.deepEqual(
    conditions.map((c) => [c.type, c.status, c.reason]),
    [
      ['MemoryPressure', 'False', 'KubeletHasSufficientMemory'],
      ['DiskPressure', 'False', 'KubeletHasNoDiskPressure'],
      ['PIDPressure', 'False', 'KubeletHasSufficientPID'],
      ['Ready', 'True', 'KubeletReady'],
    ],
  );
  t.true(conditions.every((c) => c.lastHeartbeatTime === '2025-01-02T03:04:05Z'));
  t.deepEqual(status.addresses, [
    { type: 'InternalIP', address: '127.0.0.1' },
    { type: 'Hostname', address: 'laptop' },
  ]);
  const info = status.nodeInfo as JsonObject;
  t.is(info.kubeletVersion, 'v1.32.0-capstan');
  t.is(info.architecture, 'arm64');
  t.is(info.operatingSystem, 'linux');
});

test('maxPods, fractional cpus and the arch default', (t) => {
  const n = nodeForThisMachine({ name: 'x', cpus: 1.5, memoryBytes: 1024 ** 3, maxPods: 3 });
  const cap = (n.status as JsonObject).capacity as Record<string, string>;
  t.is(cap.cpu, '1500m');
  t.is(cap.pods, '3');
  t.is(
    ((n.metadata as JsonObject).labels as Record<string, string>)['kubernetes.io/arch'],
    goArch(process.arch),
  );
  t.is(goArch('x64'), 'amd64');
});

test('the scheduler places pods on it until its pod slots run out', (t) => {
  const small = nodeForThisMachine({ name: 'x', cpus: 2, memoryBytes: 2 * 1024 ** 3, maxPods: 1, now });
  t.deepEqual(schedule(makePod('a', { cpu: '1', memory: '1Gi' }), [small], new Map()), { node: 'x' });
  const full = schedule(makePod('b'), [small], new Map([['x', [makePod('a')]]]));
  t.true('unschedulable' in full && full.reasons['Too many pods'] === 1);
});
