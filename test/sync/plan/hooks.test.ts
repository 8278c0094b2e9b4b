/** Hooks: their phase, wave and delete policies; SyncFail kept apart; Skip; dependency moves. */
import test from 'ava';
import { CapstanError } from '../../../src/core/index.js';
import {
  HOOK_ANNOTATION,
  HOOK_DELETE_POLICY_ANNOTATION,
  SYNC_WAVE_ANNOTATION,
} from '../../../src/sync/annotations.js';
import { planSync, planSteps, stepObject } from '../../../src/sync/plan/index.js';
import { obj, syncOrder, tracked } from './objects.js';

const hook = (phase: string, more: Record<string, string> = {}) => ({ [HOOK_ANNOTATION]: phase, ...more });

test('hooks per phase: PreSync, then the Sync phase, then PostSync; each with its waves', (t) => {
  const desired = [
    obj('Job', 'notify', { namespace: 'shop', annotations: hook('PostSync') }),
    obj('Job', 'migrate', { namespace: 'shop', annotations: hook('PreSync') }),
    obj('Job', 'backup', {
      namespace: 'shop',
      annotations: hook('PreSync', { [SYNC_WAVE_ANNOTATION]: '-1' }),
    }),
    obj('Deployment', 'web', { namespace: 'shop' }),
    obj('Pod', 'report', {
      namespace: 'shop',
      annotations: hook('PostSync', { [SYNC_WAVE_ANNOTATION]: '3' }),
    }),
  ];
  const plan = planSync({ app: 'shop', desired, live: [] });
  t.deepEqual(syncOrder(plan, 'PreSync'), [
    [-1, ['Job shop/backup']],
    [0, ['Job shop/migrate']],
  ]);
  t.deepEqual(syncOrder(plan, 'Sync'), [[0, ['Deployment shop/web']]]);
  t.deepEqual(syncOrder(plan, 'PostSync'), [
    [0, ['Job shop/notify']],
    [3, ['Pod shop/report']],
  ]);
  const migrate = plan.phases[0].waves[1].steps[0];
  t.deepEqual(migrate.hook, { phase: 'PreSync', deletePolicies: ['BeforeHookCreation'] });
  t.is(plan.phases[1].waves[0].steps[0].hook, undefined);
});

test('Sync hooks are members of their wave, placed by kind and name like any object (Argo CD)', (t) => {
  const desired = [
    obj('Job', 'smoke', { namespace: 'shop', annotations: hook('Sync') }),
    obj('Pod', 'warm', { namespace: 'shop', annotations: hook('Sync') }),
    obj('Deployment', 'web', { namespace: 'shop' }),
    obj('Service', 'web', { namespace: 'shop' }),
    obj('Job', 'after', { namespace: 'shop', annotations: hook('Sync', { [SYNC_WAVE_ANNOTATION]: '1' }) }),
  ];
  const plan = planSync({ app: 'shop', desired, live: [] });
  t.deepEqual(syncOrder(plan), [
    [0, ['Service shop/web', 'Pod shop/warm', 'Deployment shop/web', 'Job shop/smoke']],
    [1, ['Job shop/after']],
  ]);
  const steps = planSteps(plan);
  t.deepEqual(
    steps.map((s) => s.hook?.phase ?? 'apply'),
    ['apply', 'Sync', 'apply', 'Sync', 'Sync'],
  );
});

const policyTable: Array<[string | undefined, string[]]> = [
  [undefined, ['BeforeHookCreation']],
  ['', ['BeforeHookCreation']],
  ['HookSucceeded', ['HookSucceeded']],
  ['HookFailed', ['HookFailed']],
  ['HookSucceeded,HookFailed', ['HookSucceeded', 'HookFailed']],
  [' HookFailed , BeforeHookCreation ', ['BeforeHookCreation', 'HookFailed']],
  ['HookSucceeded,HookSucceeded', ['HookSucceeded']],
];

for (const [value, expected] of policyTable) {
  test(`delete policies: ${JSON.stringify(value)} → ${expected.join(',')}`, (t) => {
    const annotations = hook(
      'PreSync',
      value === undefined ? {} : { [HOOK_DELETE_POLICY_ANNOTATION]: value },
    );
    const plan = planSync({ app: 'shop', desired: [obj('Job', 'j', { annotations })], live: [] });
    t.deepEqual(plan.phases[0].waves[0].steps[0].hook?.deletePolicies, expected);
  });
}

test('an unknown delete policy is refused, naming the object and the value', (t) => {
  const annotations = hook('PreSync', { [HOOK_DELETE_POLICY_ANNOTATION]: 'HookSucceded' });
  const err = t.throws(
    () => planSync({ app: 'shop', desired: [obj('Job', 'j', { annotations })], live: [] }),
    {
      instanceOf: CapstanError,
    },
  );
  t.is(err.code, 'SYNC_INVALID_HOOK_DELETE_POLICY');
  t.is(
    err.message,
    'Job default/j (object #1): annotation capstan.dev/hook-delete-policy is "HookSucceded": ' +
      '"HookSucceded" is not a delete policy; use BeforeHookCreation, HookSucceeded, HookFailed',
  );
});

test('SyncFail hooks are kept apart and never in the phases', (t) => {
  const desired = [
    obj('Job', 'cleanup', {
      namespace: 'shop',
      annotations: hook('SyncFail', { [HOOK_DELETE_POLICY_ANNOTATION]: 'HookSucceeded' }),
    }),
    obj('Job', 'page', { namespace: 'shop', annotations: hook('SyncFail', { [SYNC_WAVE_ANNOTATION]: '1' }) }),
    obj('Deployment', 'web', { namespace: 'shop' }),
  ];
  const plan = planSync({ app: 'shop', desired, live: [] });
  t.deepEqual(
    planSteps(plan).map((s) => s.ref.name),
    ['web'],
  );
  t.deepEqual(
    plan.syncFail.map((w) => [w.wave, w.steps.map((s) => s.ref.name)]),
    [
      [0, ['cleanup']],
      [1, ['page']],
    ],
  );
  t.deepEqual(plan.syncFail[0].steps[0].hook, { phase: 'SyncFail', deletePolicies: ['HookSucceeded'] });
});

test('a hook for several phases appears once per phase, sharing one prepared object', (t) => {
  const desired = [
    obj('Job', 'check', { namespace: 'shop', annotations: hook('PostSync, PreSync,SyncFail') }),
  ];
  const plan = planSync({ app: 'shop', desired, live: [] });
  const pre = plan.phases[0].waves[0].steps[0];
  const post = plan.phases[2].waves[0].steps[0];
  t.is(pre.hook?.phase, 'PreSync');
  t.is(post.hook?.phase, 'PostSync');
  t.is(plan.syncFail[0].steps[0].hook?.phase, 'SyncFail');
  t.is(pre.index, 0);
  t.is(post.index, 0);
  t.is(stepObject(plan, pre).metadata.name, 'check');
  t.is(plan.prepared.length, 1);
});

test('a hook with only generateName is accepted, always new, and named prefix*', (t) => {
  const job = obj('Job', '', { namespace: 'shop', annotations: hook('PreSync') });
  delete job.metadata.name;
  job.metadata.generateName = 'migrate-';
  const twin = structuredClone(job);
  const plan = planSync({ app: 'shop', desired: [job, twin], live: [] });
  const steps = plan.phases[0].waves[0].steps;
  t.deepEqual(
    steps.map((s) => [s.ref.name, s.state]),
    [
      ['migrate-*', 'new'],
      ['migrate-*', 'new'],
    ],
  );
  t.is(plan.prepared[0].metadata.name, undefined);
});

test('a hook that exists live is marked existing (BeforeHookCreation replaces it) and is never pruned', (t) => {
  const migrate = obj('Job', 'migrate', { namespace: 'shop', annotations: hook('PreSync') });
  const oldHook = obj('Job', 'old-migrate', { namespace: 'shop', annotations: hook('PreSync') });
  const plan = planSync({
    app: 'shop',
    desired: [migrate],
    live: [tracked('shop', migrate), tracked('shop', oldHook)],
  });
  t.is(plan.phases[0].waves[0].steps[0].state, 'existing');
  t.deepEqual(plan.prune, []);
});

test('Skip: neither applied nor pruned, and listed', (t) => {
  const skip = obj('ConfigMap', 'manual', { namespace: 'shop', annotations: hook('Skip') });
  const plan = planSync({ app: 'shop', desired: [skip], live: [tracked('shop', skip)] });
  t.deepEqual(planSteps(plan), []);
  t.deepEqual(plan.prune, []);
  t.deepEqual(plan.skipped, [
    { apiVersion: 'v1', group: '', kind: 'ConfigMap', namespace: 'shop', name: 'manual' },
  ]);
});

const badHooks: Array<[string, string]> = [
  ['Presync', '"Presync" is not a phase; use PreSync, Sync, PostSync, SyncFail or Skip'],
  ['PreSync,Skip', 'Skip cannot be combined with a phase'],
  [' , ', 'name a phase: PreSync, Sync, PostSync, SyncFail (or Skip)'],
];

for (const [value, reason] of badHooks) {
  test(`hook annotation ${JSON.stringify(value)} is refused`, (t) => {
    const desired = [
      obj('Deployment', 'web', { namespace: 'shop' }),
      obj('Job', 'j', { namespace: 'shop', annotations: hook(value) }),
    ];
    const err = t.throws(() => planSync({ app: 'shop', desired, live: [] }), { instanceOf: CapstanError });
    t.is(err.code, 'SYNC_INVALID_HOOK');
    t.is(
      err.message,
      `Job shop/j (object #2): annotation capstan.dev/hook is ${JSON.stringify(value)}: ${reason}`,
    );
    t.deepEqual(err.data, { object: 'Job shop/j (object #2)', annotation: HOOK_ANNOTATION, value });
  });
}

test('a Namespace moves to the PreSync phase when a PreSync hook lives in it', (t) => {
  const desired = [
    obj('Namespace', 'shop', { annotations: { [SYNC_WAVE_ANNOTATION]: '1' } }),
    obj('Job', 'migrate', {
      namespace: 'shop',
      annotations: hook('PreSync', { [SYNC_WAVE_ANNOTATION]: '-2' }),
    }),
    obj('Deployment', 'web', { namespace: 'shop', annotations: { [SYNC_WAVE_ANNOTATION]: '1' } }),
  ];
  const plan = planSync({ app: 'shop', desired, live: [] });
  t.deepEqual(syncOrder(plan, 'PreSync'), [[-2, ['Namespace shop', 'Job shop/migrate']]]);
  t.deepEqual(syncOrder(plan, 'Sync'), [[1, ['Deployment shop/web']]]);
  const ns = plan.phases[0].waves[0].steps[0];
  t.is(ns.pulledForwardFor, 'PreSync hook Job shop/migrate');
  t.is(ns.hook, undefined);
});

test('a CRD moves to the earliest wave of its custom resources; one already early stays', (t) => {
  const crd = (kind: string, wave: string) => ({
    ...obj('CustomResourceDefinition', `${kind.toLowerCase()}s.example.com`, {
      annotations: { [SYNC_WAVE_ANNOTATION]: wave },
    }),
    spec: { group: 'example.com', scope: 'Namespaced', names: { kind } },
  });
  const desired = [
    crd('Widget', '5'),
    crd('Gadget', '-3'),
    obj('Widget', 'w2', {
      namespace: 'shop',
      apiVersion: 'example.com/v1',
      annotations: { [SYNC_WAVE_ANNOTATION]: '2' },
    }),
    obj('Widget', 'w1', { namespace: 'shop', apiVersion: 'example.com/v1' }),
    obj('Gadget', 'g', { namespace: 'shop', apiVersion: 'example.com/v1' }),
  ];
  const plan = planSync({ app: 'shop', desired, live: [] });
  t.deepEqual(syncOrder(plan), [
    [-3, ['CustomResourceDefinition gadgets.example.com']],
    [0, ['CustomResourceDefinition widgets.example.com', 'Gadget shop/g', 'Widget shop/w1']],
    [2, ['Widget shop/w2']],
  ]);
  t.is(plan.phases[1].waves[1].steps[0].pulledForwardFor, 'Widget shop/w1');
  t.is(plan.phases[1].waves[0].steps[0].pulledForwardFor, undefined);
});
