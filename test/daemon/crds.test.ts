/**
 * The Application and AppProject CRDs: the published manifests are the daemon's values, and
 * the embedded control plane serves both kinds from them — defaults, refusal of a badly
 * typed spec, the status subresource and `kubectl get applications`' columns.
 */
import test from 'ava';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  APPLICATION_CRD,
  APPPROJECT_CRD,
  crdManifests,
  type CrdObject,
  PREVIEWSET_CRD,
  PROMOTION_CRD,
} from '../../src/daemon/crds.js';
import { parseYamlDocument, type JsonObject } from '../../src/core/index.js';
import {
  eventually,
  rawRequest,
  removeDir,
  startTestControlPlane,
  type TestControlPlane,
} from '../controlplane/helpers.js';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const KUBECTL = '/usr/bin/kubectl';
const hasKubectl = fs.existsSync(KUBECTL);
const APPS = '/apis/capstan.dev/v1alpha1/applications';
const CRDS = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
const PROJECTS = '/apis/capstan.dev/v1alpha1/appprojects';
const PROMOTIONS = '/apis/capstan.dev/v1alpha1/promotions';

let env: TestControlPlane;

test.before(async () => {
  // CRDs need no workload controllers: the CRD controller always runs
  env = await startTestControlPlane(undefined, { controllers: false });
});

test.after.always(async () => {
  await env?.close();
  if (env) removeDir(env.dataDir);
});

const call = (method: string, url: string, body?: unknown, contentType?: string) =>
  rawRequest(env, method, url, {
    token: 'test-token',
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: contentType ? { 'content-type': contentType } : {},
  }).then((r) => ({ status: r.status, body: JSON.parse(r.body) as any }));

function kubectl(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(KUBECTL, ['--kubeconfig', env.kubeconfigPath, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => resolve({ code: code ?? -1, out, err }));
  });
}

const application = (name: string, spec: JsonObject): JsonObject => ({
  apiVersion: 'capstan.dev/v1alpha1',
  kind: 'Application',
  metadata: { name },
  spec,
});

/** Creates the CRDs once and waits until the API server serves their kinds. */
let installed: Promise<void> | undefined;
function installCrds(): Promise<void> {
  installed ??= (async () => {
    // raw JSON: the client library's typed model would drop `default` and `x-kubernetes-*`
    for (const crd of [APPLICATION_CRD, APPPROJECT_CRD, PROMOTION_CRD]) {
      const res = await call('POST', CRDS, crd);
      if (res.status !== 201) throw new Error(`creating a CRD: ${JSON.stringify(res.body)}`);
    }
    for (const name of ['applications.capstan.dev', 'appprojects.capstan.dev', 'promotions.capstan.dev'])
      await eventually(async () => {
        const crd = (await call('GET', `${CRDS}/${name}`)).body;
        return crd.status?.conditions?.some((c: any) => c.type === 'Established' && c.status === 'True');
      });
    await eventually(async () => (await call('GET', APPS)).status === 200);
    await eventually(async () => (await call('GET', PROJECTS)).status === 200);
    await eventually(async () => (await call('GET', PROMOTIONS)).status === 200);
  })();
  return installed;
}

test('manifests/crds/ holds exactly the CRDs in src/daemon/crds.ts (`npm run crds` rewrites them)', (t) => {
  for (const { file, text } of crdManifests()) {
    const at = path.join(root, 'manifests', 'crds', file);
    const published = fs.readFileSync(at, 'utf8');
    t.deepEqual(
      parseYamlDocument(published, file),
      (
        {
          'application.yaml': APPLICATION_CRD,
          'appproject.yaml': APPPROJECT_CRD,
          'promotion.yaml': PROMOTION_CRD,
          'previewset.yaml': PREVIEWSET_CRD,
        } as const
      )[file],
      `${file} differs from src/daemon/crds.ts: run npm run crds`,
    );
    t.is(published, text, `${file} is not as npm run crds writes it`);
  }
});

test('every kind is cluster-scoped, with short names, the capstan category and a status subresource', (t) => {
  for (const crd of [APPLICATION_CRD, APPPROJECT_CRD, PROMOTION_CRD, PREVIEWSET_CRD]) {
    const spec = crd.spec as any;
    t.is(spec.group, 'capstan.dev');
    t.is(spec.scope, 'Cluster');
    t.deepEqual(spec.names.categories, ['capstan']);
    t.deepEqual(spec.versions[0].subresources, { status: {} });
  }
  t.deepEqual((APPLICATION_CRD.spec as any).names.shortNames, ['app', 'apps']);
  t.deepEqual((APPPROJECT_CRD.spec as any).names.shortNames, ['appproj', 'appprojs']);
  t.deepEqual((PROMOTION_CRD.spec as any).names.shortNames, ['promo']);
  t.deepEqual((PREVIEWSET_CRD.spec as any).names.shortNames, ['preview', 'previews']);
});

/** The paths of the root and of every field under it (array items' fields included) that have no description. */
function undescribed(schema: any, at = ''): string[] {
  const missing = schema.description?.trim() ? [] : [at || '(root)'];
  return [...missing, ...fieldsOf(schema, at).flatMap(([field, s]) => undescribed(s, field))];
}

/** An object's properties, or those of an array's items, by path: `spec.stages[].windows`. */
function fieldsOf(schema: any, at: string): [string, any][] {
  if (schema.items) return fieldsOf(schema.items, `${at}[]`);
  return Object.entries(schema.properties ?? {}).map(([name, s]) => [at ? `${at}.${name}` : name, s]);
}

test('every kind and every field of its spec and status has a description for kubectl explain', (t) => {
  for (const crd of [APPLICATION_CRD, APPPROJECT_CRD, PROMOTION_CRD, PREVIEWSET_CRD]) {
    const version = (crd.spec as any).versions[0];
    t.deepEqual(undescribed(version.schema.openAPIV3Schema), [], crd.metadata.name);
  }
  // a shared schema is described where it is used: the provider of each kind says what it is for
  const spec = (crd: CrdObject) => (crd.spec as any).versions[0].schema.openAPIV3Schema.properties.spec;
  t.regex(spec(APPLICATION_CRD).properties.provider.description, /commit status/);
  t.regex(spec(PROMOTION_CRD).properties.provider.description, /promotion pull requests/);
  t.regex(spec(PREVIEWSET_CRD).properties.provider.description, /preview comments/);
});

test.serial(
  'an Application is served once its CRD is Established, with defaults and a status subresource',
  async (t) => {
    await installCrds();
    const created = await call('POST', APPS, {
      ...application('shop', { source: { repoURL: 'https://git.example.com/shop.git' } }),
      status: { sync: { status: 'Synced' } },
    });
    t.is(created.status, 201, JSON.stringify(created.body));
    t.is(created.body.metadata.namespace, undefined, 'cluster-scoped');
    t.is(created.body.spec.project, 'default');
    t.deepEqual(created.body.spec.destination, { cluster: 'in-process', namespace: 'default' });
    t.is(created.body.status, undefined, 'status is written through /status only');

    const patched = await call(
      'PATCH',
      `${APPS}/shop/status`,
      {
        status: {
          sync: { status: 'Synced', revision: 'abc1234def5678', shortRevision: 'abc1234' },
          health: { status: 'Healthy' },
          conditions: [
            {
              type: 'Ready',
              status: 'True',
              reason: 'Succeeded',
              message: 'synced abc1234',
              lastTransitionTime: '2024-05-01T12:00:00Z',
            },
          ],
        },
      },
      'application/merge-patch+json',
    );
    t.is(patched.status, 200, JSON.stringify(patched.body));
    t.is(patched.body.status.sync.shortRevision, 'abc1234');
    t.is(patched.body.status.conditions[0].type, 'Ready');
  },
);

test.serial('an AppProject is served, cluster-scoped', async (t) => {
  await installCrds();
  const created = await call('POST', PROJECTS, {
    apiVersion: 'capstan.dev/v1alpha1',
    kind: 'AppProject',
    metadata: { name: 'team-a' },
    spec: {
      sourceRepos: ['https://git.example.com/team-a/*'],
      destinations: [{ cluster: 'in-process', namespace: 'team-a-*' }],
      clusterResourceWhitelist: [{ group: '', kind: 'Namespace' }],
    },
  });
  t.is(created.status, 201, JSON.stringify(created.body));
  t.is(created.body.metadata.namespace, undefined);
  t.deepEqual(created.body.spec.clusterResourceWhitelist, [{ group: '', kind: 'Namespace' }]);
});

test.serial(
  'a Promotion is served with mode pr by default; one stage or a bad window is refused',
  async (t) => {
    await installCrds();
    const promotion = (name: string, spec: JsonObject): JsonObject => ({
      apiVersion: 'capstan.dev/v1alpha1',
      kind: 'Promotion',
      metadata: { name },
      spec,
    });
    const stages: JsonObject[] = [
      { name: 'staging', application: 'shop-staging', soakTime: '10m' },
      {
        name: 'prod',
        application: 'shop-prod',
        windows: [{ kind: 'deny', schedule: '0 0 * * 6', duration: '48h' }],
      },
    ];
    const created = await call('POST', PROMOTIONS, promotion('shop', { stages }));
    t.is(created.status, 201, JSON.stringify(created.body));
    t.is(created.body.spec.mode, 'pr');
    t.is(created.body.spec.stages[1].windows[0].duration, '48h');
    assertInvalid(
      t,
      await call('POST', PROMOTIONS, promotion('one', { stages: [stages[0]] })),
      'spec.stages',
    );
    assertInvalid(
      t,
      await call(
        'POST',
        PROMOTIONS,
        promotion('bad-window', {
          stages: [
            stages[0],
            { ...stages[1], windows: [{ kind: 'maybe', schedule: '* * * * *', duration: '1h' }] },
          ],
        }),
      ),
      'spec.stages[1].windows[0].kind',
    );
  },
);

/** A 422 Invalid whose causes name `field`. */
function assertInvalid(t: any, res: { status: number; body: any }, field: string) {
  t.is(res.status, 422, JSON.stringify(res.body));
  t.is(res.body.reason, 'Invalid');
  t.true(
    res.body.details.causes.some((c: any) => c.field === field),
    `causes name ${field}: ${JSON.stringify(res.body.details.causes)}`,
  );
  t.true(res.body.message.includes(field), res.body.message);
}

test.serial('a badly typed or incomplete spec is refused with 422 naming the field', async (t) => {
  await installCrds();
  assertInvalid(
    t,
    await call('POST', APPS, application('bad-url', { source: { repoURL: 42 } })),
    'spec.source.repoURL',
  );
  assertInvalid(
    t,
    await call(
      'POST',
      APPS,
      application('bad-prune', { source: { repoURL: 'x' }, syncPolicy: { prune: 'yes' } }),
    ),
    'spec.syncPolicy.prune',
  );
  assertInvalid(
    t,
    await call('POST', APPS, application('bad-timeout', { source: { repoURL: 'x' }, healthTimeout: 'soon' })),
    'spec.healthTimeout',
  );
  assertInvalid(t, await call('POST', APPS, application('no-source', { project: 'default' })), 'spec.source');
  assertInvalid(
    t,
    await call('POST', PROJECTS, {
      apiVersion: 'capstan.dev/v1alpha1',
      kind: 'AppProject',
      metadata: { name: 'bad' },
      spec: { clusterResourceWhitelist: 'everything' },
    }),
    'spec.clusterResourceWhitelist',
  );
  for (const name of ['bad-url', 'bad-prune', 'bad-timeout', 'no-source'])
    t.is((await call('GET', `${APPS}/${name}`)).status, 404, `${name} was not stored`);
});

(hasKubectl ? test.serial : test.skip)(
  'kubectl get applications prints NAME, PROJECT, DESTINATION, NAMESPACE, SYNC, HEALTH, REVISION, AGE',
  async (t) => {
    await installCrds();
    const created = await call(
      'POST',
      APPS,
      application('web', {
        project: 'team-a',
        source: { repoURL: 'https://git.example.com/web.git' },
        destination: { cluster: 'prod', namespace: 'web' },
      }),
    );
    t.is(created.status, 201, JSON.stringify(created.body));
    const status = {
      status: {
        sync: { status: 'OutOfSync', revision: '0123456789abcdef', shortRevision: '0123456' },
        health: { status: 'Progressing' },
      },
    };
    t.is((await call('PATCH', `${APPS}/web/status`, status, 'application/merge-patch+json')).status, 200);
    const project = {
      apiVersion: 'capstan.dev/v1alpha1',
      kind: 'AppProject',
      metadata: { name: 'web' },
      spec: {},
    };
    t.is((await call('POST', PROJECTS, project)).status, 201);

    const run = await kubectl('get', 'applications', 'web');
    t.is(run.code, 0, run.err);
    const [header, row] = run.out
      .trim()
      .split('\n')
      .map((l) => l.trim().split(/\s+/));
    t.deepEqual(header, ['NAME', 'PROJECT', 'DESTINATION', 'NAMESPACE', 'SYNC', 'HEALTH', 'REVISION', 'AGE']);
    t.deepEqual(row!.slice(0, 7), ['web', 'team-a', 'prod', 'web', 'OutOfSync', 'Progressing', '0123456']);
    t.regex(row![7]!, /^\d+[smhd]/);

    // the short names and the category reach the same objects
    t.regex((await kubectl('get', 'app', '-o', 'name')).out, /application\.capstan\.dev\/web/);
    const category = await kubectl('get', 'capstan', '-o', 'name');
    t.regex(category.out, /application\.capstan\.dev\/web/);
    t.regex(category.out, /appproject\.capstan\.dev\/web/);
    t.regex((await kubectl('get', 'appproj', '-o', 'name')).out, /appproject\.capstan\.dev\/web/);
  },
);

(hasKubectl ? test.serial : test.skip)(
  "kubectl explain prints an Application field's description from the CRD's schema",
  async (t) => {
    await installCrds();
    const run = await kubectl('explain', 'application.spec.source.repoURL');
    t.is(run.code, 0, run.err);
    t.regex(run.out, /KIND:\s+Application/);
    t.regex(run.out, /FIELD:\s+repoURL\s+<string>/);
    t.regex(run.out.replace(/\s+/g, ' '), /The Git repository's URL \(HTTP or HTTPS\)/);
    const windows = await kubectl('explain', 'promotion.spec.stages.windows');
    t.is(windows.code, 0, windows.err);
    t.regex(windows.out.replace(/\s+/g, ' '), /When promotions into this stage may happen/);
    t.regex(windows.out, /schedule\s+<string> -required-/);
  },
);
