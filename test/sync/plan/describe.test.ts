/** The plan as JSON (history, API) and as a few lines for people. */
import test from 'ava';
import {
  HOOK_ANNOTATION,
  HOOK_DELETE_POLICY_ANNOTATION,
  SYNC_OPTIONS_ANNOTATION,
  SYNC_WAVE_ANNOTATION,
} from '../../../src/sync/annotations.js';
import { describePlan, planSync } from '../../../src/sync/plan/index.js';
import { obj, tracked } from './objects.js';

function fullPlan() {
  const cfg = obj('ConfigMap', 'cfg', { namespace: 'shop' });
  const web = obj('Deployment', 'web', { namespace: 'shop' });
  const desired = [
    obj('Namespace', 'shop', { annotations: { [SYNC_WAVE_ANNOTATION]: '1' } }),
    obj('Job', 'migrate', { namespace: 'shop', annotations: { [HOOK_ANNOTATION]: 'PreSync' } }),
    { ...cfg, data: { greeting: 'hello' } },
    web,
    obj('Ingress', 'web', { namespace: 'shop', annotations: { [SYNC_WAVE_ANNOTATION]: '1' } }),
    obj('Job', 'smoke', {
      namespace: 'shop',
      annotations: {
        [HOOK_ANNOTATION]: 'Sync',
        [SYNC_WAVE_ANNOTATION]: '1',
        [HOOK_DELETE_POLICY_ANNOTATION]: 'HookSucceeded',
      },
    }),
    obj('Job', 'notify', { namespace: 'shop', annotations: { [HOOK_ANNOTATION]: 'PostSync' } }),
    obj('Job', 'cleanup', { namespace: 'shop', annotations: { [HOOK_ANNOTATION]: 'SyncFail' } }),
    obj('ConfigMap', 'manual', { namespace: 'shop', annotations: { [HOOK_ANNOTATION]: 'Skip' } }),
  ];
  const live = [
    tracked('shop', cfg),
    tracked('shop', web),
    tracked('shop', obj('Deployment', 'old', { namespace: 'shop' })),
    tracked('shop', obj('Namespace', 'legacy')),
    tracked(
      'shop',
      obj('Service', 'gone', { namespace: 'shop', annotations: { [SYNC_WAVE_ANNOTATION]: '2' } }),
    ),
    tracked(
      'shop',
      obj('ConfigMap', 'keep', {
        namespace: 'shop',
        annotations: { [SYNC_OPTIONS_ANNOTATION]: 'Prune=false' },
      }),
    ),
  ];
  return planSync({ app: 'shop', desired, live });
}

test('describePlan: one line per wave, in the order things happen', (t) => {
  t.deepEqual(describePlan(fullPlan()), [
    'PreSync wave 0: apply Namespace shop (new; needed by PreSync hook Job shop/migrate), hook Job shop/migrate (new)',
    'wave 0: apply ConfigMap shop/cfg, Deployment shop/web',
    // a Sync hook is placed by kind like any object: Jobs before Ingresses
    'wave 1: hook Job shop/smoke (new; delete HookSucceeded), apply Ingress shop/web (new)',
    'PostSync wave 0: hook Job shop/notify (new)',
    'prune wave 2: Service shop/gone',
    'prune wave 0: Deployment shop/old, Namespace legacy',
    'kept (Prune=false): ConfigMap shop/keep',
    'skipped (Skip): ConfigMap shop/manual',
    'on failure, SyncFail wave 0: hook Job shop/cleanup (new)',
  ]);
});

test('describePlan: the example line of the brief', (t) => {
  const plan = planSync({
    app: 'shop',
    desired: [obj('Deployment', 'web'), obj('ConfigMap', 'cfg')],
    live: [tracked('shop', obj('Deployment', 'web', { namespace: 'default' }))],
  });
  t.deepEqual(describePlan(plan), ['wave 0: apply ConfigMap default/cfg (new), Deployment default/web']);
});

test('describePlan: an empty plan says so', (t) => {
  t.deepEqual(describePlan(planSync({ app: 'shop', desired: [], live: [] })), ['nothing to apply or prune']);
});

test('a plan survives a JSON round trip unchanged', (t) => {
  const plan = fullPlan();
  const copy = JSON.parse(JSON.stringify(plan));
  t.deepEqual(copy, plan);
  t.deepEqual(describePlan(copy), describePlan(plan));
});

test('the plan holds only plain data: no undefined values anywhere', (t) => {
  const seen: string[] = [];
  const walk = (v: unknown, path: string) => {
    if (v === undefined) seen.push(path);
    else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`));
    else if (typeof v === 'object' && v !== null) {
      t.is(Object.getPrototypeOf(v), Object.prototype, path);
      for (const [k, x] of Object.entries(v)) walk(x, `${path}.${k}`);
    }
  };
  walk(fullPlan(), 'plan');
  t.deepEqual(seen, []);
});
