/** The preview comment, its URL and the settings it reads: pure parts. */
import test from 'ava';
import type { Application, KubeObject, PreviewRecord, PreviewSet } from '../../../src/core/index.js';
import { previewComment, previewMarker } from '../../../src/daemon/previews/preview-comment.js';
import { urlOf } from '../../../src/daemon/previews/preview-url.js';
import { previewApplication, previewSettings } from '../../../src/daemon/previews/preview-settings.js';
import { formatDuration } from '../../../src/daemon/previews/preview-controller.js';

const HEAD = 'abcdef0123456789abcdef0123456789abcdef01';
const record = (extra: Partial<PreviewRecord> = {}): PreviewRecord => ({
  number: 3,
  headSha: HEAD,
  pushedAt: '2024-05-06T12:00:00.000Z',
  state: 'Active',
  application: 'shop-pr-3',
  ...extra,
});
const app = (status: Application['status']): Application => ({
  apiVersion: 'capstan.dev/v1alpha1',
  kind: 'Application',
  metadata: { name: 'shop-pr-3' },
  spec: { source: { repoURL: 'https://git.example/shop.git' } },
  status,
});
const base = { set: 'shop', baseBranch: 'main', ttl: '72h', maxPreviews: 10 };

test('marked, Healthy with the URL and a short diff shown inline', (t) => {
  const body = previewComment({
    ...base,
    record: record(),
    app: app({ sync: { status: 'Synced', revision: HEAD }, health: { status: 'Healthy' } }),
    previewURL: 'http://127.0.0.1:3456/',
    diff: {
      baseRevision: '1234567aaaa',
      objects: [
        { object: 'apps/v1 Deployment web', change: 'changed', diff: '--- before\n+++ after\n-a\n+b\n' },
      ],
    },
  });
  t.true(body.startsWith(previewMarker('shop')));
  t.true(body.includes('✅ Healthy at `abcdef0`.'));
  t.true(body.includes('| URL | http://127.0.0.1:3456/ |'));
  t.true(body.includes('against `main` (1234567)'));
  t.true(body.includes('```diff\n# apps/v1 Deployment web (changed)\n--- before'));
  t.false(body.includes('<details>'));
});

test('Degraded names the object, pod, container and probe at fault; a long diff is folded and cut', (t) => {
  const long = Array.from({ length: 40 }, (_, i) => `+line ${i}`).join('\n') + '\n';
  const objects = Array.from({ length: 30 }, (_, i) => ({
    object: `v1 ConfigMap c${i}`,
    change: 'added' as const,
    diff: `--- before\n+++ after\n${long}${'x'.repeat(2000)}\n`,
  }));
  const body = previewComment({
    ...base,
    record: record(),
    app: app({
      sync: { status: 'Synced', revision: HEAD },
      health: {
        status: 'Degraded',
        message: 'readiness probe failed',
        object: 'Deployment shop-pr-3/web',
        pod: 'web-1',
        container: 'web',
        probe: 'readiness',
      },
    }),
    diff: { objects },
  });
  t.true(body.includes('❌ Degraded at `abcdef0`: readiness probe failed'));
  t.true(
    body.includes(
      'At fault: object `Deployment shop-pr-3/web`, pod `web-1`, container `web`, probe readiness.',
    ),
  );
  t.true(body.includes('<details><summary>Show the diff</summary>'));
  t.regex(body, /… and \d+ more, not shown/);
  t.true(body.length < 40_000);
});

test('deploying, a failed sync, and the removed states say what happened', (t) => {
  t.true(previewComment({ ...base, record: record(), app: app({}) }).includes('⏳ Deploying `abcdef0`…'));
  const failed = previewComment({
    ...base,
    record: record(),
    app: app({
      operationState: {
        intent: { type: 'follow' },
        reason: 'x',
        phase: 'Failed',
        revision: HEAD,
        message: 'render failed',
        startedAt: 'x',
      },
    }),
  });
  t.true(failed.includes('❌ The sync of `abcdef0` failed: render failed'));
  t.true(previewComment({ ...base, record: record({ state: 'Closed' }) }).includes('closed or merged'));
  t.true(previewComment({ ...base, record: record({ state: 'Expired' }) }).includes('no push for 72h'));
  t.true(previewComment({ ...base, record: record({ state: 'Evicted' }) }).includes('at most 10 previews'));
  t.true(
    previewComment({ ...base, record: record(), diff: { objects: [], error: 'boom' } }).includes(
      'No rendered diff against `main`: boom',
    ),
  );
});

const obj = (kind: string, name: string, rest: Record<string, unknown> = {}): KubeObject =>
  ({ apiVersion: 'v1', kind, metadata: { name, namespace: 'shop-pr-3' }, ...rest }) as KubeObject;

test('the URL: an Ingress host (with the listener port it reports), else a published Service port, else its name', (t) => {
  const ingress = obj('Ingress', 'web', {
    spec: { rules: [{ host: 'pr-3.preview.local' }] },
    status: { loadBalancer: { ingress: [{ ip: '127.0.0.1', ports: [{ port: 8081 }] }] } },
  });
  const service = obj('Service', 'web');
  const endpoints = obj('Endpoints', 'web');
  endpoints.metadata.annotations = { 'capstan.dev/proxy-ports': 'http=34567,metrics=34568' };
  t.is(urlOf([ingress], [{ service, endpoints }]), 'http://pr-3.preview.local:8081/');
  t.is(urlOf([], [{ service, endpoints }]), 'http://127.0.0.1:34567/');
  t.is(urlOf([], [{ service }]), 'Service shop-pr-3/web');
  t.is(urlOf([], []), undefined);
});

const set = (spec: Partial<PreviewSet['spec']> = {}, name = 'shop'): PreviewSet => ({
  apiVersion: 'capstan.dev/v1alpha1',
  kind: 'PreviewSet',
  metadata: { name, uid: 'u-1' },
  spec: {
    repoURL: 'https://git.example/shop.git',
    baseBranch: 'main',
    path: 'overlays/preview',
    provider: {
      name: 'github',
      apiUrl: 'https://api.github.com',
      repository: 'acme/shop',
      tokenSecretRef: { name: 't' },
    },
    ...spec,
  },
});

test('settings: defaults, and the preview Application pinned at the head in its own namespace, owned by the set', (t) => {
  const s = previewSettings(
    set({ template: { project: 'previews', syncPolicy: { syncOptions: ['CreateNamespace=false'] } } }),
  );
  t.like(s, { ttlMs: 72 * 3_600_000, maxPreviews: 10, pollMs: 300_000, path: 'overlays/preview' });
  const app = previewApplication(s, { number: 3, headSha: HEAD, headBranch: 'feature' });
  t.is(app.metadata.name, 'shop-pr-3');
  t.deepEqual(app.metadata.labels, { 'capstan.dev/preview-set': 'shop', 'capstan.dev/pull-request': '3' });
  t.deepEqual(app.metadata.finalizers, ['capstan.dev/resources']);
  t.like((app.metadata.ownerReferences as any[])[0], {
    kind: 'PreviewSet',
    name: 'shop',
    uid: 'u-1',
    controller: true,
  });
  t.deepEqual(app.spec.source, {
    repoURL: 'https://git.example/shop.git',
    targetRevision: HEAD,
    path: 'overlays/preview',
  });
  t.deepEqual(app.spec.destination, { namespace: 'shop-pr-3' });
  t.deepEqual(app.spec.syncPolicy?.syncOptions, ['CreateNamespace=true']);
  t.is(app.spec.project, 'previews');
  t.throws(() => previewSettings(set({}, 'x'.repeat(60))), { message: /metadata\.name/ });
  t.throws(() => previewSettings(set({ ttl: 'soon' })), { message: /spec\.ttl/ });
  t.is(formatDuration(72 * 3_600_000), '72h');
  t.is(formatDuration(2000), '2s');
  t.is(formatDuration(1500), '1500ms');
});
