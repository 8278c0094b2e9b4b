/**
 * `explainDrift`: the one line that says why an object is out of sync — table tests on
 * objects with managedFields as the API server writes them, then the same questions asked
 * of a real (embedded) API server after a server-side apply and a `kubectl`-style edit.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import type { JsonObject, KubeObject } from '../../src/core/index.js';
import { startControlPlane, type ControlPlane, type Gvr } from '../../src/controlplane/index.js';
import { explainDrift, shortValue, type DriftExplanation } from '../../src/diff/index.js';

const SHA = '4f2a9c1d3e5b7a9c0d2e4f6a8b0c2d4e6f8a0b2c';
const T_APPLY = '2026-03-02T10:00:00Z';
const T_EDIT = '2026-03-02T10:04:00Z';

function deployment(opts: { replicas?: number; image?: string; env?: string } = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' } },
    spec: {
      replicas: opts.replicas ?? 3,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'web',
              image: opts.image ?? 'nginx:1.27',
              env: [{ name: 'MODE', value: opts.env ?? 'fast' }],
            },
          ],
        },
      },
    },
  };
}

/** What Capstan's apply of `deployment()` owns, as the API server records it. */
const CAPSTAN_FIELDS: JsonObject = {
  'f:metadata': { 'f:labels': { 'f:app': {} } },
  'f:spec': {
    'f:replicas': {},
    'f:selector': {},
    'f:template': {
      'f:metadata': { 'f:labels': { 'f:app': {} } },
      'f:spec': {
        'f:containers': {
          'k:{"name":"web"}': {
            '.': {},
            'f:name': {},
            'f:image': {},
            'f:env': { 'k:{"name":"MODE"}': { '.': {}, 'f:name': {}, 'f:value': {} } },
          },
        },
      },
    },
  },
};

type Entry = { manager: string; operation: string; time: string; fieldsV1: JsonObject };

const entry = (manager: string, fieldsV1: JsonObject, time = T_APPLY, operation = 'Update'): Entry => ({
  manager,
  operation,
  time,
  fieldsV1,
});

/** `obj` as live: a server-set uid and these managedFields (by default Capstan's apply only). */
function live(obj: KubeObject, ...entries: Entry[]): KubeObject {
  const managedFields = entries.length ? entries : [entry('capstan', CAPSTAN_FIELDS, T_APPLY, 'Apply')];
  return {
    ...obj,
    metadata: {
      ...obj.metadata,
      uid: 'u-1',
      resourceVersion: '12',
      managedFields: managedFields as unknown as JsonObject[],
    },
  };
}

/** Capstan's fields with `spec.replicas` handed over to whoever scaled. */
function withoutReplicas(): JsonObject {
  const spec = { ...(CAPSTAN_FIELDS['f:spec'] as JsonObject) };
  delete spec['f:replicas'];
  return { ...CAPSTAN_FIELDS, 'f:spec': spec };
}

const out = (why: string, reason: DriftExplanation['reason']): DriftExplanation => ({
  status: 'OutOfSync',
  why,
  reason,
});

test('nothing on either side, or both the same: Synced', (t) => {
  t.deepEqual(explainDrift({}), { status: 'Synced' });
  t.deepEqual(explainDrift({ desired: deployment(), live: live(deployment()), revision: SHA }), {
    status: 'Synced',
  });
});

test('in Git only: new in Git at the short sha, unless the previous sync applied it (deleted live)', (t) => {
  t.deepEqual(
    explainDrift({ desired: deployment(), revision: SHA }),
    out('new in Git at 4f2a9c1', 'NewInGit'),
  );
  t.deepEqual(
    explainDrift({ desired: deployment(), revision: SHA, lastApplied: [] }),
    out('new in Git at 4f2a9c1', 'NewInGit'),
  );
  t.deepEqual(explainDrift({ desired: deployment() }), out('new in Git', 'NewInGit'));
  // matched by group, kind, namespace and name: another version of the kind is the same object
  const applied = { ...deployment(), apiVersion: 'apps/v1beta2' };
  t.deepEqual(
    explainDrift({ desired: deployment(), revision: SHA, lastApplied: [applied] }),
    out('deleted live', 'DeletedLive'),
  );
  const elsewhere = { ...deployment(), metadata: { name: 'web', namespace: 'other' } };
  t.is(explainDrift({ desired: deployment(), lastApplied: [elsewhere] }).reason, 'NewInGit');
});

test('in the cluster only: removed from Git, pruned or not', (t) => {
  t.deepEqual(
    explainDrift({ live: live(deployment()), revision: SHA }),
    out('removed from Git (will be pruned)', 'RemovedFromGit'),
  );
  t.deepEqual(
    explainDrift({ live: live(deployment()), prune: false }),
    out('removed from Git (prune is off)', 'RemovedFromGit'),
  );
});

test('scaled by another manager: changed live by it, at its time, Git value → live value', (t) => {
  const scaled = live(
    deployment({ replicas: 5 }),
    entry('capstan', withoutReplicas(), T_APPLY, 'Apply'),
    entry('kubectl', { 'f:spec': { 'f:replicas': {} } }, T_EDIT),
  );
  t.deepEqual(
    explainDrift({ desired: deployment(), live: scaled, lastApplied: [deployment()], revision: SHA }),
    out(`changed live by kubectl at ${T_EDIT}: spec.replicas 3 → 5`, 'ChangedLive'),
  );
});

test('the latest of several other writers is named, with its fields first', (t) => {
  // replicas went to the HPA, then the image to kubectl-set
  const image: JsonObject = {
    'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"web"}': { 'f:image': {} } } } } },
  };
  const fields = withoutReplicas();
  const tpl = (fields['f:spec'] as JsonObject)['f:template'] as JsonObject;
  const containers = (tpl['f:spec'] as JsonObject)['f:containers'] as JsonObject;
  const web = { ...(containers['k:{"name":"web"}'] as JsonObject) };
  delete web['f:image'];
  const capstan: JsonObject = {
    ...fields,
    'f:spec': {
      ...(fields['f:spec'] as JsonObject),
      'f:template': { ...tpl, 'f:spec': { 'f:containers': { 'k:{"name":"web"}': web } } },
    },
  };
  const edited = live(
    deployment({ replicas: 7, image: 'nginx:1.29' }),
    entry('capstan', capstan, T_APPLY, 'Apply'),
    entry('horizontal-pod-autoscaler', { 'f:spec': { 'f:replicas': {} } }, '2026-03-02T10:01:00Z'),
    entry('kubectl-set', image, T_EDIT),
  );
  t.deepEqual(
    explainDrift({ desired: deployment(), live: edited, lastApplied: [deployment()], revision: SHA }),
    out(
      `changed live by kubectl-set at ${T_EDIT}: spec.template.spec.containers[name="web"].image nginx:1.27 → nginx:1.29, spec.replicas 3 → 7`,
      'ChangedLive',
    ),
  );
});

test('changed in Git since the previous sync: the sha, live value → Git value', (t) => {
  const desired = deployment({ image: 'nginx:1.28' });
  t.deepEqual(
    explainDrift({ desired, live: live(deployment()), lastApplied: [deployment()], revision: SHA }),
    out(
      'changed in Git at 4f2a9c1: spec.template.spec.containers[name="web"].image nginx:1.27 → nginx:1.28',
      'ChangedInGit',
    ),
  );
});

test('a field Capstan still owns is not blamed on a manager that owns it too', (t) => {
  const shared = live(
    deployment(),
    entry('capstan', CAPSTAN_FIELDS, T_APPLY, 'Apply'),
    entry('helm', { 'f:spec': { 'f:replicas': {} } }, T_EDIT, 'Apply'),
  );
  t.deepEqual(
    explainDrift({
      desired: deployment({ replicas: 4 }),
      live: shared,
      lastApplied: [deployment()],
      revision: SHA,
    }),
    out('changed in Git at 4f2a9c1: spec.replicas 3 → 4', 'ChangedInGit'),
  );
});

test('no one to blame and nothing known of the previous sync: differs', (t) => {
  t.deepEqual(
    explainDrift({ desired: deployment({ replicas: 4 }), live: live(deployment()), revision: SHA }),
    out('differs: spec.replicas 3 → 4', 'Differs'),
  );
});

test('more than three fields end in …; long values are cut', (t) => {
  const desired = deployment({
    replicas: 4,
    image: 'registry.example.com/team/web:2026.03.02-1',
    env: 'slow',
  });
  desired.metadata.labels = { app: 'web', tier: 'front' };
  const why = explainDrift({ desired, live: live(deployment()) }).why ?? '';
  t.is(why.split(', ').length, 4, why);
  t.true(why.endsWith(', …'), why);
  t.true(why.includes('nginx:1.27 → registry.example.com/te…'), why);
  t.is(shortValue(undefined), '(none)');
  t.is(shortValue('two words'), '"two words"');
  t.is(shortValue({ a: 'x'.repeat(40) }), '{…}');
  t.is(shortValue([]), '[]');
  t.is(shortValue(false), 'false');
});

test('ignoreDifferences are honoured', (t) => {
  const scaled = live(
    deployment({ replicas: 5 }),
    entry('capstan', withoutReplicas(), T_APPLY, 'Apply'),
    entry('kubectl', { 'f:spec': { 'f:replicas': {} } }, T_EDIT),
  );
  const ignoreDifferences = [{ group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] }];
  t.deepEqual(explainDrift({ desired: deployment(), live: scaled, ignoreDifferences }), { status: 'Synced' });
  t.is(explainDrift({ desired: deployment(), live: scaled }).reason, 'ChangedLive');
});

test('a Secret shows field paths, never values', (t) => {
  const secret = (password: string, token: string): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'db', namespace: 'shop' },
    type: 'Opaque',
    data: {
      password: Buffer.from(password).toString('base64'),
      token: Buffer.from(token).toString('base64'),
    },
  });
  const fields = { 'f:data': { 'f:password': {}, 'f:token': {} }, 'f:type': {} };
  const edited = live(
    secret('hunter22', 'tok-live-0001'),
    entry('capstan', { 'f:data': { 'f:token': {} }, 'f:type': {} }, T_APPLY, 'Apply'),
    entry('kubectl-edit', { 'f:data': { 'f:password': {} } }, T_EDIT),
  );
  const desired = secret('correct-horse', 'tok-git-0002');
  const r1 = explainDrift({ desired, live: edited, lastApplied: [secret('correct-horse', 'tok-old')] });
  t.deepEqual(r1, out(`changed live by kubectl-edit at ${T_EDIT}: data.password, data.token`, 'ChangedLive'));
  const r2 = explainDrift({
    desired,
    live: live(secret('hunter22', 'tok-live-0001'), entry('capstan', fields, T_APPLY, 'Apply')),
    lastApplied: [secret('hunter22', 'tok-live-0001')],
    revision: SHA,
  });
  t.deepEqual(r2, out('changed in Git at 4f2a9c1: data.password, data.token', 'ChangedInGit'));
  for (const why of [r1.why, r2.why]) {
    for (const secretText of ['hunter22', 'correct-horse', 'tok-', 'aHVudGVy', 'Y29ycmVjd', '++++']) {
      t.false(why!.includes(secretText), why);
    }
  }
});

// ——— against a real API server ———

let cp: ControlPlane;
let dataDir: string;
const deployments: Gvr = { group: 'apps', version: 'v1', resource: 'deployments' };

test.before(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-explain-'));
  cp = await startControlPlane({ dataDir, http: false, token: 't', controllers: false });
  await cp.api.create({ group: '', version: 'v1', resource: 'namespaces' }, undefined, {
    metadata: { name: 'shop' },
  });
});

test.after.always(async () => {
  await cp?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function applyAsCapstan(obj: KubeObject): Promise<KubeObject> {
  return (await cp.api.patch(deployments, 'shop', obj.metadata.name!, 'apply', obj as unknown as JsonObject, {
    fieldManager: 'capstan',
    force: true,
  })) as unknown as KubeObject;
}

test.serial(
  'embedded API server: a scale by kubectl is changed live; a new image in Git is changed in Git',
  async (t) => {
    const applied = deployment();
    await applyAsCapstan(applied);
    const scaled = (await cp.api.patch(
      deployments,
      'shop',
      'web',
      'merge',
      { spec: { replicas: 5 } },
      {
        fieldManager: 'kubectl-scale',
      },
    )) as unknown as KubeObject;
    const time = (scaled.metadata.managedFields as JsonObject[]).find(
      (e) => e.manager === 'kubectl-scale',
    )?.time;
    t.is(typeof time, 'string');
    t.deepEqual(
      explainDrift({ desired: deployment(), live: scaled, lastApplied: [applied], revision: SHA }),
      out(`changed live by kubectl-scale at ${String(time)}: spec.replicas 3 → 5`, 'ChangedLive'),
    );

    // sync heals it; then Git moves the image
    const healed = await applyAsCapstan(deployment());
    t.deepEqual(explainDrift({ desired: deployment(), live: healed, lastApplied: [applied] }), {
      status: 'Synced',
    });
    t.deepEqual(
      explainDrift({
        desired: deployment({ image: 'nginx:1.28' }),
        live: healed,
        lastApplied: [applied],
        revision: SHA,
      }),
      out(
        'changed in Git at 4f2a9c1: spec.template.spec.containers[name="web"].image nginx:1.27 → nginx:1.28',
        'ChangedInGit',
      ),
    );
  },
);
