import test from 'ava';
import { podRequests } from '../../../src/controlplane/scheduler/index.js';
import { requestAmounts } from '../../../src/controlplane/scheduler/resources.js';
import type { JsonObject } from '../../../src/core/index.js';

const c = (name: string, requests: JsonObject, extra: JsonObject = {}): JsonObject => ({
  name,
  image: 'x',
  resources: { requests },
  ...extra,
});

test('sums containers', (t) => {
  const pod = { spec: { containers: [c('a', { cpu: '100m', memory: '64Mi' }), c('b', { cpu: '200m' })] } };
  t.deepEqual(podRequests(pod), { cpu: 0.3, memory: 64 * 1024 ** 2 });
});

test('an init container larger than the sum raises the request', (t) => {
  const pod = {
    spec: {
      containers: [c('a', { cpu: '100m', memory: '64Mi' }), c('b', { cpu: '200m' })],
      initContainers: [c('init', { cpu: '500m', memory: '32Mi' })],
    },
  };
  // cpu: max(300m, 500m); memory: max(64Mi, 32Mi)
  t.deepEqual(podRequests(pod), { cpu: 0.5, memory: 64 * 1024 ** 2 });
});

test('sidecars add to the sum and run beside later init containers', (t) => {
  const pod = {
    spec: {
      containers: [c('app', { cpu: '100m' })],
      initContainers: [
        c('sidecar', { cpu: '200m' }, { restartPolicy: 'Always' }),
        c('migrate', { cpu: '250m' }),
      ],
    },
  };
  // running: app 100m + sidecar 200m = 300m; migrate runs with the sidecar: 450m
  t.deepEqual(podRequests(pod), { cpu: 0.45 });
});

test('overhead is added and missing requests count as zero', (t) => {
  const pod = { spec: { containers: [{ name: 'a', image: 'x' }], overhead: { cpu: '50m', memory: '10Mi' } } };
  t.deepEqual(podRequests(pod), { cpu: 0.05, memory: 10 * 1024 ** 2 });
  t.deepEqual(podRequests({ spec: { containers: [{ name: 'a' }] } }), {});
});

test('a limit without a request stands in for the request, as API defaulting does', (t) => {
  const pod = {
    spec: {
      containers: [
        { name: 'a', resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m' } } },
      ],
    },
  };
  t.deepEqual(podRequests(pod), { cpu: 0.5, memory: 1024 ** 3 });
});

test('non-zero requests fill in 100m / 200Mi per container for scoring', (t) => {
  const pod = { spec: { containers: [{ name: 'a' }, c('b', { cpu: '1' })] } };
  t.deepEqual(requestAmounts(pod, true), { cpu: 1100, memory: 400 * 1024 ** 2 });
});
