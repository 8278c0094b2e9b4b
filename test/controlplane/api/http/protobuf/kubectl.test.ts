/**
 * A real kubectl against a real control plane: `kubectl create <kind>` uses typed clients
 * that send protobuf. kubectl runs as an async child, since the server shares this process.
 * Skipped when kubectl is missing.
 */
import test from 'ava';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startControlPlane, type ControlPlane } from '../../../../../src/controlplane/index.js';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (e) => resolve({ code: -1, stdout, stderr: String(e) }));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const hasKubectl = (await run('kubectl', ['version', '--client'])).code === 0;
const maybe = hasKubectl ? test : test.skip;

let dir: string;
let cp: ControlPlane;

test.before(async () => {
  if (!hasKubectl) return;
  dir = await mkdtemp(join(tmpdir(), 'capstan-protobuf-'));
  cp = await startControlPlane({ dataDir: join(dir, 'data'), port: 0, token: 't' });
});

test.after.always(async () => {
  await cp?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function kubectl(t: { log(...v: unknown[]): void }, ...args: string[]): Promise<Run> {
  const result = await run('kubectl', [
    `--kubeconfig=${cp.kubeconfigPath!}`,
    `--cache-dir=${join(dir, 'cache')}`,
    ...args,
  ]);
  if (result.code !== 0) t.log(args.join(' '), result.stderr);
  return result;
}

const core = (resource: string) => ({ group: '', version: 'v1', resource });

maybe('kubectl create sends protobuf, and every object reads back as its JSON form', async (t) => {
  const ns = await kubectl(t, 'create', 'namespace', 'x', '-v=8');
  t.is(ns.code, 0);
  // guard that this test exercises the decoder at all
  t.regex(ns.stderr, /Content-Type: application\/vnd\.kubernetes\.protobuf/);
  t.is(cp.api.get(core('namespaces'), undefined, 'x').kind, 'Namespace');

  const creates = [
    ['configmap', 'c', '--from-literal=a=1'],
    ['secret', 'generic', 's', '--from-literal=p=q'],
    ['deployment', 'd', '--image=nginx'],
    ['serviceaccount', 'sa'],
    ['role', 'r', '--verb=get', '--resource=pods'],
    ['service', 'clusterip', 'svc', '--tcp=80:8080'],
    ['job', 'j', '--image=busybox'],
  ];
  for (const args of creates) {
    const r = await kubectl(t, 'create', ...args, '-n', 'x');
    t.is(r.code, 0, args.join(' '));
  }

  t.deepEqual(cp.api.get(core('configmaps'), 'x', 'c').data, { a: '1' });
  t.like(cp.api.get(core('secrets'), 'x', 's'), {
    type: 'Opaque',
    data: { p: Buffer.from('q').toString('base64') },
  });
  t.is(cp.api.get(core('serviceaccounts'), 'x', 'sa').kind, 'ServiceAccount');

  const deployment = cp.api.get({ group: 'apps', version: 'v1', resource: 'deployments' }, 'x', 'd') as any;
  t.like(deployment.spec, { replicas: 1, selector: { matchLabels: { app: 'd' } } });
  t.like(deployment.spec.template.spec.containers[0], { name: 'nginx', image: 'nginx' });
  t.deepEqual(deployment.spec.template.metadata.labels, { app: 'd' });

  const role = cp.api.get({ group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'roles' }, 'x', 'r');
  t.deepEqual(role.rules, [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }]);

  const service = cp.api.get(core('services'), 'x', 'svc') as any;
  t.is(service.spec.type, 'ClusterIP');
  t.like(service.spec.ports[0], { name: '80-8080', port: 80, targetPort: 8080, protocol: 'TCP' });
  t.deepEqual(service.spec.selector, { app: 'svc' });

  const job = cp.api.get({ group: 'batch', version: 'v1', resource: 'jobs' }, 'x', 'j') as any;
  t.like(job.spec.template.spec, { restartPolicy: 'Never' });
  t.like(job.spec.template.spec.containers[0], { name: 'j', image: 'busybox' });
});
