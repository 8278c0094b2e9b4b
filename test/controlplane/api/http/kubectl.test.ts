/**
 * A real kubectl against the handler and the fake Api, over HTTPS with a bearer token
 * (client-go never sends a token over plain HTTP). Skipped when kubectl or openssl is
 * missing. The requests kubectl made are printed with `t.log` (run with --verbose).
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createApiHandler } from '../../../../src/controlplane/api/http/index.js';
import { FakeApi, widgetType } from './fake-api.js';

const run = promisify(execFile);
const token = 'kubectl-test-token';

async function available(cmd: string): Promise<boolean> {
  try {
    await run(cmd, ['version', ...(cmd === 'kubectl' ? ['--client'] : [])]);
    return true;
  } catch {
    return false;
  }
}

const manifest = (value: string) => `
apiVersion: v1
kind: ConfigMap
metadata: {name: demo}
data: {a: "${value}"}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: nginx}]}
`;

const widget = `
apiVersion: example.com/v1
kind: Widget
metadata: {name: w1}
spec: {size: 3}
`;

const ready = (await available('kubectl')) && (await available('openssl'));
const maybe = ready ? test.serial : test.skip;

let dir: string;
let server: Server;
let api: FakeApi;
const seen: string[] = [];

async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await run('kubectl', [`--cache-dir=${join(dir, 'cache')}`, ...args], {
    env: { ...process.env, KUBECONFIG: join(dir, 'kubeconfig') },
  });
  return stdout;
}

test.before(async () => {
  if (!ready) return;
  dir = await mkdtemp(join(tmpdir(), 'capstan-kubectl-'));
  const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
  await run('openssl', [
    ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'],
    ...['-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1'],
    ...['-addext', 'subjectAltName=IP:127.0.0.1'],
  ]);
  api = new FakeApi();
  const handle = createApiHandler({
    api,
    token,
    logger: { error: (fields, message) => seen.push(`ERROR ${message} ${String(fields.err)}`) },
  });
  // record what kubectl asks for (printed by the last test): method, path and the media types it accepts and sends
  server = createServer({ cert: await readFile(cert), key: await readFile(key) }, (req, res) => {
    res.on('finish', () =>
      seen.push(
        `${req.method} ${req.url} -> ${res.statusCode} | Accept: ${req.headers.accept ?? ''}` +
          (req.headers['content-type'] ? ` | Content-Type: ${req.headers['content-type']}` : ''),
      ),
    );
    handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await writeFile(
    join(dir, 'kubeconfig'),
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name: 'c',
          cluster: { server: url, 'certificate-authority-data': (await readFile(cert)).toString('base64') },
        },
      ],
      users: [{ name: 'u', user: { token } }],
      contexts: [{ name: 'x', context: { cluster: 'c', user: 'u', namespace: 'default' } }],
      'current-context': 'x',
    }),
  );
});

test.after.always(async () => {
  if (!ready) return;
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

maybe('kubectl apply creates, then patches; get prints tables', async (t) => {
  await writeFile(join(dir, 'app.yaml'), manifest('1'));
  t.regex(
    await kubectl('apply', '-f', join(dir, 'app.yaml')),
    /configmap\/demo created\s+deployment.apps\/web created/,
  );
  const table = await kubectl('get', 'cm,deploy');
  t.regex(table, /NAME\s+AGE\s+configmap\/demo/);
  t.regex(table, /deployment.apps\/web/);
  await writeFile(join(dir, 'app.yaml'), manifest('2'));
  t.regex(await kubectl('apply', '-f', join(dir, 'app.yaml')), /configmap\/demo configured/);
  const patch = api.calls.findLast((c) => c.method === 'patch')!;
  // client-side apply of a built-in kind: kubectl computed a strategic merge patch from its own types
  t.is(patch.args[3], 'strategic');
  t.like(patch.args[5] as object, { fieldManager: 'kubectl-client-side-apply', fieldValidation: 'Strict' });
  t.is(JSON.parse(await kubectl('get', 'cm', 'demo', '-o', 'json')).data.a, '2');
});

maybe('kubectl apply --server-side sends an apply patch', async (t) => {
  t.regex(await kubectl('apply', '--server-side', '-f', join(dir, 'app.yaml')), /serverside-applied/);
  const patch = api.calls.findLast((c) => c.method === 'patch')!;
  t.is(patch.args[3], 'apply');
  t.like(patch.args[5] as object, { fieldManager: 'kubectl-last-applied' });
});

maybe('a kind added at run time is usable by kubectl at once', async (t) => {
  api.types.push(widgetType);
  await writeFile(join(dir, 'widget.yaml'), widget);
  t.regex(await kubectl('apply', '-f', join(dir, 'widget.yaml')), /widget.example.com\/w1 created/);
  await writeFile(join(dir, 'widget.yaml'), widget.replace('size: 3', 'size: 4'));
  t.regex(await kubectl('apply', '-f', join(dir, 'widget.yaml')), /configured/);
  // a custom kind is not compiled into kubectl: it sends a JSON merge patch
  t.is(api.calls.findLast((c) => c.method === 'patch')!.args[3], 'merge');
});

maybe("kubectl explain describes a custom kind's fields from its schema", async (t) => {
  if (!api.types.includes(widgetType)) api.types.push(widgetType);
  const spec = await kubectl('explain', 'widgets.spec');
  t.regex(spec, /KIND:\s+Widget/);
  t.regex(spec, /What the widget should be\./);
  t.regex(spec, /size\s+<integer>\s+How big the widget is, in units\./);
  t.regex(await kubectl('explain', 'widgets.spec.size'), /FIELD: size <integer>/);
});

maybe('kubectl delete removes the objects and waits for them to go', async (t) => {
  t.regex(await kubectl('delete', '-f', join(dir, 'app.yaml')), /configmap "demo" deleted/);
  t.is(await kubectl('get', 'cm'), '');
  t.log(seen.join('\n'));
});
