/** Service traffic reaches only ready pods, through the host listener the Endpoints publish. */
import test from 'ava';
import { spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JsonObject } from '../../../src/core/index.js';
import {
  eventually,
  hasKubectl,
  removeDir,
  startTestControlPlane,
  type TestControlPlane,
} from '../helpers.js';

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

const SERVICES = { group: '', version: 'v1', resource: 'services' };
const SLICES = { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices' };

/** kubectl without blocking this process (the control plane serves from it). */
function kubectl(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn('kubectl', ['--kubeconfig', env.kubeconfigPath, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill(), 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, out, err });
    });
  });
}

const webService = (name: string, spec: JsonObject = {}): JsonObject => ({
  metadata: { name, namespace: 'svc' },
  spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }], ...spec },
});

const slicesOf = (service: string) =>
  env.cp.api.list(SLICES, 'svc', { labelSelector: `kubernetes.io/service-name=${service}` }).items as any[];

/** the body of GET / through a host port, once it answers with a pod */
const answered = (port: number) =>
  eventually(async () => {
    const body = await get(port).catch(() => undefined);
    return body && /pod=/.test(body) ? body : undefined;
  }, 30_000);

test.serial(
  'EndpointSlices list the pods with their conditions, and go when the selector does',
  async (t) => {
    const svc = env.cp.api.get(SERVICES, 'svc', 'web') as any;
    const slices = await eventually(() => {
      const list = slicesOf('web');
      return list.flatMap((s) => s.endpoints ?? []).length === 3 ? list : undefined;
    }, 30_000);
    for (const s of slices) {
      t.regex(s.metadata.name, /^web-[a-z0-9]{5}$/);
      t.is(s.metadata.labels['endpointslice.kubernetes.io/managed-by'], 'endpointslice-controller.k8s.io');
      t.deepEqual(s.metadata.ownerReferences, [
        {
          apiVersion: 'v1',
          kind: 'Service',
          name: 'web',
          uid: svc.metadata.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ]);
      t.is(s.addressType, 'IPv4');
    }
    const byPod = Object.fromEntries(
      slices.flatMap((s) =>
        s.endpoints.map((e: any) => [e.targetRef.name, { ...e.conditions, port: s.ports[0].port }]),
      ),
    );
    t.like(byPod['ready-a'], { ready: true, serving: true, terminating: false });
    t.like(byPod['never-ready'], { ready: false, serving: false, terminating: false });
    // the same host ports the Endpoints list
    const endpoints = env.cp.api.get(
      { group: '', version: 'v1', resource: 'endpoints' },
      'svc',
      'web',
    ) as any;
    for (const subset of endpoints.subsets)
      for (const a of [...(subset.addresses ?? []), ...(subset.notReadyAddresses ?? [])])
        t.is(byPod[a.targetRef.name].port, subset.ports[0].port, a.targetRef.name);
    if (hasKubectl) {
      const r = await kubectl('get', 'endpointslices', '-n', 'svc');
      t.is(r.code, 0, r.err);
      t.regex(r.out, /NAME\s+ADDRESSTYPE\s+PORTS\s+ENDPOINTS\s+AGE/);
      t.regex(r.out, /web-[a-z0-9]{5}\s+IPv4\s+\d+\s+127\.0\.0\.1/);
    }

    await env.cp.api.create(SERVICES, 'svc', webService('web-sel'));
    await eventually(() => slicesOf('web-sel').length > 0, 30_000);
    await env.cp.api.patch(SERVICES, 'svc', 'web-sel', 'merge', { spec: { selector: null } });
    await eventually(() => slicesOf('web-sel').length === 0, 30_000);
    t.pass();
  },
);

test.serial('a NodePort Service answers on 127.0.0.1:<nodePort>', async (t) => {
  const made = (await env.cp.api.create(SERVICES, 'svc', webService('web-np', { type: 'NodePort' }))) as any;
  const nodePort = made.spec.ports[0].nodePort;
  t.true(nodePort >= 30000 && nodePort <= 32767);
  t.regex(await answered(nodePort), /pod=ready-[ab]/);
});

/** Listens on a free port of the static band (30000-30085), which nothing allocates at random. */
async function occupyStaticPort(): Promise<{ port: number; server: net.Server }> {
  for (let i = 0; i < 50; i++) {
    const port = 30000 + Math.floor(Math.random() * 86);
    const server = net.createServer((c) => c.destroy());
    const ok = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (ok) return { port, server };
  }
  throw new Error('no free port in 30000-30085');
}

test.serial(
  'a node port another process holds: a Warning Event, the rest carries on, then it recovers',
  async (t) => {
    const { port, server } = await occupyStaticPort();
    await env.cp.api.create(
      SERVICES,
      'svc',
      webService('web-busy', {
        type: 'NodePort',
        ports: [{ name: 'http', port: 80, targetPort: 'http', nodePort: port }],
      }),
    );
    const event = await eventually(() => {
      const events = env.cp.api.list({ group: '', version: 'v1', resource: 'events' }, 'svc').items as any[];
      return events.find((e) => e.involvedObject.name === 'web-busy' && e.reason === 'PortUnavailable');
    }, 30_000);
    t.is(event.type, 'Warning');
    t.regex(event.message, new RegExp(`127\\.0\\.0\\.1:${port} .*another process is listening on it`));
    // the Endpoints are still kept up to date
    await eventually(() => {
      const e = env.cp.store.get({ group: '', resource: 'endpoints', namespace: 'svc', name: 'web-busy' })
        ?.value as any;
      return (e?.subsets ?? []).some((s: any) => s.addresses?.length);
    }, 30_000);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    // retried every 10 s or so
    t.regex(await answered(port), /pod=ready-[ab]/);
  },
);

test.serial('a LoadBalancer gets 127.0.0.1 as its ingress; it goes when the type changes', async (t) => {
  const made = (await env.cp.api.create(
    SERVICES,
    'svc',
    webService('web-lb', { type: 'LoadBalancer' }),
  )) as any;
  const nodePort = made.spec.ports[0].nodePort;
  const lb = (await eventually(() => {
    const got = env.cp.api.get(SERVICES, 'svc', 'web-lb') as any;
    return got.status?.loadBalancer?.ingress ? got : undefined;
  }, 30_000)) as any;
  t.deepEqual(lb.status.loadBalancer.ingress, [{ ip: '127.0.0.1', ipMode: 'VIP' }]);
  t.regex(await answered(nodePort), /pod=ready-[ab]/);
  if (hasKubectl) {
    const r = await kubectl('get', 'svc', 'web-lb', '-n', 'svc');
    t.is(r.code, 0, r.err);
    t.regex(
      r.out,
      new RegExp(`web-lb\\s+LoadBalancer\\s+10\\.\\S+\\s+127\\.0\\.0\\.1\\s+80:${nodePort}/TCP`),
    );
  }
  const events = env.cp.api.list({ group: '', version: 'v1', resource: 'events' }, 'svc').items as any[];
  t.truthy(events.find((e) => e.involvedObject.name === 'web-lb' && e.reason === 'UpdatedLoadBalancer'));

  const changed = (await env.cp.api.patch(SERVICES, 'svc', 'web-lb', 'merge', {
    spec: { type: 'ClusterIP' },
  })) as any;
  t.deepEqual(changed.status, { loadBalancer: {} });
  t.is(changed.spec.ports[0].nodePort, undefined);
  // the listener leaves the released node port
  await eventually(
    async () =>
      (await get(nodePort).then(
        () => false,
        () => true,
      )) || undefined,
    30_000,
  );
  t.deepEqual((env.cp.api.get(SERVICES, 'svc', 'web-lb') as any).status, { loadBalancer: {} });

  // the garbage collector takes the slices with the Service
  t.true(slicesOf('web-lb').length > 0);
  await env.cp.api.delete(SERVICES, 'svc', 'web-lb');
  await eventually(() => slicesOf('web-lb').length === 0, 30_000);
});
