import test from 'ava';
import {
  getCondition,
  isTrue,
  removeCondition,
  setCondition,
  setDeploymentCondition,
  type Condition,
  type DeploymentCondition,
} from '../../src/runtime/index.js';

const at = (minute: number) => new Date(Date.UTC(2024, 0, 1, 10, minute));
const time = (minute: number) => `2024-01-01T10:${String(minute).padStart(2, '0')}:00Z`;

test('setCondition appends a new condition stamped now', (t) => {
  const out = setCondition(
    [],
    { type: 'Ready', status: 'False', reason: 'Progressing', message: 'applying', observedGeneration: 3 },
    at(0),
  );
  t.deepEqual(out, [
    {
      type: 'Ready',
      status: 'False',
      reason: 'Progressing',
      message: 'applying',
      lastTransitionTime: time(0),
      observedGeneration: 3,
    },
  ]);
});

test('setCondition moves lastTransitionTime only when the status flips, in place', (t) => {
  let conditions: Condition[] = [];
  conditions = setCondition(
    conditions,
    { type: 'Ready', status: 'False', reason: 'Progressing', message: 'a' },
    at(0),
  );
  conditions = setCondition(
    conditions,
    { type: 'Healthy', status: 'Unknown', reason: 'Pending', message: '' },
    at(0),
  );
  const input = conditions;
  conditions = setCondition(
    conditions,
    { type: 'Ready', status: 'False', reason: 'HealthCheckFailed', message: 'b' },
    at(5),
  );
  t.deepEqual(input[0].reason, 'Progressing', 'the input is not mutated');
  t.deepEqual(
    conditions.map((c) => c.type),
    ['Ready', 'Healthy'],
  );
  t.is(conditions[0].reason, 'HealthCheckFailed');
  t.is(conditions[0].lastTransitionTime, time(0));
  conditions = setCondition(
    conditions,
    { type: 'Ready', status: 'True', reason: 'Succeeded', message: 'c' },
    at(7),
  );
  t.is(conditions[0].lastTransitionTime, time(7));
  t.deepEqual(
    conditions.map((c) => c.type),
    ['Ready', 'Healthy'],
  );
});

test('setCondition returns the input itself when nothing changes', (t) => {
  const conditions = setCondition(
    [],
    { type: 'Ready', status: 'True', reason: 'Succeeded', message: 'ok', observedGeneration: 2 },
    at(0),
  );
  const same = {
    type: 'Ready',
    status: 'True',
    reason: 'Succeeded',
    message: 'ok',
    observedGeneration: 2,
  } as const;
  t.is(setCondition(conditions, same, at(9)), conditions);
  const bumped = setCondition(conditions, { ...same, observedGeneration: 3 }, at(9));
  t.not(bumped, conditions);
  t.is(bumped[0].observedGeneration, 3);
  t.is(bumped[0].lastTransitionTime, time(0));
});

test('getCondition, isTrue and removeCondition', (t) => {
  const conditions = setCondition(
    [],
    { type: 'Ready', status: 'True', reason: 'Succeeded', message: '' },
    at(0),
  );
  t.is(getCondition(conditions, 'Ready')?.reason, 'Succeeded');
  t.is(getCondition(conditions, 'Stalled'), undefined);
  t.is(getCondition(undefined, 'Ready'), undefined);
  t.true(isTrue(conditions, 'Ready'));
  t.false(isTrue(conditions, 'Stalled'));
  t.false(isTrue(undefined, 'Ready'));
  t.deepEqual(removeCondition(conditions, 'Ready'), []);
  t.is(removeCondition(conditions, 'Stalled'), conditions);
});

test('setDeploymentCondition ignores an update with the same status and reason', (t) => {
  const conditions = setDeploymentCondition(
    [],
    {
      type: 'Available',
      status: 'True',
      reason: 'MinimumReplicasAvailable',
      message: 'Deployment has minimum availability.',
    },
    at(0),
  );
  t.deepEqual(conditions, [
    {
      type: 'Available',
      status: 'True',
      lastUpdateTime: time(0),
      lastTransitionTime: time(0),
      reason: 'MinimumReplicasAvailable',
      message: 'Deployment has minimum availability.',
    },
  ]);
  const same = setDeploymentCondition(
    conditions,
    { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'another message' },
    at(3),
  );
  t.is(same, conditions, 'even a new message is ignored, as in the deployment controller');
});

test('setDeploymentCondition: a new reason moves lastUpdateTime; a status flip moves both; moved to the end', (t) => {
  let conditions: DeploymentCondition[] = [];
  conditions = setDeploymentCondition(
    conditions,
    { type: 'Progressing', status: 'True', reason: 'NewReplicaSetCreated', message: 'created' },
    at(0),
  );
  conditions = setDeploymentCondition(
    conditions,
    { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'no' },
    at(0),
  );
  conditions = setDeploymentCondition(
    conditions,
    { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: 'progressing' },
    at(2),
  );
  t.deepEqual(
    conditions.map((c) => [c.type, c.lastUpdateTime, c.lastTransitionTime]),
    [
      ['Available', time(0), time(0)],
      ['Progressing', time(2), time(0)],
    ],
  );
  conditions = setDeploymentCondition(
    conditions,
    { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'timed out' },
    at(12),
  );
  t.deepEqual(getCondition(conditions, 'Progressing'), {
    type: 'Progressing',
    status: 'False',
    lastUpdateTime: time(12),
    lastTransitionTime: time(12),
    reason: 'ProgressDeadlineExceeded',
    message: 'timed out',
  });
});

test('setDeploymentCondition refresh rewrites message and lastUpdateTime for the same reason', (t) => {
  const first = setDeploymentCondition(
    [],
    { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: 'rs 1 of 3' },
    at(0),
  );
  const next = setDeploymentCondition(
    first,
    { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: 'rs 2 of 3' },
    at(4),
    { refresh: true },
  );
  t.is(next[0].message, 'rs 2 of 3');
  t.is(next[0].lastUpdateTime, time(4));
  t.is(next[0].lastTransitionTime, time(0));
});
