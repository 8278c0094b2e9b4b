import test from 'ava';
import { lines, startHarness, type Harness } from './helpers.js';

let h: Harness;
test.before(async () => {
  h = await startHarness({ now: () => new Date('2030-01-01T00:10:00Z') });
  for (const name of ['p1', 'p2']) {
    await h.fetch('/api/v1/namespaces/t/pods', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        metadata: { name, labels: { app: 'x' } },
        spec: { nodeName: 'n1' },
        status: { phase: 'Running' },
      }),
    });
  }
  await h.fetch('/api/v1/namespaces/t/configmaps', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ metadata: { name: 'cm', creationTimestamp: '2030-01-01T00:00:00Z' } }),
  });
});
test.after.always(() => h.close());

/** what kubectl get sends */
const kubectlAccept =
  'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

test('a list as Table has the type columns, cells from printRow and metadata objects', async (t) => {
  const res = await h.fetch('/api/v1/namespaces/t/pods', { headers: { Accept: kubectlAccept } });
  const table = await res.json();
  t.like(table, { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion: '103' } });
  t.deepEqual(
    table.columnDefinitions.map((c: any) => [c.name, c.type, c.format, c.priority]),
    [
      ['Name', 'string', 'name', 0],
      ['Status', 'string', '', 0],
      ['Node', 'string', '', 1],
    ],
  );
  t.deepEqual(table.rows[0].cells, ['p1', 'Running', 'n1']);
  t.deepEqual(table.rows[0].object.kind, 'PartialObjectMetadata');
  t.is(table.rows[0].object.apiVersion, 'meta.k8s.io/v1');
  t.is(table.rows[0].object.metadata.labels.app, 'x');
  t.is(table.rows[0].object.spec, undefined);
});

test('a single object as Table; includeObject=Object and None', async (t) => {
  const full = await (
    await h.fetch('/api/v1/namespaces/t/pods/p2?includeObject=Object', { headers: { Accept: kubectlAccept } })
  ).json();
  t.is(full.rows.length, 1);
  t.is(full.rows[0].object.kind, 'Pod');
  t.is(full.rows[0].object.spec.nodeName, 'n1');
  const none = await (
    await h.fetch('/api/v1/namespaces/t/pods/p2?includeObject=None', { headers: { Accept: kubectlAccept } })
  ).json();
  t.false('object' in none.rows[0]);
});

test('types without print columns get NAME and AGE', async (t) => {
  const table = await (
    await h.fetch('/api/v1/namespaces/t/configmaps', { headers: { Accept: kubectlAccept } })
  ).json();
  t.deepEqual(
    table.columnDefinitions.map((c: any) => c.name),
    ['Name', 'Age'],
  );
  t.deepEqual(table.rows[0].cells, ['cm', '10m']);
});

test('PartialObjectMetadata and PartialObjectMetadataList', async (t) => {
  const list = await (
    await h.fetch('/api/v1/namespaces/t/pods', {
      headers: { Accept: 'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io' },
    })
  ).json();
  t.is(list.kind, 'PartialObjectMetadataList');
  t.deepEqual(
    list.items.map((i: any) => [i.kind, i.metadata.name]),
    [
      ['PartialObjectMetadata', 'p1'],
      ['PartialObjectMetadata', 'p2'],
    ],
  );
  const one = await (
    await h.fetch('/api/v1/namespaces/t/pods/p1', {
      headers: { Accept: 'application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io' },
    })
  ).json();
  t.deepEqual(Object.keys(one).sort(), ['apiVersion', 'kind', 'metadata']);
});

test('watch events as Tables: columns in the first event only', async (t) => {
  const controller = new AbortController();
  const res = await h.fetch('/api/v1/namespaces/t/pods?watch=true', {
    headers: { Accept: kubectlAccept },
    signal: controller.signal,
  });
  const events = lines(res);
  const first = (await events.next()).value!;
  const second = (await events.next()).value!;
  controller.abort();
  t.is(first.type, 'ADDED');
  t.is(first.object.kind, 'Table');
  t.is(first.object.columnDefinitions.length, 3);
  t.deepEqual(first.object.rows[0].cells, ['p1', 'Running', 'n1']);
  t.deepEqual(second.object.columnDefinitions, []);
  t.is(second.object.rows[0].cells[0], 'p2');
});
