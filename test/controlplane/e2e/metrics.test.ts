/**
 * The resource metrics API over real process pods: a pod whose container burns CPU shows
 * it in its PodMetrics (and its node's NodeMetrics), discovery announces metrics.k8s.io
 * so kubectl finds it, writes are refused as on a real server, and `kubectl top pod`
 * (with --containers, -A, -l) and `kubectl top node` print it.
 */
import test from 'ava';
import http from 'node:http';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as k8s from '@kubernetes/client-node';
import { parseQuantity } from '../../../src/core/index.js';
import type { PodMetrics } from '../../../src/controlplane/metrics/index.js';
import {
  eventually,
  hasKubectl,
  rawRequest,
  removeDir,
  startTestControlPlane,
  type TestControlPlane,
} from '../helpers.js';

const burner = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'burn.mjs');
const BASE = '/apis/metrics.k8s.io/v1beta1';
let env: TestControlPlane;
let core: k8s.CoreV1Api;

const get = (urlPath: string, headers: Record<string, string> = {}) =>
  rawRequest(env, 'GET', urlPath, { token: 'test-token', headers });

async function getJson<T = any>(urlPath: string): Promise<T> {
  const res = await get(urlPath);
  if (res.status !== 200) throw new Error(`${urlPath}: ${res.status} ${res.body}`);
  return JSON.parse(res.body) as T;
}

/** The host port the kubelet gave a container port of the pod (containers' ports move here). */
function hostPort(uid: string, name: string): number {
  for (const agent of env.cp.agents) {
    const m = agent.runtime.portMap(uid).find((p) => p.name === name);
    if (m) return m.hostPort;
  }
  throw new Error(`no port ${name} for pod ${uid}`);
}

function poke(port: number, urlPath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: urlPath }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
}

const container = (name: string, port: string, containerPort: number): k8s.V1Container => ({
  name,
  image: 'capstan.dev/test/burn:1',
  command: [process.execPath, burner],
  ports: [{ name: port, containerPort }],
  readinessProbe: { httpGet: { path: '/ready', port }, periodSeconds: 1 },
});

let burnPort = 0;

test.before(async () => {
  env = await startTestControlPlane();
  core = env.kc.makeApiClient(k8s.CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: 'metrics' } } });
  await core.createNamespacedPod({
    namespace: 'metrics',
    body: {
      metadata: { name: 'burner', labels: { app: 'burner' } },
      spec: { containers: [container('burn', 'http', 8080), container('idle', 'idle', 8081)] },
    },
  });
  const pod = await eventually(async () => {
    const p = await core.readNamespacedPod({ name: 'burner', namespace: 'metrics' });
    return p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? p : undefined;
  }, 30_000);
  burnPort = hostPort(pod.metadata!.uid!, 'http');
});

test.after.always(async () => {
  if (burnPort) await poke(burnPort, '/stop').catch(() => undefined);
  await env?.close();
  if (env) removeDir(env.dataDir);
});

test.serial('discovery announces metrics.k8s.io, legacy and aggregated', async (t) => {
  const groups = await getJson('/apis');
  t.like(
    groups.groups.find((g: any) => g.name === 'metrics.k8s.io'),
    { versions: [{ groupVersion: 'metrics.k8s.io/v1beta1', version: 'v1beta1' }] },
  );
  const list = await getJson(BASE);
  t.deepEqual(list.resources, [
    { name: 'nodes', singularName: '', namespaced: false, kind: 'NodeMetrics', verbs: ['get', 'list'] },
    { name: 'pods', singularName: '', namespaced: true, kind: 'PodMetrics', verbs: ['get', 'list'] },
  ]);
  const aggregated = await get('/apis', {
    accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json',
  });
  const doc = JSON.parse(aggregated.body);
  const group = doc.items.find((g: any) => g.metadata.name === 'metrics.k8s.io');
  t.like(group.versions[0], {
    version: 'v1beta1',
    resources: [
      { resource: 'nodes', scope: 'Cluster', responseKind: { kind: 'NodeMetrics' }, verbs: ['get', 'list'] },
      { resource: 'pods', scope: 'Namespaced', responseKind: { kind: 'PodMetrics' }, verbs: ['get', 'list'] },
    ],
  });
});

test.serial('writes and watches get 405 MethodNotAllowed', async (t) => {
  const body = JSON.stringify({
    apiVersion: 'metrics.k8s.io/v1beta1',
    kind: 'PodMetrics',
    metadata: { name: 'x' },
  });
  const calls: [string, string, string?][] = [
    ['POST', `${BASE}/namespaces/metrics/pods`, body],
    ['PUT', `${BASE}/namespaces/metrics/pods/burner`, body],
    ['PATCH', `${BASE}/nodes/x`, '{}'],
    ['DELETE', `${BASE}/namespaces/metrics/pods/burner`],
    ['DELETE', `${BASE}/namespaces/metrics/pods`],
    ['GET', `${BASE}/namespaces/metrics/pods?watch=true`],
  ];
  for (const [method, url, text] of calls) {
    const res = await rawRequest(env, method, url, {
      token: 'test-token',
      body: text,
      headers: method === 'PATCH' ? { 'content-type': 'application/merge-patch+json' } : {},
    });
    t.is(res.status, 405, `${method} ${url}`);
    t.like(JSON.parse(res.body), { kind: 'Status', reason: 'MethodNotAllowed', code: 405 });
  }
});

const cpuOf = (m: PodMetrics, name: string) =>
  parseQuantity(m.containers.find((c) => c.name === name)?.usage.cpu ?? '0');

test.serial('a pod that burns CPU shows it; its idle container less', async (t) => {
  // before: both containers have only started (a first reading is the average since then)
  const before = await getJson<PodMetrics>(`${BASE}/namespaces/metrics/pods/burner`);
  t.is(await poke(burnPort, '/burn?seconds=120'), 'burning\n');
  // then a reading taken after the burn began (a rate is measured over a second at least)
  const m = await eventually(async () => {
    const got = await getJson<PodMetrics>(`${BASE}/namespaces/metrics/pods/burner`);
    const burn = cpuOf(got, 'burn');
    return burn > cpuOf(before, 'burn') && burn > cpuOf(got, 'idle') ? got : undefined;
  }, 30_000);
  t.like(m, {
    kind: 'PodMetrics',
    metadata: { name: 'burner', namespace: 'metrics', labels: { app: 'burner' } },
  });
  t.deepEqual(
    m.containers.map((c) => c.name),
    ['burn', 'idle'],
  );
  for (const c of m.containers) {
    t.regex(c.usage.cpu, /^(0|\d+[num]?)$/);
    t.regex(c.usage.memory, /^\d+(Ki|Mi)$/);
    t.true(parseQuantity(c.usage.memory) > 0);
  }
  t.true(cpuOf(m, 'burn') > 0);
  t.regex(m.window, /^[\d.]+(ms|s)$/);
});

test.serial('lists select by label; nodes sum their pods', async (t) => {
  const selected = await getJson(`${BASE}/namespaces/metrics/pods?labelSelector=app%3Dburner`);
  t.like(selected, { kind: 'PodMetricsList', apiVersion: 'metrics.k8s.io/v1beta1' });
  t.deepEqual(
    selected.items.map((m: PodMetrics) => m.metadata.name),
    ['burner'],
  );
  t.is((await getJson(`${BASE}/pods?labelSelector=app%3Dother`)).items.length, 0);
  const nodes = await getJson(`${BASE}/nodes`);
  t.is(nodes.items.length, 1);
  t.true(parseQuantity(nodes.items[0].usage.cpu) > 0);
  t.true(parseQuantity(nodes.items[0].usage.memory) > 0);
  const table = await get(`${BASE}/namespaces/metrics/pods`, {
    accept: 'application/json;as=Table;v=v1;g=meta.k8s.io',
  });
  const doc = JSON.parse(table.body);
  t.deepEqual(
    doc.columnDefinitions.map((c: any) => c.name),
    ['Name', 'cpu', 'memory', 'Window'],
  );
  t.is(doc.rows[0].cells[0], 'burner');
});

function kubectl(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const c = spawn('kubectl', ['--kubeconfig', env.kubeconfigPath, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    c.stdout.on('data', (d) => (out += d));
    c.stderr.on('data', (d) => (err += d));
    c.on('close', (code) => resolve({ code: code ?? -1, out, err }));
  });
}

const rows = (out: string) =>
  out
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/));

(hasKubectl ? test.serial : test.skip)('kubectl top pod, with --containers, -A and -l', async (t) => {
  const top = await kubectl('top', 'pod', '-n', 'metrics');
  t.is(top.code, 0, top.err);
  const [header, row] = rows(top.out);
  t.deepEqual(header, ['NAME', 'CPU(cores)', 'MEMORY(bytes)']);
  t.is(row[0], 'burner');
  t.regex(row[1], /^\d+m$/);
  t.regex(row[2], /^\d+Mi$/);

  const containers = await kubectl('top', 'pod', 'burner', '-n', 'metrics', '--containers');
  t.is(containers.code, 0, containers.err);
  const lines = rows(containers.out);
  t.deepEqual(lines[0], ['POD', 'NAME', 'CPU(cores)', 'MEMORY(bytes)']);
  t.deepEqual(
    lines.slice(1).map((l) => l.slice(0, 2)),
    [
      ['burner', 'burn'],
      ['burner', 'idle'],
    ],
  );

  const all = await kubectl('top', 'pod', '-A', '-l', 'app=burner');
  t.is(all.code, 0, all.err);
  const [allHeader, allRow] = rows(all.out);
  t.deepEqual(allHeader, ['NAMESPACE', 'NAME', 'CPU(cores)', 'MEMORY(bytes)']);
  t.deepEqual(allRow.slice(0, 2), ['metrics', 'burner']);
});

(hasKubectl ? test.serial : test.skip)('kubectl lists and gets the metrics kinds', async (t) => {
  const resources = await kubectl('api-resources', '--api-group=metrics.k8s.io', '--no-headers');
  t.is(resources.code, 0, resources.err);
  t.deepEqual(
    rows(resources.out).map((r) => [r[0], r.at(-1)]),
    [
      ['nodes', 'NodeMetrics'],
      ['pods', 'PodMetrics'],
    ],
  );
  const get = await kubectl('get', 'pods.metrics.k8s.io', '-n', 'metrics');
  t.is(get.code, 0, get.err);
  const [header, row] = rows(get.out);
  t.deepEqual(header, ['NAME', 'CPU', 'MEMORY', 'WINDOW']);
  t.is(row[0], 'burner');
});

(hasKubectl ? test.serial : test.skip)('kubectl top node', async (t) => {
  const top = await kubectl('top', 'node');
  t.is(top.code, 0, top.err);
  const [header, row] = rows(top.out);
  t.deepEqual(header, ['NAME', 'CPU(cores)', 'CPU(%)', 'MEMORY(bytes)', 'MEMORY(%)']);
  t.is(row[0], env.cp.agents[0].nodeName);
  t.regex(row[1], /^\d+m$/);
  t.regex(row[2], /^\d+%$/);
  t.regex(row[3], /^\d+Mi$/);
});
