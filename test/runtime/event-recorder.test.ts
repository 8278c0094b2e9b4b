import test from 'ava';
import type { JsonObject } from '../../src/core/index.js';
import { EventRecorder, FakeClock } from '../../src/runtime/index.js';

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop', uid: 'u-1', resourceVersion: '41' },
};

function setup(sink?: (e: JsonObject) => Promise<void>) {
  const clock = new FakeClock(Date.UTC(2024, 0, 1));
  const events: JsonObject[] = [];
  const recorder = new EventRecorder({
    sink: sink ?? (async (e) => void events.push(e)),
    component: 'deployment-controller',
    host: 'node-1',
    clock,
  });
  return { clock, events, recorder };
}

test('an event is a core/v1 Event about the object', async (t) => {
  const { events, recorder } = setup();
  recorder.event(deployment, 'Normal', 'ScalingReplicaSet', 'Scaled up replica set web-5d9 to 3');
  await recorder.flush();
  t.deepEqual(events, [
    {
      apiVersion: 'v1',
      kind: 'Event',
      // Unix nanoseconds in hex: 1704067200000 ms × 10^6
      metadata: { name: 'web.17a6101701650000', namespace: 'shop' },
      involvedObject: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        namespace: 'shop',
        name: 'web',
        uid: 'u-1',
        resourceVersion: '41',
      },
      reason: 'ScalingReplicaSet',
      message: 'Scaled up replica set web-5d9 to 3',
      source: { component: 'deployment-controller', host: 'node-1' },
      firstTimestamp: '2024-01-01T00:00:00Z',
      lastTimestamp: '2024-01-01T00:00:00Z',
      count: 1,
      type: 'Normal',
      eventTime: null,
      reportingComponent: 'deployment-controller',
      reportingInstance: 'node-1',
    },
  ]);
  t.is(recorder.delivered, 1);
});

test('repeats within the window bump the count of the first event', async (t) => {
  const { clock, events, recorder } = setup();
  recorder.event(deployment, 'Warning', 'FailedCreate', 'quota exceeded');
  clock.advance(5000);
  recorder.event(
    { ...deployment, metadata: { ...deployment.metadata, resourceVersion: '42' } },
    'Warning',
    'FailedCreate',
    'quota exceeded',
  );
  clock.advance(5000);
  recorder.event(deployment, 'Warning', 'FailedCreate', 'quota exceeded');
  await recorder.flush();
  t.is(events.length, 3);
  const names = new Set(events.map((e) => (e.metadata as JsonObject).name));
  t.is(names.size, 1, 'one Event, updated');
  t.deepEqual(
    events.map((e) => [e.count, e.firstTimestamp, e.lastTimestamp]),
    [
      [1, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z'],
      [2, '2024-01-01T00:00:00Z', '2024-01-01T00:00:05Z'],
      [3, '2024-01-01T00:00:00Z', '2024-01-01T00:00:10Z'],
    ],
  );
  t.is((events[1].involvedObject as JsonObject).resourceVersion, '42');
});

test('a different message, reason or object is a new event; so is a repeat after the window', async (t) => {
  const { clock, events, recorder } = setup();
  recorder.event(deployment, 'Warning', 'FailedCreate', 'quota exceeded');
  recorder.event(deployment, 'Warning', 'FailedCreate', 'forbidden');
  recorder.event(deployment, 'Normal', 'ScalingReplicaSet', 'quota exceeded');
  recorder.event(
    { ...deployment, metadata: { ...deployment.metadata, name: 'api' } },
    'Warning',
    'FailedCreate',
    'quota exceeded',
  );
  clock.advance(10 * 60 * 1000 + 1);
  recorder.event(deployment, 'Warning', 'FailedCreate', 'quota exceeded');
  await recorder.flush();
  t.true(events.every((e) => e.count === 1));
  const names = events.map((e) => (e.metadata as JsonObject).name);
  t.is(new Set(names).size, 5, 'same-millisecond events still get distinct names');
  t.is(names[1], 'web.17a6101701650001');
});

test('events of cluster-scoped objects go to the default namespace', async (t) => {
  const { events, recorder } = setup();
  recorder.event(
    { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1', uid: 'n' } },
    'Normal',
    'Ready',
    'ready',
  );
  await recorder.flush();
  t.is((events[0].metadata as JsonObject).namespace, 'default');
  t.false('namespace' in (events[0].involvedObject as JsonObject));
});

test('sink failures are swallowed and counted, later events still delivered', async (t) => {
  let calls = 0;
  const delivered: JsonObject[] = [];
  const { recorder } = setup(async (e) => {
    calls++;
    if (calls === 1) throw new Error('apiserver down');
    if (calls === 2) return Promise.reject(new Error('still down'));
    delivered.push(e);
  });
  t.notThrows(() => recorder.event(deployment, 'Normal', 'A', 'a'));
  recorder.event(deployment, 'Normal', 'B', 'b');
  recorder.event(deployment, 'Normal', 'C', 'c');
  await recorder.flush();
  t.is(recorder.failed, 2);
  t.is(recorder.delivered, 1);
  t.is(delivered[0].reason, 'C');
});

test('a sink that throws synchronously does not throw into the caller', async (t) => {
  const { recorder } = setup(() => {
    throw new Error('sync');
  });
  t.notThrows(() => recorder.event(deployment, 'Normal', 'A', 'a'));
  await recorder.flush();
  t.is(recorder.failed, 1);
});

test('an unsupported type is dropped and counted, as client-go drops it', async (t) => {
  const { events, recorder } = setup();
  recorder.event(deployment, 'Error' as 'Warning', 'A', 'a');
  await recorder.flush();
  t.deepEqual(events, []);
  t.is(recorder.failed, 1);
});

test('without a host, source.host and reportingInstance are omitted', async (t) => {
  const events: JsonObject[] = [];
  const recorder = new EventRecorder({
    component: 'c',
    clock: new FakeClock(0),
    sink: async (e) => void events.push(e),
  });
  recorder.event(deployment, 'Normal', 'A', 'a');
  await recorder.flush();
  t.deepEqual(events[0].source, { component: 'c' });
  t.false('reportingInstance' in events[0]);
});

test('deliveries run one at a time, in order', async (t) => {
  const clock = new FakeClock(0);
  const order: string[] = [];
  let inFlight = 0;
  const recorder = new EventRecorder({
    clock,
    component: 'c',
    sink: async (e) => {
      inFlight++;
      t.is(inFlight, 1);
      await clock.tick();
      order.push(`${e.reason}#${e.count}`);
      inFlight--;
    },
  });
  recorder.event(deployment, 'Normal', 'Created', 'x');
  recorder.event(deployment, 'Normal', 'Created', 'x');
  recorder.event(deployment, 'Normal', 'Started', 'y');
  await recorder.flush();
  t.deepEqual(order, ['Created#1', 'Created#2', 'Started#1']);
});

test('the aggregation cache forgets the least recently seen event first', async (t) => {
  const clock = new FakeClock(0);
  const events: JsonObject[] = [];
  const recorder = new EventRecorder({
    clock,
    component: 'c',
    maxCacheEntries: 2,
    sink: async (e) => void events.push(e),
  });
  recorder.event(deployment, 'Normal', 'A', 'a');
  recorder.event(deployment, 'Normal', 'B', 'b');
  recorder.event(deployment, 'Normal', 'A', 'a'); // A is now the most recent
  recorder.event(deployment, 'Normal', 'C', 'c'); // evicts B
  recorder.event(deployment, 'Normal', 'A', 'a');
  recorder.event(deployment, 'Normal', 'B', 'b');
  await recorder.flush();
  t.deepEqual(
    events.map((e) => `${e.reason}#${e.count}`),
    ['A#1', 'B#1', 'A#2', 'C#1', 'A#3', 'B#1'],
  );
});
