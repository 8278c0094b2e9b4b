/**
 * The contract every Cluster driver keeps, run against each of them (embedded.test.ts,
 * kube.test.ts) on a control plane started once per file. Each test works in its own
 * namespace, so they run concurrently.
 */
import test from 'ava';
import type { ExecutionContext } from 'ava';
import type { ControlPlane } from '../../src/controlplane/index.js';
import type { KubeObject } from '../../src/core/index.js';
import { ClusterError, type Cluster, type ClusterWatchEvent } from '../../src/cluster/index.js';
import { eventually } from '../helpers/eventually.js';
import { controlWatches, status, type WatchControl } from './watch-control.js';

export interface ContractTarget {
  cluster: Cluster;
  /** another driver on the same control plane (for tests that close it) */
  connect(): Cluster;
  cp: ControlPlane;
  close(): Promise<void>;
}

let counter = 0;

export function clusterContract(driver: string, start: () => Promise<ContractTarget>): void {
  let target: ContractTarget;
  let watches: WatchControl;
  const cluster = () => target.cluster;

  test.before(async () => {
    target = await start();
    watches = controlWatches(target.cp.api);
  });
  test.after.always(async () => {
    await target?.cluster.close();
    await target?.close();
  });

  /** A fresh namespace for one test. */
  async function namespace(): Promise<string> {
    const name = `${driver}-${process.pid % 1000}-${++counter}`;
    await cluster().apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    return name;
  }

  const configMap = (
    ns: string,
    name: string,
    data: Record<string, string> = {},
    labels = {},
  ): KubeObject => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: ns, labels },
    data,
  });

  const deployment = (ns: string, name: string, replicas = 1): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'main', image: 'example/web:1' }] },
      },
    },
  });

  async function clusterError(t: ExecutionContext, p: Promise<unknown>): Promise<ClusterError> {
    const e = await t.throwsAsync(p);
    t.true(e instanceof ClusterError, String(e));
    return e as ClusterError;
  }

  /** Collects a watch's events as `TYPE name[=data.v]`. */
  function recorder() {
    const seen: string[] = [];
    const errors: ClusterError[] = [];
    return {
      seen,
      errors,
      onEvent: (e: ClusterWatchEvent) => {
        const v = (e.object.data as Record<string, string> | undefined)?.v;
        seen.push(`${e.type} ${e.object.metadata.name}${v ? `=${v}` : ''}`);
      },
      onError: (e: ClusterError) => errors.push(e),
    };
  }

  test(`${driver}: resourceFor finds namespaced and cluster-scoped kinds`, async (t) => {
    const dep = await cluster().resourceFor('apps/v1', 'Deployment');
    t.like(dep, { apiVersion: 'apps/v1', kind: 'Deployment', resource: 'deployments', namespaced: true });
    t.true(dep!.verbs.includes('patch'));
    t.like(await cluster().resourceFor('v1', 'ConfigMap'), { resource: 'configmaps', namespaced: true });
    t.like(await cluster().resourceFor('v1', 'Namespace'), { resource: 'namespaces', namespaced: false });
  });

  test(`${driver}: resourceFor an unknown kind is undefined`, async (t) => {
    t.is(await cluster().resourceFor('apps/v1', 'Gadget'), undefined);
    t.is(await cluster().resourceFor('nothing.example.com/v1', 'Gadget'), undefined);
    t.is(await cluster().resourceFor('apps/v9', 'Deployment'), undefined);
  });

  test(`${driver}: a CRD applied makes its kind known, after a lookup that missed`, async (t) => {
    const group = `${driver}.contract.example.com`;
    const apiVersion = `${group}/v1`;
    t.is(await cluster().resourceFor(apiVersion, 'Widget'), undefined);
    await cluster().apply({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: `widgets.${group}` },
      spec: {
        group,
        scope: 'Namespaced',
        names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                type: 'object',
                properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } },
              },
            },
          },
        ],
      },
    });
    const info = await eventually(() => cluster().resourceFor(apiVersion, 'Widget'), 5000);
    t.like(info, { resource: 'widgets', namespaced: true, kind: 'Widget' });
    const ns = await namespace();
    const widget = await cluster().apply({
      apiVersion,
      kind: 'Widget',
      metadata: { name: 'w', namespace: ns },
      spec: { size: 2 },
    });
    t.deepEqual(widget.spec, { size: 2 });
    t.like(await cluster().get({ apiVersion, kind: 'Widget', namespace: ns, name: 'w' }), {
      spec: { size: 2 },
    });
  });

  test(`${driver}: apply creates, then updates, as field manager capstan`, async (t) => {
    const ns = await namespace();
    const created = await cluster().apply(deployment(ns, 'web', 1));
    t.truthy(created.metadata.uid);
    t.is((created.spec as { replicas: number }).replicas, 1);
    const managers = created.metadata.managedFields as Array<{ manager: string; operation: string }>;
    t.true(
      managers.some((m) => m.manager === 'capstan' && m.operation === 'Apply'),
      JSON.stringify(managers),
    );
    const updated = await cluster().apply(deployment(ns, 'web', 3));
    t.is(updated.metadata.uid, created.metadata.uid);
    t.not(updated.metadata.resourceVersion, created.metadata.resourceVersion);
    const live = await cluster().get({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      namespace: ns,
      name: 'web',
    });
    t.is((live!.spec as { replicas: number }).replicas, 3);
    t.is(live!.kind, 'Deployment');
    t.is(live!.apiVersion, 'apps/v1');
  });

  test(`${driver}: apply takes fields from another manager (force)`, async (t) => {
    const ns = await namespace();
    await cluster().apply(configMap(ns, 'shared', { v: '1' }), { fieldManager: 'someone-else' });
    const taken = await cluster().apply(configMap(ns, 'shared', { v: '2' }));
    t.is((taken.data as Record<string, string>).v, '2');
    const conflict = await clusterError(
      t,
      cluster().apply(configMap(ns, 'shared', { v: '3' }), { fieldManager: 'someone-else', force: false }),
    );
    t.is(conflict.code, 'CLUSTER_CONFLICT');
    t.is(conflict.status, 409);
  });

  test(`${driver}: apply with dryRun answers and stores nothing`, async (t) => {
    const ns = await namespace();
    const dry = await cluster().apply(deployment(ns, 'ghost'), { dryRun: true });
    t.is(dry.metadata.name, 'ghost');
    // defaulted as a real apply would be
    t.truthy((dry.spec as { strategy?: unknown }).strategy);
    t.is(
      await cluster().get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns, name: 'ghost' }),
      undefined,
    );
  });

  test(`${driver}: an invalid object is CLUSTER_INVALID naming the object and field`, async (t) => {
    const ns = await namespace();
    const e = await clusterError(t, cluster().apply(deployment(ns, 'bad', -1)));
    t.is(e.code, 'CLUSTER_INVALID');
    t.is(e.reason, 'Invalid');
    t.is(e.status, 422);
    t.true(e.message.startsWith(`Deployment ${ns}/bad: `), e.message);
    t.true(
      e.causes.some((c) => c.field === 'spec.replicas'),
      JSON.stringify(e.causes),
    );
    // the dry run refuses it the same way
    const dry = await clusterError(t, cluster().apply(deployment(ns, 'bad', -1), { dryRun: true }));
    t.is(dry.code, 'CLUSTER_INVALID');
  });

  test(`${driver}: validateNew checks an object of a namespace that does not exist yet, writing nothing`, async (t) => {
    const ns = `${driver}-not-yet-${process.pid % 1000}`;
    await cluster().validateNew(deployment(ns, 'web'));
    // an object of that name elsewhere (where a driver may check it) changes nothing
    const other = await namespace();
    await cluster().apply(configMap(other, 'taken', { v: '1' }));
    await cluster().validateNew(configMap(other, 'taken', { v: '2' }));
    const bad = await clusterError(t, cluster().validateNew(deployment(ns, 'bad', -1)));
    t.is(bad.code, 'CLUSTER_INVALID');
    t.true(bad.message.startsWith(`Deployment ${ns}/bad: `), bad.message);
    t.true(bad.causes.some((c) => c.field === 'spec.replicas'));
    t.is(await cluster().get({ apiVersion: 'v1', kind: 'Namespace', name: ns }), undefined);
    t.like(await cluster().get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: other, name: 'taken' }), {
      data: { v: '1' },
    });
  });

  test(`${driver}: a namespaced object without a namespace, or a kind not served, is refused`, async (t) => {
    const noNs = await clusterError(
      t,
      cluster().apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: {} }),
    );
    t.is(noNs.code, 'CLUSTER_INVALID');
    t.is(noNs.causes[0]?.field, 'metadata.namespace');
    const unknown = await clusterError(
      t,
      cluster().apply({ apiVersion: 'nothing.example.com/v1', kind: 'Gadget', metadata: { name: 'g' } }),
    );
    t.is(unknown.code, 'CLUSTER_NOT_FOUND');
    t.regex(unknown.message, /^Gadget g: .*Gadget/);
  });

  test(`${driver}: get of a missing object, or of a kind not served, is undefined`, async (t) => {
    const ns = await namespace();
    t.is(
      await cluster().get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'nope' }),
      undefined,
    );
    t.is(await cluster().get({ apiVersion: 'v1', kind: 'Namespace', name: `${ns}-nope` }), undefined);
    t.is(await cluster().get({ apiVersion: 'x.example.com/v1', kind: 'Gadget', name: 'g' }), undefined);
    t.like(await cluster().get({ apiVersion: 'v1', kind: 'Namespace', name: ns }), {
      metadata: { name: ns },
    });
  });

  test(`${driver}: list by namespace and label selector`, async (t) => {
    const a = await namespace();
    const b = await namespace();
    await cluster().apply(configMap(a, 'one', {}, { app: 'x', team: a }));
    await cluster().apply(configMap(a, 'two', {}, { app: 'y', team: a }));
    await cluster().apply(configMap(b, 'three', {}, { app: 'x', team: a }));
    const names = (objs: KubeObject[]) =>
      objs.map((o) => `${o.metadata.namespace}/${o.metadata.name}`).sort();
    const inA = await cluster().list('v1', 'ConfigMap', { namespace: a });
    t.deepEqual(names(inA.filter((o) => o.metadata.labels?.team === a)), [`${a}/one`, `${a}/two`]);
    t.true(inA.every((o) => o.apiVersion === 'v1' && o.kind === 'ConfigMap'));
    t.deepEqual(
      names(await cluster().list('v1', 'ConfigMap', { labelSelector: `team=${a},app=x` })),
      [`${a}/one`, `${b}/three`].sort(),
    );
    t.deepEqual(
      names(await cluster().list('v1', 'ConfigMap', { namespace: a, labelSelector: `team=${a},app in (y)` })),
      [`${a}/two`],
    );
    t.deepEqual(await cluster().list('x.example.com/v1', 'Gadget'), []);
    const namespaces = await cluster().list('v1', 'Namespace', { namespace: a });
    t.true(
      namespaces.some((n) => n.metadata.name === b),
      'a namespace is ignored for a cluster-scoped kind',
    );
  });

  test(`${driver}: a bad label selector is CLUSTER_BAD_REQUEST`, async (t) => {
    const e = await clusterError(t, cluster().list('v1', 'ConfigMap', { labelSelector: 'a in (' }));
    t.is(e.code, 'CLUSTER_BAD_REQUEST');
  });

  test(`${driver}: delete, dry-run delete, and deleting what is gone`, async (t) => {
    const ns = await namespace();
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'doomed' };
    await cluster().apply(configMap(ns, 'doomed'));
    await cluster().delete(ref, { dryRun: true });
    t.truthy(await cluster().get(ref));
    await cluster().delete(ref, { propagationPolicy: 'Foreground' });
    await eventually(async () => (await cluster().get(ref)) === undefined);
    await t.notThrowsAsync(cluster().delete(ref));
    await t.notThrowsAsync(cluster().delete({ apiVersion: 'x.example.com/v1', kind: 'Gadget', name: 'g' }));
  });

  test(`${driver}: watch sees the current objects, then ADDED, MODIFIED, DELETED in order`, async (t) => {
    const ns = await namespace();
    await cluster().apply(configMap(ns, 'before', { v: '0' }));
    const r = recorder();
    const w = await cluster().watch('v1', 'ConfigMap', { namespace: ns }, r.onEvent, r.onError);
    try {
      await eventually(() => r.seen.length >= 1);
      await cluster().apply(configMap(ns, 'cm', { v: '1' }));
      await cluster().apply(configMap(ns, 'cm', { v: '2' }));
      await cluster().delete({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'cm' });
      await eventually(() => r.seen.length >= 4);
      t.deepEqual(r.seen, ['ADDED before=0', 'ADDED cm=1', 'MODIFIED cm=2', 'DELETED cm=2']);
      t.deepEqual(r.errors, []);
    } finally {
      w.stop();
    }
  });

  test(`${driver}: watch with a label selector and a resourceVersion starts after it`, async (t) => {
    const ns = await namespace();
    const first = await cluster().apply(configMap(ns, 'old', { v: '1' }, { pick: 'yes' }));
    const r = recorder();
    const w = await cluster().watch(
      'v1',
      'ConfigMap',
      { namespace: ns, labelSelector: 'pick=yes', resourceVersion: first.metadata.resourceVersion as string },
      r.onEvent,
    );
    try {
      await cluster().apply(configMap(ns, 'other', { v: '1' }, { pick: 'no' }));
      await cluster().apply(configMap(ns, 'new', { v: '1' }, { pick: 'yes' }));
      await eventually(() => r.seen.length >= 1);
      // the other one's change, unselected, would have come first
      await cluster().apply(configMap(ns, 'old', { v: '2' }, { pick: 'yes' }));
      await eventually(() => r.seen.length >= 2);
      t.deepEqual(r.seen, ['ADDED new=1', 'MODIFIED old=2']);
    } finally {
      w.stop();
    }
  });

  test(`${driver}: a watch the server ends is resumed from where it was`, async (t) => {
    const ns = await namespace();
    await cluster().apply(configMap(ns, 'a', { v: '1' }));
    const r = recorder();
    const w = await cluster().watch('v1', 'ConfigMap', { namespace: ns }, r.onEvent, r.onError);
    try {
      await eventually(() => r.seen.length >= 1);
      t.is(watches.opened(ns), 1);
      watches.end(ns, status(500, 'InternalError', 'the watch was closed'));
      // a change while no stream runs: replayed from the last resourceVersion seen
      await cluster().apply(configMap(ns, 'a', { v: '2' }));
      await eventually(() => watches.opened(ns) >= 2);
      await cluster().apply(configMap(ns, 'b', { v: '1' }));
      await eventually(() => r.seen.length >= 3);
      t.deepEqual(r.seen, ['ADDED a=1', 'MODIFIED a=2', 'ADDED b=1']);
      t.deepEqual(r.errors, []);
    } finally {
      w.stop();
    }
  });

  test(`${driver}: a watch whose resourceVersion expired relists and tells only what changed`, async (t) => {
    const ns = await namespace();
    for (const name of ['a', 'c', 'd']) await cluster().apply(configMap(ns, name, { v: '1' }));
    const r = recorder();
    const w = await cluster().watch('v1', 'ConfigMap', { namespace: ns }, r.onEvent, r.onError);
    try {
      await eventually(() => r.seen.length >= 3);
      // the stream stalls: these changes never arrive on it …
      watches.suspend(ns);
      await cluster().apply(configMap(ns, 'a', { v: '2' }));
      await cluster().delete({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'c' });
      await cluster().apply(configMap(ns, 'b', { v: '1' }));
      // … then it ends, and resuming from its resourceVersion is too late
      watches.expireNext(ns);
      watches.end(ns, status(500, 'InternalError', 'the watch was closed'));
      await eventually(() => r.seen.length >= 6);
      await cluster().apply(configMap(ns, 'd', { v: '2' }));
      await eventually(() => r.seen.length >= 7);
      t.deepEqual(r.seen, [
        'ADDED a=1',
        'ADDED c=1',
        'ADDED d=1',
        'DELETED c=1',
        'MODIFIED a=2',
        'ADDED b=1',
        'MODIFIED d=2',
      ]);
      t.deepEqual(r.errors, []);
    } finally {
      w.stop();
    }
  });

  test(`${driver}: an ERROR 410 on a watch relists`, async (t) => {
    const ns = await namespace();
    await cluster().apply(configMap(ns, 'a', { v: '1' }));
    const r = recorder();
    const w = await cluster().watch('v1', 'ConfigMap', { namespace: ns }, r.onEvent, r.onError);
    try {
      await eventually(() => r.seen.length >= 1);
      watches.suspend(ns);
      await cluster().apply(configMap(ns, 'a', { v: '2' }));
      watches.end(ns, status(410, 'Expired', 'too old resource version'));
      await eventually(() => r.seen.length >= 2);
      await cluster().apply(configMap(ns, 'b', { v: '1' }));
      await eventually(() => r.seen.length >= 3);
      t.deepEqual(r.seen, ['ADDED a=1', 'MODIFIED a=2', 'ADDED b=1']);
    } finally {
      w.stop();
    }
  });

  test(`${driver}: a watch refused for good reports to onError and stops`, async (t) => {
    const ns = await namespace();
    const r = recorder();
    const w = await cluster().watch('v1', 'ConfigMap', { namespace: ns }, r.onEvent, r.onError);
    try {
      watches.end(ns, status(403, 'Forbidden', 'configmaps is forbidden'));
      await eventually(() => r.errors.length === 1);
      t.is(r.errors[0].code, 'CLUSTER_FORBIDDEN');
      t.true(r.errors[0].message.startsWith(`ConfigMap in namespace ${ns}: `), r.errors[0].message);
      await cluster().apply(configMap(ns, 'late'));
      t.is(watches.opened(ns), 1);
      t.deepEqual(r.seen, []);
    } finally {
      w.stop();
    }
  });

  test(`${driver}: close stops every watch, and may be called twice`, async (t) => {
    const ns = await namespace();
    const other = target.connect();
    const r = recorder();
    await other.watch('v1', 'ConfigMap', { namespace: ns }, r.onEvent, r.onError);
    await other.watch('v1', 'ConfigMap', { namespace: ns }, r.onEvent, r.onError);
    await cluster().apply(configMap(ns, 'one'));
    await eventually(() => r.seen.length === 2);
    await other.close();
    await other.close();
    await cluster().apply(configMap(ns, 'two'));
    // a watch of the main driver sees 'two': had the closed ones run, they would have told it first
    const main = recorder();
    const w = await cluster().watch('v1', 'ConfigMap', { namespace: ns }, main.onEvent);
    await eventually(() => main.seen.length === 2);
    w.stop();
    t.deepEqual(r.seen, ['ADDED one', 'ADDED one']);
  });

  test(`${driver}: watching a kind not served is refused`, async (t) => {
    const e = await clusterError(
      t,
      cluster().watch('x.example.com/v1', 'Gadget', {}, () => {}),
    );
    t.is(e.code, 'CLUSTER_NOT_FOUND');
  });
}
