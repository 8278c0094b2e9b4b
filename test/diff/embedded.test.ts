/**
 * The comparison against what a real (embedded) API server returns after a server-side
 * apply: defaults, managedFields and ownership transfers as the server writes them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import type { JsonObject, KubeObject } from '../../src/core/index.js';
import { startControlPlane, type ControlPlane, type Gvr } from '../../src/controlplane/index.js';
import { compare, comparison, jsonPatch, normalize, unifiedDiff } from '../../src/diff/index.js';

let cp: ControlPlane;
let dataDir: string;

test.before(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-diff-'));
  cp = await startControlPlane({ dataDir, http: false, token: 't', controllers: false });
});

test.after.always(async () => {
  await cp?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const deployments: Gvr = { group: 'apps', version: 'v1', resource: 'deployments' };

async function apply(gvr: Gvr, obj: KubeObject, fieldManager = 'capstan'): Promise<KubeObject> {
  const { namespace, name } = obj.metadata;
  return (await cp.api.patch(gvr, namespace, name!, 'apply', obj as unknown as JsonObject, {
    fieldManager,
    force: true,
  })) as unknown as KubeObject;
}

async function update(
  gvr: Gvr,
  obj: KubeObject,
  patch: JsonObject,
  fieldManager: string,
): Promise<KubeObject> {
  const { namespace, name } = obj.metadata;
  return (await cp.api.patch(gvr, namespace, name!, 'strategic', patch, {
    fieldManager,
  })) as unknown as KubeObject;
}

function deployment(
  name: string,
  opts: { replicas?: number; image?: string; env?: string[]; tier?: boolean } = {},
): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name,
      namespace: 'default',
      labels: { app: name, ...(opts.tier === false ? {} : { tier: 'web' }) },
    },
    spec: {
      ...(opts.replicas === undefined ? {} : { replicas: opts.replicas }),
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            {
              name: 'web',
              image: opts.image ?? 'nginx:1.27',
              ports: [{ containerPort: 80 }],
              env: (opts.env ?? ['A', 'B']).map((n) => ({ name: n, value: n.toLowerCase() })),
              readinessProbe: { httpGet: { path: '/', port: 80 } },
              resources: { limits: { cpu: '500m', memory: '128Mi' } },
            },
          ],
        },
      },
    },
  };
}

test('defaults the API server adds are not drift (Deployment, Service, ConfigMap, Secret)', async (t) => {
  const objects: [Gvr, KubeObject][] = [
    [deployments, deployment('defaults', { replicas: 2 })],
    [
      { group: '', version: 'v1', resource: 'services' },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'defaults', namespace: 'default' },
        spec: {
          selector: { app: 'defaults' },
          ports: [
            { name: 'http', port: 80, targetPort: 8080 },
            { name: 'dns', port: 53, protocol: 'UDP' },
          ],
        },
      },
    ],
    [
      { group: '', version: 'v1', resource: 'configmaps' },
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'defaults', namespace: 'default' },
        data: { a: '1' },
      },
    ],
    [
      { group: '', version: 'v1', resource: 'secrets' },
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'defaults', namespace: 'default' },
        stringData: { password: 's3cr3t' },
      },
    ],
  ];
  for (const [gvr, desired] of objects) {
    const live = await apply(gvr, desired);
    t.deepEqual(compare(desired, live), { inSync: true, changed: [], removed: [] }, desired.kind);
    t.is(unifiedDiff(desired, live), '', desired.kind);
    t.deepEqual(jsonPatch(live, desired), [], desired.kind);
  }
});

test('a field removed from Git is a removal, and the prediction is what the server then does', async (t) => {
  const before = await apply(deployments, deployment('removal', { replicas: 2 }));
  const next = deployment('removal', { replicas: 2, env: ['A'], tier: false, image: 'nginx:1.28' });
  const c = comparison(next, before);
  t.false(c.inSync);
  t.deepEqual(
    c.changed.map((x) => [x.path, x.live, x.desired]),
    [['.spec.template.spec.containers[name="web"].image', 'nginx:1.27', 'nginx:1.28']],
  );
  t.deepEqual(
    c.removed.map((x) => x.path),
    ['.metadata.labels.tier', '.spec.template.spec.containers[name="web"].env[name="B"]'],
  );
  const after = await apply(deployments, next);
  t.deepEqual(c.predicted, normalize(after), 'the predicted live object is what the apply produced');
  t.true(compare(next, after).inSync);
});

test("an HPA's replicas are not drift when Git leaves them out, even after it took them over", async (t) => {
  // first without replicas in Git, the HPA sets them
  let live = await apply(deployments, deployment('hpa-a'));
  live = await update(deployments, live, { spec: { replicas: 4 } }, 'horizontal-pod-autoscaler');
  t.true(compare(deployment('hpa-a'), live).inSync);

  // Git had replicas (we owned them); the HPA changed them (ownership moves to it); Git drops them
  live = await apply(deployments, deployment('hpa-b', { replicas: 2 }));
  live = await update(deployments, live, { spec: { replicas: 5 } }, 'horizontal-pod-autoscaler');
  t.deepEqual(compare(deployment('hpa-b'), live), { inSync: true, changed: [], removed: [] });
  // while Git still sets them, the difference is drift
  t.deepEqual(compare(deployment('hpa-b', { replicas: 2 }), live).changed, [
    { path: '.spec.replicas', pointer: '/spec/replicas', live: 5, desired: 2 },
  ]);
  // unless the application trusts the HPA's value
  const ignoreDifferences = [
    { group: 'apps', kind: 'Deployment', managedFieldsManagers: ['horizontal-pod-autoscaler'] },
  ];
  t.true(compare(deployment('hpa-b', { replicas: 2 }), live, { ignoreDifferences }).inSync);
  t.is(unifiedDiff(deployment('hpa-b', { replicas: 2 }), live, { ignoreDifferences }), '');
});

test('kubectl edit: fields Git does not set are not drift; a field Git sets is', async (t) => {
  let live = await apply(deployments, deployment('edited', { replicas: 1 }));
  live = await update(
    deployments,
    live,
    {
      metadata: { labels: { owner: 'ops' }, annotations: { note: 'hand-made' } },
      spec: { template: { spec: { containers: [{ name: 'web', imagePullPolicy: 'Always' }] } } },
    },
    'kubectl-edit',
  );
  t.true(compare(deployment('edited', { replicas: 1 }), live).inSync);

  live = await update(
    deployments,
    live,
    { spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:hotfix' }] } } } },
    'kubectl-edit',
  );
  const r = compare(deployment('edited', { replicas: 1 }), live);
  t.deepEqual(r.changed, [
    {
      path: '.spec.template.spec.containers[name="web"].image',
      pointer: '/spec/template/spec/containers/0/image',
      live: 'nginx:hotfix',
      desired: 'nginx:1.27',
    },
  ]);
  t.deepEqual(r.removed, []);
});
