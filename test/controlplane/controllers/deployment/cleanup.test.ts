import test from 'ava';
import { cleanupPlan } from '../../../../src/controlplane/controllers/deployment/index.js';
import { deployment, replicaSet } from './fixtures.js';

const zero = (rev: number) => {
  const rs = replicaSet(`web-r${rev}`, 0, { revision: rev });
  rs.status = { replicas: 0, observedGeneration: 1 };
  return rs;
};

test('deletes the oldest revisions beyond revisionHistoryLimit', (t) => {
  const old = [zero(4), zero(2), zero(5), zero(1), zero(3)];
  t.deepEqual(cleanupPlan(deployment({ revisionHistoryLimit: 2 }), old), ['web-r1', 'web-r2', 'web-r3']);
  t.deepEqual(cleanupPlan(deployment({ revisionHistoryLimit: 0 }), old).length, 5);
  t.deepEqual(cleanupPlan(deployment({ revisionHistoryLimit: 5 }), old), []);
  t.deepEqual(cleanupPlan(deployment({ revisionHistoryLimit: 2147483647 }), old), []);
});

test('never deletes a ReplicaSet that still has pods, is unobserved, or is being deleted', (t) => {
  const busy = replicaSet('web-r1', 3, { revision: 1 });
  const unobserved = zero(2);
  unobserved.metadata.generation = 2;
  const deleting = zero(3);
  deleting.metadata.deletionTimestamp = '2024-05-01T12:00:00Z';
  // 3 alive, limit 1: candidates r1 and r2 are skipped, not replaced by r4
  t.deepEqual(
    cleanupPlan(deployment({ revisionHistoryLimit: 1 }), [busy, unobserved, deleting, zero(4)]),
    [],
  );
  t.deepEqual(cleanupPlan(deployment({ revisionHistoryLimit: 0 }), [busy, zero(4)]), ['web-r4']);
});
