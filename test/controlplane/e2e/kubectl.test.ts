/**
 * A real kubectl (v1.32) drives the embedded control plane unchanged. Skipped when
 * kubectl is not installed.
 */
import test from 'ava';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseYamlDocument } from '../../../src/core/index.js';
import {
  eventually,
  hasKubectl,
  removeDir,
  startTestControlPlane,
  type TestControlPlane,
} from '../helpers.js';

const maybe = hasKubectl ? test.serial : test.skip;
let env: TestControlPlane;

interface Run {
  code: number;
  out: string;
  err: string;
}

/** Runs kubectl without blocking: the control plane serves from this same process. */
function kubectl(...args: string[]): Promise<Run> {
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

async function ok(t: { is: (a: unknown, b: unknown, m?: string) => void }, run: Promise<Run>, what: string) {
  const r = await run;
  t.is(r.code, 0, `${what}: ${r.err}`);
  return r.out;
}

const manifest = `apiVersion: v1
kind: Namespace
metadata:
  name: k
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: k
  labels: {app: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: app
        image: nginx:1.25
        ports: [{containerPort: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: k}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 80}]
`;

let manifestFile: string;

test.before(async () => {
  if (!hasKubectl) return;
  env = await startTestControlPlane();
  manifestFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-kubectl-')), 'app.yaml');
  fs.writeFileSync(manifestFile, manifest);
});

test.after.always(async () => {
  if (!env) return;
  await env.close();
  removeDir(env.dataDir);
  removeDir(path.dirname(manifestFile));
});

if (!hasKubectl) test('kubectl tests skipped: kubectl is not installed', (t) => t.pass());

maybe('get ns prints the bootstrap namespaces in a table', async (t) => {
  const out = await ok(t, kubectl('get', 'ns'), 'get ns');
  t.regex(out, /^NAME\s+STATUS\s+AGE/m);
  t.regex(out, /^default\s+Active\s+\S+/m);
});

maybe('apply creates, a second apply is unchanged, get shows deployment columns', async (t) => {
  t.regex(await ok(t, kubectl('apply', '-f', manifestFile), 'apply'), /deployment.apps\/web created/);
  t.regex(await ok(t, kubectl('apply', '-f', manifestFile), 'apply again'), /deployment.apps\/web unchanged/);
  t.regex(
    await ok(t, kubectl('-n', 'k', 'get', 'deploy'), 'get deploy'),
    /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE/m,
  );
  t.regex(
    await ok(t, kubectl('-n', 'k', 'get', 'svc'), 'get svc'),
    /^web\s+ClusterIP\s+10\.\d+\.\d+\.\d+\s+<none>\s+80\/TCP/m,
  );
});

maybe('get -o yaml returns the object with server-set fields', async (t) => {
  const obj = parseYamlDocument(
    await ok(t, kubectl('-n', 'k', 'get', 'deploy', 'web', '-o', 'yaml'), 'get -o yaml'),
    'out',
  ) as any;
  t.is(obj.kind, 'Deployment');
  t.truthy(obj.metadata.uid);
  t.is(obj.spec.strategy.type, 'RollingUpdate');
  t.truthy(obj.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']);
});

maybe('label, annotate, scale and the three patch types', async (t) => {
  await ok(t, kubectl('-n', 'k', 'label', 'deploy', 'web', 'tier=front'), 'label');
  await ok(t, kubectl('-n', 'k', 'annotate', 'deploy', 'web', 'note=hello'), 'annotate');
  await ok(t, kubectl('-n', 'k', 'scale', 'deploy', 'web', '--replicas=4'), 'scale');
  await ok(
    t,
    kubectl('-n', 'k', 'patch', 'deploy', 'web', '--type=merge', '-p', '{"metadata":{"labels":{"m":"1"}}}'),
    'merge patch',
  );
  await ok(
    t,
    kubectl(
      '-n',
      'k',
      'patch',
      'deploy',
      'web',
      '--type=json',
      '-p',
      '[{"op":"add","path":"/metadata/labels/j","value":"2"}]',
    ),
    'json patch',
  );
  await ok(
    t,
    kubectl(
      '-n',
      'k',
      'patch',
      'deploy',
      'web',
      '-p',
      '{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"nginx:1.26"}]}}}}',
    ),
    'strategic patch',
  );
  const obj = parseYamlDocument(
    await ok(t, kubectl('-n', 'k', 'get', 'deploy', 'web', '-o', 'yaml'), 'get'),
    'out',
  ) as any;
  t.is(obj.metadata.labels.tier, 'front');
  t.is(obj.metadata.labels.m, '1');
  t.is(obj.metadata.labels.j, '2');
  t.is(obj.metadata.annotations.note, 'hello');
  t.is(obj.spec.replicas, 4);
  t.is(obj.spec.template.spec.containers.length, 1);
  t.is(obj.spec.template.spec.containers[0].image, 'nginx:1.26');
});

maybe('rollout history lists the revisions and rollout undo restores the previous template', async (t) => {
  const history = await ok(t, kubectl('-n', 'k', 'rollout', 'history', 'deploy/web'), 'rollout history');
  t.regex(history, /^1\s/m);
  t.regex(history, /^2\s/m);
  await ok(t, kubectl('-n', 'k', 'rollout', 'undo', 'deploy/web'), 'rollout undo');
  const obj = parseYamlDocument(
    await ok(t, kubectl('-n', 'k', 'get', 'deploy', 'web', '-o', 'yaml'), 'get'),
    'out',
  ) as any;
  t.is(obj.spec.template.spec.containers[0].image, 'nginx:1.25');
});

maybe('rollout pause holds a template change back; rollout resume rolls it out', async (t) => {
  const replicaSets = async () =>
    (await ok(t, kubectl('-n', 'k', 'get', 'rs', '-l', 'app=web', '-o', 'name'), 'get rs'))
      .trim()
      .split('\n');
  const progressing = async () => {
    const d = parseYamlDocument(
      await ok(t, kubectl('-n', 'k', 'get', 'deploy', 'web', '-o', 'yaml'), 'get'),
      'out',
    ) as any;
    return d.status.conditions.find((c: { type: string }) => c.type === 'Progressing');
  };
  t.regex(await ok(t, kubectl('-n', 'k', 'rollout', 'pause', 'deploy/web'), 'pause'), /web paused/);
  const before = await replicaSets();
  await ok(t, kubectl('-n', 'k', 'set', 'image', 'deploy/web', 'app=nginx:1.27'), 'set image');
  await eventually(async () => (await progressing())?.reason === 'DeploymentPaused', 20_000, 200);
  t.deepEqual(await replicaSets(), before, 'no new ReplicaSet while paused');
  const undo = await kubectl('-n', 'k', 'rollout', 'undo', 'deploy/web');
  t.not(undo.code, 0);
  t.regex(undo.err, /paused/, 'undo of a paused deployment is refused');

  t.regex(await ok(t, kubectl('-n', 'k', 'rollout', 'resume', 'deploy/web'), 'resume'), /web resumed/);
  await eventually(async () => (await replicaSets()).length === before.length + 1, 20_000, 200);
  await eventually(async () => (await progressing())?.reason !== 'DeploymentPaused', 20_000, 200);
  const rs = await ok(t, kubectl('-n', 'k', 'get', 'rs', '-l', 'app=web', '-o', 'yaml'), 'get rs');
  t.regex(rs, /image: nginx:1\.27/);
});

maybe('apply --server-side, diff and create namespace/configmap/secret', async (t) => {
  await ok(t, kubectl('create', 'namespace', 'ssa'), 'create ns');
  await ok(t, kubectl('-n', 'ssa', 'create', 'configmap', 'cfg', '--from-literal=a=1'), 'create configmap');
  await ok(
    t,
    kubectl('-n', 'ssa', 'create', 'secret', 'generic', 'sec', '--from-literal=p=s3cret'),
    'create secret',
  );
  const file = path.join(path.dirname(manifestFile), 'ssa.yaml');
  fs.writeFileSync(
    file,
    'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: applied, namespace: ssa}\ndata: {x: "1"}\n',
  );
  t.regex(
    await ok(t, kubectl('apply', '--server-side', '-f', file), 'apply --server-side'),
    /configmap\/applied serverside-applied/,
  );
  fs.writeFileSync(
    file,
    'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: applied, namespace: ssa}\ndata: {x: "2"}\n',
  );
  const diff = await kubectl('diff', '-f', file);
  t.is(diff.code, 1, `diff exits 1 when there are differences: ${diff.err}`);
  t.regex(diff.out, /-\s+x: "1"[\s\S]*\+\s+x: "2"/);
  t.regex(await ok(t, kubectl('-n', 'ssa', 'get', 'secret'), 'get secret'), /^sec\s+Opaque\s+1\s+/m);
});

maybe('get -w streams a change', async (t) => {
  const child = spawn(
    'kubectl',
    ['--kubeconfig', env.kubeconfigPath, '-n', 'ssa', 'get', 'configmap', '-w', '--output-watch-events'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const seen = async (re: RegExp) => {
    const deadline = Date.now() + 20_000;
    while (!re.test(out)) {
      if (Date.now() > deadline) throw new Error(`not seen: ${re} in ${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  try {
    await seen(/cfg/);
    await ok(t, kubectl('-n', 'ssa', 'create', 'configmap', 'watched'), 'create while watching');
    await seen(/ADDED\s+watched/);
    t.pass();
  } finally {
    child.kill();
  }
});

maybe('delete removes objects', async (t) => {
  t.regex(
    await ok(t, kubectl('-n', 'ssa', 'delete', 'configmap', 'cfg'), 'delete'),
    /configmap "cfg" deleted/,
  );
  const r = await kubectl('-n', 'ssa', 'get', 'configmap', 'cfg');
  t.not(r.code, 0);
  t.regex(r.err, /NotFound|not found/);
});
