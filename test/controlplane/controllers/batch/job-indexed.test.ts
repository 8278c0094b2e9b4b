import test from 'ava';
import {
  firstPendingIndexes,
  formatIndexes,
  newJobPod,
  parseIndexes,
  planJob,
  generateNameWithIndex,
} from '../../../../src/controlplane/controllers/batch/index.js';
import { T0, job, pod } from './fixtures.js';

test('completedIndexes round-trips in the Kubernetes compressed form', (t) => {
  t.is(formatIndexes([5, 0, 1, 2, 4, 7, 9, 8]), '0-2,4,5,7-9');
  t.is(formatIndexes([]), '');
  t.deepEqual(
    [...parseIndexes('0-2,4,9-12', 10)].sort((a, b) => a - b),
    [0, 1, 2, 4, 9],
  );
  t.deepEqual([...parseIndexes('x,3', 5)], [3]);
});

test('firstPendingIndexes skips succeeded and running indexes', (t) => {
  t.deepEqual(firstPendingIndexes(2, 5, new Set([0]), [pod('p', 'Running', { index: 2 })]), [1, 3]);
  t.deepEqual(firstPendingIndexes(9, 3, new Set([1]), []), [0, 2]);
});

test('an Indexed Job creates the lowest pending indexes and records completed ones', (t) => {
  const j = job({ completionMode: 'Indexed', completions: 5, parallelism: 3 });
  const plan = planJob(j, [pod('s1', 'Succeeded', { index: 1 }), pod('r0', 'Running', { index: 0 })], T0);
  t.deepEqual(plan.createIndexes, [2, 3]);
  t.is(plan.create, 2);
  t.is(plan.status.completedIndexes, '1');
  t.is(plan.status.succeeded, 1);
});

test('Indexed: success per index, not per pod; duplicates and out-of-range pods are deleted', (t) => {
  const j = job({ completionMode: 'Indexed', completions: 2, parallelism: 2 });
  const twice = [pod('a', 'Succeeded', { index: 0 }), pod('b', 'Succeeded', { index: 0 })];
  const plan = planJob(j, twice, T0);
  t.is(plan.status.succeeded, 1);
  t.deepEqual(plan.createIndexes, [1]);

  const messy = [
    pod('dup-old', 'Ready', { index: 0 }),
    pod('dup-new', 'Pending', { index: 0 }),
    pod('far', 'Running', { index: 7 }),
  ];
  const cleanup = planJob(j, messy, T0);
  t.deepEqual(cleanup.delete.sort(), ['dup-new', 'far']);
  t.is(cleanup.create, 0);
});

test('Indexed: complete when every index succeeded, including ones remembered in status', (t) => {
  const j = job({ completionMode: 'Indexed', completions: 3, parallelism: 3 });
  j.status = { completedIndexes: '0,1' };
  const plan = planJob(j, [pod('c', 'Succeeded', { index: 2 })], T0);
  t.is(plan.status.completedIndexes, '0-2');
  t.true(plan.status.conditions!.some((c) => c.type === 'Complete' && c.status === 'True'));
});

test('newJobPod: labels, owner, generateName; with an index also annotation, env and hostname', (t) => {
  const j = job({ completionMode: 'Indexed', completions: 3 }, 'sim');
  const plain = newJobPod(j);
  t.is(plain.metadata.generateName, 'sim-');
  t.deepEqual(plain.metadata.labels, {
    app: 'sim',
    'batch.kubernetes.io/job-name': 'sim',
    'job-name': 'sim',
    'batch.kubernetes.io/controller-uid': 'uid-sim',
    'controller-uid': 'uid-sim',
  });
  t.deepEqual(plain.metadata.ownerReferences, [
    {
      apiVersion: 'batch/v1',
      kind: 'Job',
      name: 'sim',
      uid: 'uid-sim',
      controller: true,
      blockOwnerDeletion: true,
    },
  ]);
  t.is(plain.spec!.restartPolicy, 'Never');

  const indexed = newJobPod(j, 2);
  t.is(indexed.metadata.generateName, 'sim-2-');
  t.is(indexed.metadata.annotations!['batch.kubernetes.io/job-completion-index'], '2');
  t.is(indexed.metadata.labels!['batch.kubernetes.io/job-completion-index'], '2');
  t.is(indexed.spec!.hostname, 'sim-2');
  t.deepEqual((indexed.spec!.containers as { env: unknown[] }[])[0]!.env, [
    {
      name: 'JOB_COMPLETION_INDEX',
      valueFrom: { fieldRef: { fieldPath: "metadata.labels['batch.kubernetes.io/job-completion-index']" } },
    },
  ]);
  // the template itself is untouched
  t.is(j.spec.template.metadata!.annotations, undefined);
});

test('generateName with an index keeps the index when the name is long', (t) => {
  const long = 'x'.repeat(60);
  const name = generateNameWithIndex(long, 12);
  t.is(name.length, 58);
  t.true(name.endsWith('-12-'));
});
