/**
 * Finding a pod controller's scale in a real in-process API (no controllers running, so
 * the objects stay as written): a ReplicaSet's Deployment, a lone ReplicaSet, a StatefulSet,
 * then any kind with a scale subresource; and the errors that fail a budget's sync.
 */
import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { JsonObject } from '../../../../src/core/index.js';
import { startControlPlane, type ControlPlane } from '../../../../src/controlplane/index.js';
import {
  registryScaleFinder,
  type OwnerReference,
  type ScaleFinder,
} from '../../../../src/controlplane/controllers/disruption/index.js';
import { removeDir } from '../../helpers.js';

const NS = 'default';
const DEPLOYMENTS = { group: 'apps', version: 'v1', resource: 'deployments' };
const REPLICASETS = { group: 'apps', version: 'v1', resource: 'replicasets' };
const STATEFULSETS = { group: 'apps', version: 'v1', resource: 'statefulsets' };
const CONFIGMAPS = { group: '', version: 'v1', resource: 'configmaps' };

let cp: ControlPlane;
let dir: string;
let find: ScaleFinder;

test.before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-disruption-scale-'));
  cp = await startControlPlane({ dataDir: dir, http: false, controllers: false, token: 't' });
  find = registryScaleFinder(cp.api);
});

test.after.always(async () => {
  await cp?.close();
  if (dir) removeDir(dir);
});

const uidOf = (o: JsonObject) => String((o.metadata as JsonObject).uid);

const workloadSpec = (app: string, replicas: number) => ({
  replicas,
  selector: { matchLabels: { app } },
  template: { metadata: { labels: { app } }, spec: { containers: [{ name: 'app', image: 'demo/app:1' }] } },
});

function refTo(obj: JsonObject, apiVersion = 'apps/v1'): OwnerReference {
  const meta = obj.metadata as JsonObject;
  return { apiVersion, kind: String(obj.kind), name: String(meta.name), uid: uidOf(obj), controller: true };
}

async function replicaSet(name: string, replicas: number, owner?: JsonObject): Promise<JsonObject> {
  return cp.api.create(REPLICASETS, NS, {
    metadata: { name, ...(owner ? { ownerReferences: [refTo(owner) as unknown as JsonObject] } : {}) },
    spec: workloadSpec(name, replicas),
  });
}

test("a Deployment's ReplicaSet gives the Deployment's scale", async (t) => {
  const d = await cp.api.create(DEPLOYMENTS, NS, { metadata: { name: 'web' }, spec: workloadSpec('web', 4) });
  const rs = await replicaSet('web-1', 2, d);
  t.deepEqual(find(refTo(rs), NS), { uid: uidOf(d), replicas: 4 });
});

test('a ReplicaSet no Deployment controls gives its own scale', async (t) => {
  const rs = await replicaSet('lone', 3);
  t.deepEqual(find(refTo(rs), NS), { uid: uidOf(rs), replicas: 3 });
});

test('a ReplicaSet whose Deployment is gone falls through to its own scale subresource', async (t) => {
  const d = await cp.api.create(DEPLOYMENTS, NS, {
    metadata: { name: 'gone' },
    spec: workloadSpec('gone', 5),
  });
  const rs = await replicaSet('gone-1', 2, d);
  await cp.api.delete(DEPLOYMENTS, NS, 'gone', {});
  t.deepEqual(find(refTo(rs), NS), { uid: uidOf(rs), replicas: 2 });
});

test('a StatefulSet gives its scale', async (t) => {
  const sts = await cp.api.create(STATEFULSETS, NS, {
    metadata: { name: 'db' },
    spec: { ...workloadSpec('db', 2), serviceName: 'db' },
  });
  t.deepEqual(find(refTo(sts), NS), { uid: uidOf(sts), replicas: 2 });
});

test('a controller that is gone or was replaced (another uid) is not found', async (t) => {
  const rs = await replicaSet('replaced', 1);
  t.is(find({ ...refTo(rs), uid: 'another' }, NS), undefined);
  t.is(find({ ...refTo(rs), name: 'absent' }, NS), undefined);
});

test('a kind without a scale subresource, an unknown kind or a malformed apiVersion fail', async (t) => {
  const cm = await cp.api.create(CONFIGMAPS, NS, { metadata: { name: 'owner' }, data: {} });
  t.throws(() => find(refTo({ ...cm, kind: 'ConfigMap' }, 'v1'), NS), {
    message: 'configmaps does not implement the scale subresource',
  });
  const unknown = { apiVersion: 'example.com/v1', kind: 'Widget', name: 'w', uid: 'u', controller: true };
  t.throws(() => find(unknown, NS), { message: 'no matches for kind "Widget" in version "example.com/v1"' });
  t.throws(() => find({ ...unknown, apiVersion: 'a/b/c' }, NS), {
    message: 'unexpected GroupVersion string: a/b/c',
  });
});
