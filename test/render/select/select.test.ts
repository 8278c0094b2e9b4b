/**
 * Selectors. Expectations come from `kubectl kustomize` (v5.5) on equivalent fixtures:
 * patch targets (regex, original or current name) and replacement selectors (equality,
 * every previous id).
 */
import test from 'ava';
import { compileIdSelector, compileSelector } from '../../../src/render/kustomize/select.js';
import type { Resource, Selector } from '../../../src/render/kustomize/types.js';
import { compileLabelSelector } from '../../../src/core/index.js';
import { fixture, res } from '../replacements/fixture.js';

const names = (list: Resource[], sel: Selector) =>
  list
    .filter(compileSelector(sel))
    .map((r) => `${r.obj.kind}/${r.obj.metadata.namespace ?? ''}/${r.obj.metadata.name}`);

const objs = () => [
  res({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } }),
  res({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b', namespace: 'prod' } }),
  res({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'cr' } }),
  res({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', labels: { app: 'web' } } }),
];

test('patch selector: regexes are anchored; alternatives and (?i) work', (t) => {
  t.deepEqual(names(objs(), { kind: 'Deploy' }), []);
  t.deepEqual(names(objs(), { kind: 'Config.*|Cluster.*' }), [
    'ConfigMap//a',
    'ConfigMap/prod/b',
    'ClusterRole//cr',
  ]);
  t.deepEqual(names(objs(), { group: 'rbac.*' }), ['ClusterRole//cr']);
  t.deepEqual(names(objs(), { version: 'v1' }).length, 4);
  t.deepEqual(names(objs(), { name: '(?i)A' }), ['ConfigMap//a']);
});

test('patch selector: empty group matches every group', (t) => {
  t.deepEqual(names(objs(), { group: '', kind: 'Deployment' }), ['Deployment//d']);
});

test('patch selector: namespaces are effective (default, none for cluster-scoped)', (t) => {
  t.deepEqual(names(objs(), { namespace: 'default' }), ['ConfigMap//a', 'Deployment//d']);
  t.deepEqual(names(objs(), { namespace: 'prod|default' }), [
    'ConfigMap//a',
    'ConfigMap/prod/b',
    'Deployment//d',
  ]);
  t.deepEqual(names(objs(), { namespace: '.*' }).length, 4);
  t.deepEqual(names(objs(), { namespace: '_non_namespaceable_' }), ['ClusterRole//cr']);
});

test('patch selector: original or current name, never an intermediate one', (t) => {
  // base app2 → m-app2 → m2-m-app2 (two prefixes)
  const r = res({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'm2-m-app2' } }, [
    { kind: 'Deployment', name: 'app2', namespace: 'default' },
    { kind: 'Deployment', name: 'm-app2', namespace: 'default' },
  ]);
  t.true(compileSelector({ name: 'app2' })(r));
  t.true(compileSelector({ name: 'm2-m-app2' })(r));
  t.false(compileSelector({ name: 'm-app2' })(r));
  t.true(compileSelector({ name: 'app.*' })(r));
});

test('patch selector: label and annotation selectors', (t) => {
  t.deepEqual(names(objs(), { labelSelector: 'app' }), ['Deployment//d']);
  t.deepEqual(names(objs(), { annotationSelector: '!x' }).length, 4);
});

test('patch selector: errors name the field and the cause', (t) => {
  const e = t.throws(() => compileSelector({ name: '(' }, 'patches[0].target'));
  t.is((e as any).code, 'RENDER_SELECTOR_INVALID_REGEX');
  t.regex(e!.message, /patches\[0\]\.target: name "\(" is not a valid regular expression/);
  const l = t.throws(() => compileSelector({ labelSelector: 'tier in (web' }));
  t.is((l as any).code, 'RENDER_SELECTOR_INVALID_LABEL_SELECTOR');
});

test('id selector (replacements): equality, not regex', (t) => {
  const list = fixture();
  const pick = (sel: Selector) => list.filter(compileIdSelector(sel)).length;
  t.is(pick({ name: 'sr.*' }), 0);
  t.is(pick({ name: 'src' }), 1);
  t.is(pick({ kind: 'Service' }), 2);
  t.is(pick({ kind: 'Service', namespace: 'dev' }), 1);
  t.is(pick({ version: 'v1', name: 'svc', namespace: 'prod' }), 1);
  t.is(pick({ group: 'apps' }), 1);
  t.is(pick({ name: 'svc', namespace: 'default' }), 0);
  // a cluster-scoped object's current id has no scope information: '' reads as `default`
  t.is(pick({ kind: 'ClusterRole', namespace: 'default' }), 1);
  t.is(pick({ kind: 'ClusterRole', namespace: 'prod' }), 0);
});

test('id selector: namespace default matches objects without one', (t) => {
  const r = res({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } });
  t.true(compileIdSelector({ namespace: 'default' })(r));
});

test('id selector: every previous id counts', (t) => {
  const r = res({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'm2-m-app' } }, [
    { kind: 'Deployment', name: 'app', namespace: 'default' },
    { kind: 'Deployment', name: 'm-app', namespace: 'default' },
  ]);
  for (const name of ['app', 'm-app', 'm2-m-app']) t.true(compileIdSelector({ name })(r), name);
  t.false(compileIdSelector({ name: 'm2-app' })(r));
  // the fields of one id go together: kind and name must come from the same id
  const renamedKind = res({ apiVersion: 'v1', kind: 'B', metadata: { name: 'y' } }, [
    { kind: 'A', name: 'x' },
  ]);
  t.true(compileIdSelector({ kind: 'A', name: 'x' })(renamedKind));
  t.false(compileIdSelector({ kind: 'A', name: 'y' })(renamedKind));
});

const lbl = (expr: string, labels: Record<string, string> | undefined) => compileLabelSelector(expr)(labels);

test('label selector grammar', (t) => {
  const l = { app: 'web', tier: 'fe', n: '5' };
  t.true(lbl('', l));
  t.true(lbl('app=web', l));
  t.true(lbl('app==web', l));
  t.false(lbl('app!=web', l));
  t.true(lbl('missing!=x', l));
  t.true(lbl('tier in (fe,be)', l));
  t.false(lbl('tier notin (fe)', l));
  t.true(lbl('missing notin (fe)', l));
  t.true(lbl('app', l));
  t.false(lbl('!app', l));
  t.true(lbl('!missing', l));
  t.true(lbl('app=web, tier in (fe)', l));
  t.false(lbl('app=web,tier notin (fe)', l));
  t.true(lbl('n>3', l));
  t.false(lbl('n<3', l));
  t.false(lbl('app>3', l));
  t.true(lbl('x in (foo,,baz)', { x: '' }));
  t.true(lbl('x=', { x: '' }));
  t.true(lbl('in in (in)', { in: 'in' }));
  t.false(lbl('app', undefined));
});

test('label selector errors', (t) => {
  for (const bad of [
    'app in (web',
    'app=we b',
    'a/b/c',
    ',a',
    'a b',
    '!a=b',
    'a=-x',
    'a>x',
    'a in web',
    'A_/b',
  ]) {
    const e = t.throws(() => compileLabelSelector(bad, 'target'), undefined, bad);
    t.is((e as any).code, 'LABEL_SELECTOR_INVALID', bad);
    t.true(e!.message.startsWith('target: cannot parse'), bad);
  }
});
