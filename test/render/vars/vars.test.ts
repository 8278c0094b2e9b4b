/**
 * resolveVars against what `kubectl kustomize` (kustomize v5.5) printed for equivalent
 * fixtures, with kustomize's default varReference specs.
 */
import test from 'ava';
import { varReferenceSpecs } from '../../../src/render/kustomize/builtin-config/var-reference.js';
import type { Resource, Var } from '../../../src/render/kustomize/types.js';
import { expand, resolveVars } from '../../../src/render/kustomize/vars.js';
import { res } from '../replacements/fixture.js';

const ctx = { source: 'kustomization.yaml' };

function objects(): Resource[] {
  return [
    res({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'svc', namespace: 'ns1' },
      spec: {
        ports: [{ port: 8080, name: 'http' }],
        selector: { app: 'a' },
        flag: true,
        ratio: 1.5,
        nul: null,
      },
    }),
    res({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: 'dep',
        annotations: { a1: '$(SVC)', a2: 'pre-$(PORT)-$(FLAG)-$$(SVC)-$$-$(NOPE)-$(SEL)-$' },
        labels: { l: '$(SVC)' },
      },
      spec: {
        template: {
          metadata: { annotations: { t: '$(PORT)' } },
          spec: {
            containers: [
              {
                name: 'app',
                image: '$(SVC)',
                args: ['$(PORT)', '$(RATIO)', '$(FLAG)', '$(SEL)', 'x$(SVC', '$(PORT2)'],
                command: ['a'],
                env: [
                  { name: 'A', value: '$(PORT)' },
                  { name: 'B', value: '$(NS)' },
                ],
              },
            ],
          },
        },
      },
    }),
  ];
}

const svcVar = (name: string, fieldpath?: string): Var => ({
  name,
  objref: { kind: 'Service', name: 'svc', apiVersion: 'v1' },
  ...(fieldpath ? { fieldref: { fieldpath } } : {}),
});

const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
};

test('values keep their type when a field is exactly $(VAR); %v inside strings', (t) => {
  const list = objects();
  const report = resolveVars(
    list,
    [
      svcVar('SVC'),
      svcVar('PORT', 'spec.ports[0].port'),
      svcVar('PORT2', 'spec.ports.[name=http].port'),
      svcVar('FLAG', 'spec.flag'),
      svcVar('RATIO', 'spec.ratio'),
      svcVar('SEL', 'spec.selector'),
      svcVar('NS', 'metadata.namespace'),
      svcVar('UNUSED'),
    ],
    varReferenceSpecs(),
    ctx,
  );
  const dep = list[1].obj as any;
  t.deepEqual(dep.metadata.annotations, { a1: 'svc', a2: 'pre-8080-true-$(SVC)-$-$(NOPE)-$(SEL)-$' });
  t.deepEqual(dep.metadata.labels, { l: 'svc' });
  t.deepEqual(dep.spec.template.metadata.annotations, { t: 8080 });
  const c = dep.spec.template.spec.containers[0];
  t.deepEqual(c.args, [8080, 1.5, true, '$(SEL)', 'x$(SVC', 8080]);
  t.deepEqual(c.env, [
    { name: 'A', value: 8080 },
    { name: 'B', value: 'ns1' },
  ]);
  t.is(c.image, '$(SVC)', 'image is not a varReference field');
  t.deepEqual(report.unused, ['SEL', 'UNUSED'], 'map values are never substituted');
});

test('objref: exact group/version/kind; current or original name; namespace when given', (t) => {
  const base = () => {
    const list = objects();
    list[1].obj.metadata.name = 'p-dep';
    list[1].previous = [{ kind: 'Deployment', name: 'dep', namespace: 'default' }];
    return list;
  };
  const one = (v: Var) => resolveVars(base(), [v], varReferenceSpecs(), ctx);
  t.notThrows(() =>
    one({ name: 'ORIG', objref: { kind: 'Deployment', name: 'dep', apiVersion: 'apps/v1' } }),
  );
  t.notThrows(() =>
    one({ name: 'CUR', objref: { kind: 'Deployment', name: 'p-dep', apiVersion: 'apps/v1' } }),
  );
  t.notThrows(() =>
    one({ name: 'GV', objref: { kind: 'Deployment', name: 'dep', group: 'apps', version: 'v1' } }),
  );
  t.notThrows(() =>
    one({ name: 'NS', objref: { kind: 'Service', name: 'svc', apiVersion: 'v1', namespace: 'ns1' } }),
  );
  const noApi = t.throws(() => one({ name: 'NOAPI', objref: { kind: 'Deployment', name: 'dep' } }));
  t.is((noApi as any).code, 'RENDER_VAR_NOT_FOUND');
  t.regex(noApi!.message, /var 'NOAPI'.*apiVersion/);
  t.is(
    code(() =>
      one({ name: 'NSX', objref: { kind: 'Service', name: 'svc', apiVersion: 'v1', namespace: 'other' } }),
    ),
    'RENDER_VAR_NOT_FOUND',
  );
});

test('objref matching two objects, a missing field, a duplicate name', (t) => {
  const list = objects();
  list.push(res({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc', namespace: 'dev' } }));
  t.is(
    code(() => resolveVars(list, [svcVar('X')], varReferenceSpecs(), ctx)),
    'RENDER_VAR_AMBIGUOUS',
  );
  t.is(
    code(() => resolveVars(objects(), [svcVar('X', 'spec.nope')], varReferenceSpecs(), ctx)),
    'RENDER_VAR_FIELD_MISSING',
  );
  t.is(
    code(() => resolveVars(objects(), [svcVar('X'), svcVar('X')], varReferenceSpecs(), ctx)),
    'RENDER_VAR_DUPLICATE',
  );
});

test('a null field gives its text, "null"', (t) => {
  const list = objects();
  resolveVars(list, [svcVar('PORT', 'spec.nul')], varReferenceSpecs(), ctx);
  t.is((list[1].obj as any).spec.template.metadata.annotations.t, 'null');
});

test('a non-string item in a varReference list is an error', (t) => {
  const pod = res({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'pod' },
    spec: { containers: [{ name: 'app', args: [1, '$(POD)'] }] },
  });
  const e = t.throws(() =>
    resolveVars(
      [pod],
      [{ name: 'POD', objref: { kind: 'Pod', name: 'pod', apiVersion: 'v1' } }],
      varReferenceSpecs(),
      ctx,
    ),
  );
  t.is((e as any).code, 'RENDER_VAR_NON_STRING_ITEM');
  t.regex(e!.message, /spec\/containers\/args' of Pod pod/);
});

test('no vars: nothing is walked (a non-string list is then fine)', (t) => {
  const pod = res({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'pod' },
    spec: { containers: [{ name: 'app', args: [1] }] },
  });
  t.deepEqual(resolveVars([pod], [], varReferenceSpecs(), ctx), { unused: [] });
});

test('expand: Kubernetes-style escapes and Go %v formatting', (t) => {
  const vars: Record<string, string | number | boolean> = {
    A: 'x',
    F1: 1234567.5,
    F2: 0.00001,
    F3: 123456.5,
    I: 12345678901,
    B: false,
  };
  const look = (n: string) => vars[n];
  t.is(expand('a=$(F1) b=$(F2) c=$(F3) i=$(I)', look), 'a=1.2345675e+06 b=1e-05 c=123456.5 i=12345678901');
  t.is(expand('$(F1)', look), 1234567.5);
  t.is(expand('$(B)', look), false);
  t.is(expand('$$(A)', look), '$(A)');
  t.is(expand('$$', look), '$');
  t.is(expand('$', look), '$');
  t.is(expand('$x$(A)', look), '$xx');
  t.is(expand('$(A', look), '$(A');
  t.is(expand('$(A)$(Z)', look), 'x$(Z)');
  t.is(expand('$(Z)', look), '$(Z)');
});
