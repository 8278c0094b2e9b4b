/**
 * Issue 10, item 8: a PATCH carrying a stale metadata.resourceVersion was accepted (last
 * write wins). As on kube-apiserver, the resourceVersion the patched object carries is the
 * update's precondition: stale → 409 Conflict, malformed → 400 (kube-apiserver answers
 * 500 there), left alone or removed → the patch applies. Checked over HTTP for the four
 * patch types, with kubectl, and through the in-process API the embedded driver uses.
 */
import test from 'ava';
import { spawn } from 'node:child_process';
import type { JsonObject } from '../../src/core/index.js';
import { ApiError } from '../../src/controlplane/api/errors.js';
import {
  hasKubectl,
  rawRequest,
  removeDir,
  startTestControlPlane,
  type TestControlPlane,
} from '../controlplane/helpers.js';

let env: TestControlPlane;
const TOKEN = 'test-token';
const NS = 'default';
const CONFLICT =
  'Operation cannot be fulfilled on configmaps "NAME": the object has been modified; please apply your changes to the latest version and try again';

const CONTENT_TYPES = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;
type PatchKind = keyof typeof CONTENT_TYPES;

test.before(async () => {
  env = await startTestControlPlane(undefined, { controllers: false });
});

test.after.always(async () => {
  await env?.close();
  if (env) removeDir(env.dataDir);
});

const cmPath = (name: string) => `/api/v1/namespaces/${NS}/configmaps/${name}`;

async function request(method: string, path: string, body?: unknown, contentType?: string) {
  const res = await rawRequest(env, method, path, {
    token: TOKEN,
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: contentType ? { 'content-type': contentType } : {},
  });
  return { status: res.status, json: JSON.parse(res.body) as JsonObject };
}

async function getConfigMap(name: string): Promise<JsonObject> {
  return (await request('GET', cmPath(name))).json;
}

/** A ConfigMap written twice: `stale` is the resourceVersion of its first write. */
async function configMapWithHistory(name: string): Promise<{ stale: string; current: string }> {
  const created = await request('POST', `/api/v1/namespaces/${NS}/configmaps`, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name },
    data: { v: '1' },
  });
  const stale = (created.json.metadata as JsonObject).resourceVersion as string;
  const updated = await request('PATCH', cmPath(name), { data: { v: '2' } }, CONTENT_TYPES.merge);
  const current = (updated.json.metadata as JsonObject).resourceVersion as string;
  return { stale, current };
}

/** A patch of each type that sets data.v and (unless undefined) metadata.resourceVersion. */
function patchBody(kind: PatchKind, name: string, value: string, rv: string | undefined): unknown {
  const metadata = rv === undefined ? {} : { resourceVersion: rv };
  switch (kind) {
    case 'json':
      return [
        ...(rv === undefined ? [] : [{ op: 'replace', path: '/metadata/resourceVersion', value: rv }]),
        { op: 'replace', path: '/data/v', value },
      ];
    case 'apply':
      return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ...metadata }, data: { v: value } };
    default:
      return { metadata, data: { v: value } };
  }
}

function patch(kind: PatchKind, name: string, body: unknown) {
  const query = kind === 'apply' ? '?fieldManager=hostile-test&force=true' : '';
  return request('PATCH', cmPath(name) + query, body, CONTENT_TYPES[kind]);
}

for (const kind of Object.keys(CONTENT_TYPES) as PatchKind[]) {
  test(`${kind} PATCH with a stale resourceVersion is 409 Conflict and changes nothing`, async (t) => {
    const name = `stale-${kind}`;
    const { stale, current } = await configMapWithHistory(name);
    const res = await patch(kind, name, patchBody(kind, name, 'lost', stale));
    t.is(res.status, 409);
    t.is(res.json.reason, 'Conflict');
    t.is(res.json.message, CONFLICT.replace('NAME', name));
    const after = await getConfigMap(name);
    t.deepEqual(after.data, { v: '2' });
    t.is((after.metadata as JsonObject).resourceVersion, current);
  });

  test(`${kind} PATCH with a malformed resourceVersion is 400 BadRequest`, async (t) => {
    const name = `malformed-${kind}`;
    await configMapWithHistory(name);
    const res = await patch(kind, name, patchBody(kind, name, 'lost', 'abc'));
    t.is(res.status, 400);
    t.is(res.json.reason, 'BadRequest');
    t.is(res.json.message, 'strconv.ParseUint: parsing "abc": invalid syntax');
    t.deepEqual((await getConfigMap(name)).data, { v: '2' });
  });

  test(`${kind} PATCH with the current resourceVersion, or none, applies`, async (t) => {
    const name = `current-${kind}`;
    const { current } = await configMapWithHistory(name);
    const withCurrent = await patch(kind, name, patchBody(kind, name, '3', current));
    t.is(withCurrent.status, 200, JSON.stringify(withCurrent.json));
    t.deepEqual(withCurrent.json.data, { v: '3' });
    const without = await patch(kind, name, patchBody(kind, name, '4', undefined));
    t.is(without.status, 200, JSON.stringify(without.json));
    t.deepEqual(without.json.data, { v: '4' });
  });
}

test('a JSON patch that removes resourceVersion, or a merge patch that nulls it, is unconditional', async (t) => {
  const name = 'removed';
  const { current } = await configMapWithHistory(name);
  const removed = await patch('json', name, [
    { op: 'remove', path: '/metadata/resourceVersion' },
    { op: 'replace', path: '/data/v', value: '3' },
  ]);
  t.is(removed.status, 200, JSON.stringify(removed.json));
  t.deepEqual(removed.json.data, { v: '3' });
  t.not((removed.json.metadata as JsonObject).resourceVersion, current);
  const nulled = await patch('merge', name, { metadata: { resourceVersion: null }, data: { v: '4' } });
  t.is(nulled.status, 200, JSON.stringify(nulled.json));
  t.deepEqual(nulled.json.data, { v: '4' });
});

test('a JSON patch test op on the current resourceVersion guards the write', async (t) => {
  const name = 'tested';
  const { stale, current } = await configMapWithHistory(name);
  const ok = await patch('json', name, [
    { op: 'test', path: '/metadata/resourceVersion', value: current },
    { op: 'replace', path: '/data/v', value: '3' },
  ]);
  t.is(ok.status, 200, JSON.stringify(ok.json));
  const refused = await patch('json', name, [
    { op: 'test', path: '/metadata/resourceVersion', value: stale },
    { op: 'replace', path: '/data/v', value: 'lost' },
  ]);
  t.not(refused.status, 200);
  t.deepEqual((await getConfigMap(name)).data, { v: '3' });
});

test('PUT with a malformed resourceVersion is 400, with a stale one 409', async (t) => {
  const name = 'put';
  const { stale } = await configMapWithHistory(name);
  const object = await getConfigMap(name);
  const withRv = (rv: string) => ({
    ...object,
    metadata: { ...(object.metadata as JsonObject), resourceVersion: rv },
  });
  const malformed = await request('PUT', cmPath(name), withRv('abc'));
  t.is(malformed.status, 400);
  t.is(malformed.json.message, 'strconv.ParseUint: parsing "abc": invalid syntax');
  const staleRes = await request('PUT', cmPath(name), withRv(stale));
  t.is(staleRes.status, 409);
  t.is(staleRes.json.message, CONFLICT.replace('NAME', name));
});

test('the scale subresource refuses a stale or malformed resourceVersion', async (t) => {
  const name = 'scaled';
  const created = await request('POST', `/apis/apps/v1/namespaces/${NS}/deployments`, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'c', image: 'nginx' }] },
      },
    },
  });
  t.is(created.status, 201, JSON.stringify(created.json));
  const stale = (created.json.metadata as JsonObject).resourceVersion as string;
  const scalePath = `/apis/apps/v1/namespaces/${NS}/deployments/${name}/scale`;
  t.is((await request('PATCH', scalePath, { spec: { replicas: 2 } }, CONTENT_TYPES.merge)).status, 200);
  const staleRes = await request(
    'PATCH',
    scalePath,
    { metadata: { resourceVersion: stale }, spec: { replicas: 5 } },
    CONTENT_TYPES.merge,
  );
  t.is(staleRes.status, 409);
  t.regex(String(staleRes.json.message), /deployments\.apps "scaled": the object has been modified/);
  const malformed = await request(
    'PATCH',
    scalePath,
    { metadata: { resourceVersion: 'abc' }, spec: { replicas: 5 } },
    CONTENT_TYPES.merge,
  );
  t.is(malformed.status, 400);
});

test('the in-process API (the embedded driver applies through it) refuses a stale apply', async (t) => {
  const name = 'in-process';
  const { stale } = await configMapWithHistory(name);
  const gvr = { group: '', version: 'v1', resource: 'configmaps' };
  const error = await t.throwsAsync(
    env.cp.api.patch(gvr, NS, name, 'apply', patchBody('apply', name, 'lost', stale) as JsonObject, {
      fieldManager: 'capstan',
      force: true,
    }),
  );
  t.true(error instanceof ApiError);
  t.is((error as ApiError).code, 409);
  t.is((error as ApiError).reason, 'Conflict');
  t.deepEqual((await getConfigMap(name)).data, { v: '2' });
});

/** Runs kubectl without blocking: the control plane serves from this same process. */
function kubectl(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn('kubectl', ['--kubeconfig', env.kubeconfigPath, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => resolve({ code: code ?? -1, out, err }));
  });
}

(hasKubectl ? test : test.skip)(
  'kubectl patch with a stale resourceVersion gets the Conflict a real server gives',
  async (t) => {
    const name = 'kubectl';
    const { stale, current } = await configMapWithHistory(name);
    for (const [type, body] of [
      ['merge', { metadata: { resourceVersion: stale }, data: { v: 'lost' } }],
      ['strategic', { metadata: { resourceVersion: stale }, data: { v: 'lost' } }],
      ['json', [{ op: 'replace', path: '/metadata/resourceVersion', value: stale }]],
    ] as const) {
      const run = await kubectl(
        'patch',
        'configmap',
        name,
        '-n',
        NS,
        `--type=${type}`,
        '-p',
        JSON.stringify(body),
      );
      t.not(run.code, 0, type);
      t.is(run.err.trim(), `Error from server (Conflict): ${CONFLICT.replace('NAME', name)}`, type);
    }
    const accepted = await kubectl(
      'patch',
      'configmap',
      name,
      '-n',
      NS,
      '--type=merge',
      '-p',
      JSON.stringify({ metadata: { resourceVersion: current }, data: { v: '3' } }),
    );
    t.is(accepted.code, 0, accepted.err);
    t.deepEqual((await getConfigMap(name)).data, { v: '3' });
  },
);
