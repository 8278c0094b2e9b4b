/** Service traffic reaches only ready pods, through the host listener the Endpoints publish. */
import test from 'ava';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JsonObject } from '../../../src/core/index.js';
import { eventually, removeDir, startTestControlPlane, type TestControlPlane } from '../helpers.js';

const web = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'web.mjs');
let env: TestControlPlane;

test.before(async () => {
  env = await startTestControlPlane();
  await env.cp.api.create({ group: '', version: 'v1', resource: 'namespaces' }, undefined, {
    metadata: { name: 'svc' },
  });
});

test.after.always(async () => {
  await env?.close();
  if (env) removeDir(env.dataDir);
});

const pod = (name: string, notReady: boolean): JsonObject => ({
  metadata: { name, namespace: 'svc', labels: { app: 'web' } },
  spec: {
    terminationGracePeriodSeconds: 2,
    containers: [
      {
        name: 'web',
        image: 'capstan.dev/test/web:1',
        command: [process.execPath, web],
        env: notReady ? [{ name: 'NOT_READY', value: '1' }] : [],
        ports: [{ name: 'http', containerPort: 8080 }],
        readinessProbe: { httpGet: { path: '/ready', port: 'http' }, periodSeconds: 1 },
      },
    ],
  },
});

function get(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      // a new connection per request: the proxy balances connections, not requests
      .get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
}

test.serial('connections go to ready pods only, round-robin', async (t) => {
  const PODS = { group: '', version: 'v1', resource: 'pods' };
  await env.cp.api.create(PODS, 'svc', pod('ready-a', false));
  await env.cp.api.create(PODS, 'svc', pod('ready-b', false));
  await env.cp.api.create(PODS, 'svc', pod('never-ready', true));
  await env.cp.api.create({ group: '', version: 'v1', resource: 'services' }, 'svc', {
    metadata: { name: 'web', namespace: 'svc' },
    spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
  });
  const endpoints = await eventually(() => {
    const e = env.cp.store.get({ group: '', resource: 'endpoints', namespace: 'svc', name: 'web' })
      ?.value as any;
    const ready = (e?.subsets ?? []).flatMap((s: any) => s.addresses ?? []);
    const notReady = (e?.subsets ?? []).flatMap((s: any) => s.notReadyAddresses ?? []);
    return ready.length === 2 && notReady.length === 1 ? e : undefined;
  }, 30_000);
  const port = Number(/http=(\d+)/.exec(endpoints.metadata.annotations['capstan.dev/proxy-ports'])![1]);
  const seen = new Set<string>();
  for (let i = 0; i < 6; i++) seen.add(/pod=(\S+)/.exec(await get(port))![1]);
  t.deepEqual([...seen].sort(), ['ready-a', 'ready-b']);
});

function getVia(port: number, host: string, urlPath: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: urlPath, headers: { host }, agent: false }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

test.serial('an Ingress routes by host and path to the Service, and reports where it answers', async (t) => {
  await env.cp.api.create({ group: 'networking.k8s.io', version: 'v1', resource: 'ingresses' }, 'svc', {
    metadata: { name: 'web', namespace: 'svc' },
    spec: {
      rules: [
        {
          host: 'web.example.test',
          http: {
            paths: [
              {
                path: '/',
                pathType: 'Prefix',
                backend: { service: { name: 'web', port: { name: 'http' } } },
              },
            ],
          },
        },
      ],
    },
  });
  const ing = (await eventually(() => {
    const got = env.cp.api.get(
      { group: 'networking.k8s.io', version: 'v1', resource: 'ingresses' },
      'svc',
      'web',
    ) as any;
    return got.status?.loadBalancer?.ingress?.[0]?.ip === '127.0.0.1' ? got : undefined;
  }, 30_000)) as any;
  const port = ing.status.loadBalancer.ingress[0].ports[0].port;
  t.is(port, env.cp.ingressPort);
  const hit = await eventually(async () => {
    const r = await getVia(port, 'web.example.test', '/anything');
    return r.status === 200 ? r : undefined;
  }, 30_000);
  t.regex(hit.body, /pod=ready-[ab]/);
  t.is((await getVia(port, 'other.example.test', '/')).status, 404);
});
