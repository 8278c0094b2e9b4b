/** The resume logic shared by both drivers, against a scripted backend (no server). */
import test from 'ava';
import type { JsonObject, KubeObject } from '../../src/core/index.js';
import { ClusterError, type ClusterWatch, type ClusterWatchEvent } from '../../src/cluster/index.js';
import { resumableWatch, type WatchBackend } from '../../src/cluster/resumable-watch.js';
import { eventually } from '../helpers/eventually.js';

const cm = (name: string, rv: string, uid = `uid-${name}`): KubeObject & JsonObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'ns', resourceVersion: rv, uid },
});

/** A backend whose list and streams the test drives by hand. */
function scripted(items: KubeObject[], listRv = '10') {
  const state = {
    items,
    listRv,
    lists: 0,
    opens: [] as string[],
    /** errors the next opens fail with, in order */
    openFailures: [] as ClusterError[],
    stream: undefined as
      { onEvent: (type: string, o: JsonObject) => void; onEnd: (e?: ClusterError) => void } | undefined,
  };
  const backend: WatchBackend = {
    async list() {
      state.lists++;
      return { items: state.items, resourceVersion: state.listRv };
    },
    async open(rv, onEvent, onEnd) {
      state.opens.push(rv);
      const failure = state.openFailures.shift();
      if (failure) throw failure;
      state.stream = { onEvent, onEnd };
      return { stop: () => (state.stream = undefined) };
    },
    statusError: (s) => new ClusterError(String(s.reason), Number(s.code), String(s.message)),
  };
  return { state, backend };
}

function start(backend: WatchBackend, startAfter?: string, attempts = 3) {
  const seen: string[] = [];
  const errors: ClusterError[] = [];
  const live = new Set<ClusterWatch>();
  const watch = resumableWatch(
    backend,
    startAfter,
    (e: ClusterWatchEvent) =>
      seen.push(`${e.type} ${e.object.metadata.name}@${e.object.metadata.resourceVersion}`),
    (e) => errors.push(e),
    { attempts, delayMs: 1, maxDelayMs: 4 },
    live,
  );
  return { seen, errors, live, watch };
}

const unreachable = () => new ClusterError('Unreachable', 0, 'ConfigMap: cannot reach');

test('lists, then watches from the list resourceVersion, then from the last event after a clean end', async (t) => {
  const { state, backend } = scripted([cm('a', '5')]);
  const w = start(backend);
  await w.watch;
  t.deepEqual(state.opens, ['10']);
  state.stream!.onEvent('MODIFIED', cm('a', '11'));
  state.stream!.onEvent('BOOKMARK', { metadata: { resourceVersion: '12' } });
  state.stream!.onEnd();
  await eventually(() => state.opens.length === 2);
  t.deepEqual(state.opens, ['10', '12']);
  t.is(state.lists, 1);
  t.deepEqual(w.seen, ['ADDED a@5', 'MODIFIED a@11']);
});

test('an event already told (same resourceVersion) is not told again', async (t) => {
  const { state, backend } = scripted([cm('a', '5')]);
  const w = start(backend);
  await w.watch;
  state.stream!.onEvent('ADDED', cm('a', '5'));
  state.stream!.onEvent('ADDED', cm('a', '6'));
  t.deepEqual(w.seen, ['ADDED a@5', 'MODIFIED a@6']);
});

test('a relist tells a deletion and re-creation (new uid) as DELETED then ADDED', async (t) => {
  const { state, backend } = scripted([cm('a', '5'), cm('b', '6')]);
  const w = start(backend);
  await w.watch;
  state.items = [cm('a', '20', 'uid-a2'), cm('b', '6')];
  state.listRv = '21';
  state.stream!.onEvent('ERROR', { kind: 'Status', code: 410, reason: 'Expired', message: 'too old' });
  await eventually(() => state.opens.length === 2);
  t.deepEqual(state.opens, ['10', '21']);
  t.deepEqual(w.seen, ['ADDED a@5', 'ADDED b@6', 'DELETED a@5', 'ADDED a@20']);
});

test('transient failures are retried, then reported once the attempts are spent', async (t) => {
  const { state, backend } = scripted([]);
  const w = start(backend, undefined, 3);
  const watch = await w.watch;
  t.is(w.live.size, 1);
  state.openFailures.push(unreachable(), unreachable(), unreachable());
  state.stream!.onEnd(unreachable());
  await eventually(() => w.errors.length === 1);
  // the end, then three failed opens: the fourth failure gives up
  t.is(state.opens.length, 4);
  t.is(w.errors[0].code, 'CLUSTER_UNREACHABLE');
  t.is(w.live.size, 0);
  watch.stop();
});

test('a success in between starts the count again', async (t) => {
  const { state, backend } = scripted([]);
  const w = start(backend, undefined, 2);
  await w.watch;
  state.openFailures.push(unreachable());
  state.stream!.onEnd(unreachable());
  await eventually(() => state.opens.length === 3 && state.stream);
  state.openFailures.push(unreachable());
  state.stream!.onEnd(unreachable());
  await eventually(() => state.opens.length === 5 && state.stream);
  t.deepEqual(w.errors, []);
});

test('an error only a person can fix is reported at once', async (t) => {
  const { state, backend } = scripted([]);
  const w = start(backend);
  await w.watch;
  state.stream!.onEvent('ERROR', { kind: 'Status', code: 403, reason: 'Forbidden', message: 'no' });
  t.is(w.errors.length, 1);
  t.is(w.errors[0].code, 'CLUSTER_FORBIDDEN');
  t.is(state.opens.length, 1);
});

test('a start after an expired resourceVersion lists instead; a failing start rejects', async (t) => {
  const expired = scripted([cm('a', '5')]);
  expired.state.openFailures.push(new ClusterError('Expired', 410, 'too old'));
  const w = start(expired.backend, '3');
  await w.watch;
  t.deepEqual(expired.state.opens, ['3', '10']);
  t.deepEqual(w.seen, ['ADDED a@5']);

  const refused = scripted([]);
  refused.state.openFailures.push(new ClusterError('Forbidden', 403, 'no'));
  const r = start(refused.backend);
  const e = await t.throwsAsync(r.watch);
  t.is((e as ClusterError).code, 'CLUSTER_FORBIDDEN');
  t.is(r.live.size, 0);
});

test('nothing is told after stop, and stop is idempotent', async (t) => {
  const { state, backend } = scripted([]);
  const w = start(backend);
  const watch = await w.watch;
  const stream = state.stream!;
  watch.stop();
  watch.stop();
  stream.onEvent('ADDED', cm('late', '30'));
  stream.onEnd();
  t.deepEqual(w.seen, []);
  t.is(state.opens.length, 1);
});
