/**
 * applyReplacements against what `kubectl kustomize` (kustomize v5.5) printed for the same
 * fixture (see fixture.ts) and kustomization.
 */
import test from 'ava';
import { applyReplacements } from '../../../src/render/kustomize/replacements.js';
import type { Replacement, Resource } from '../../../src/render/kustomize/types.js';
import { find, fixture, res } from './fixture.js';

const ctx = { source: 'overlay/kustomization.yaml' };

function run(replacements: Replacement[], list: Resource[] = fixture()): Resource[] {
  applyReplacements(list, replacements, ctx);
  return list;
}

const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
};

test('types: an existing scalar keeps its type, a created one is re-typed', (t) => {
  const list = run([
    {
      source: { kind: 'ConfigMap', name: 'src', fieldPath: 'data.num' },
      targets: [
        {
          select: { kind: 'Deployment' },
          fieldPaths: ['spec.replicas', 'metadata.annotations.path', 'spec.c1'],
          options: { create: true },
        },
      ],
    },
    {
      source: { kind: 'ConfigMap', fieldPath: 'data.hex' },
      targets: [{ select: { kind: 'Deployment' }, fieldPaths: ['spec.ratio'] }],
    },
    {
      source: { kind: 'ConfigMap', fieldPath: 'data.t' },
      targets: [{ select: { kind: 'Deployment' }, fieldPaths: ['spec.paused'] }],
    },
    {
      source: { kind: 'ConfigMap', fieldPath: 'data.yes' },
      targets: [{ select: { kind: 'Deployment' }, fieldPaths: ['spec.c2'], options: { create: true } }],
    },
  ]);
  const dep = find(list, 'Deployment', 'dep');
  t.is(dep.spec.replicas, 4);
  t.is(dep.metadata.annotations.path, '4');
  t.is(dep.spec.c1, 4);
  t.is(dep.spec.ratio, 31);
  t.is(dep.spec.paused, true);
  t.is(dep.spec.c2, 'yes');
});

test('types: a number or boolean source into strings and new fields', (t) => {
  const list = run([
    {
      source: { kind: 'Service', namespace: 'prod', fieldPath: 'spec.ports.0.port' },
      targets: [
        {
          select: { kind: 'Deployment' },
          fieldPaths: ['spec.sel', 'metadata.annotations.path', 'spec.paused2'],
          options: { create: true },
        },
      ],
    },
    {
      source: { kind: 'Deployment', fieldPath: 'spec.paused' },
      targets: [
        {
          select: { kind: 'ConfigMap' },
          fieldPaths: ['data.word', 'data.newbool'],
          options: { create: true },
        },
      ],
    },
  ]);
  const dep = find(list, 'Deployment', 'dep');
  t.is(dep.spec.sel, 80, 'a map target is replaced by the scalar, with its type');
  t.is(dep.metadata.annotations.path, '80');
  t.is(dep.spec.paused2, 80);
  const cm = find(list, 'ConfigMap', 'src');
  t.is(cm.data.word, 'false');
  t.is(cm.data.newbool, false);
});

test('types: incompatible text into int, bool, float or null is an error', (t) => {
  for (const [from, to] of [
    ['data.word', 'spec.replicas'],
    ['data.f', 'spec.replicas'],
    ['data.yes', 'spec.paused'],
    ['data.word', 'spec.ratio'],
    ['data.num', 'spec.nul'],
  ]) {
    const e = t.throws(() =>
      run([
        {
          source: { kind: 'ConfigMap', fieldPath: from },
          targets: [{ select: { kind: 'Deployment' }, fieldPaths: [to] }],
        },
      ]),
    );
    t.is((e as any).code, 'RENDER_REPLACEMENT_TYPE_MISMATCH', `${from} → ${to}`);
    t.regex(
      e!.message,
      new RegExp(`overlay/kustomization.yaml: replacements\\[0\\].*field '${to}' of Deployment prod/dep`),
    );
  }
});

test('delimiter and index on source and targets', (t) => {
  const list = run([
    {
      source: { kind: 'ConfigMap', fieldPath: 'data.img', options: { delimiter: ':', index: 1 } },
      targets: [
        {
          select: { kind: 'Deployment' },
          fieldPaths: ['spec.template.spec.containers.[name=app].image'],
          options: { delimiter: ':', index: 1 },
        },
        {
          select: { kind: 'Deployment' },
          fieldPaths: ['spec.template.spec.containers.[name=side].image'],
          options: { delimiter: ':', index: -1 },
        },
        {
          select: { kind: 'Deployment' },
          fieldPaths: ['metadata.annotations.[a.b/c]'],
          options: { delimiter: '/', index: 5 },
        },
        {
          select: { kind: 'Deployment' },
          fieldPaths: ['metadata.annotations.path'],
          options: { delimiter: '/', index: 2 },
        },
        {
          select: { kind: 'Deployment' },
          fieldPaths: ['spec.newdelim'],
          options: { delimiter: '/', index: 2, create: true },
        },
        {
          select: { kind: 'Deployment' },
          fieldPaths: ['spec.newdelim0'],
          options: { delimiter: '/', create: true },
        },
      ],
    },
  ]);
  const dep = find(list, 'Deployment', 'dep');
  t.is(dep.spec.template.spec.containers[0].image, 'nginx:1.2.3');
  t.is(dep.spec.template.spec.containers[1].image, '1.2.3:busybox:1.0');
  t.is(dep.metadata.annotations['a.b/c'], 'old/1.2.3');
  t.is(dep.metadata.annotations.path, '/x/1.2.3/z');
  t.is(dep.spec.newdelim, '/1.2.3');
  t.is(dep.spec.newdelim0, '1.2.3');
});

test('delimiter errors: source index out of bounds (negative too), non-scalars', (t) => {
  for (const index of [-1, 3]) {
    t.is(
      code(() =>
        run([
          {
            source: { kind: 'ConfigMap', fieldPath: 'data.img', options: { delimiter: '/', index } },
            targets: [{ select: { kind: 'Deployment' }, fieldPaths: ['metadata.annotations.path'] }],
          },
        ]),
      ),
      'RENDER_REPLACEMENT_INDEX_OUT_OF_RANGE',
    );
  }
  t.is(
    code(() =>
      run([
        {
          source: { kind: 'Deployment', fieldPath: 'spec.sel', options: { delimiter: '/' } },
          targets: [{ select: { kind: 'Deployment' } }],
        },
      ]),
    ),
    'RENDER_REPLACEMENT_DELIMITER_NOT_SCALAR',
  );
  t.is(
    code(() =>
      run([
        {
          source: { kind: 'ConfigMap', fieldPath: 'data.word' },
          targets: [
            {
              select: { kind: 'Service', namespace: 'prod' },
              fieldPaths: ['spec.selector'],
              options: { delimiter: '/' },
            },
          ],
        },
      ]),
    ),
    'RENDER_REPLACEMENT_DELIMITER_NOT_SCALAR',
  );
});

test('target paths: wildcard, regex selectors and create', (t) => {
  const list = run([
    {
      source: { kind: 'ConfigMap', fieldPath: 'data.word' },
      targets: [
        {
          select: { kind: 'Deployment' },
          fieldPaths: [
            'spec.template.spec.containers.*.image',
            'spec.template.spec.containers.[name=new].image',
            'spec.template.spec.containers.[name=app].args.[=--b]',
            'spec.x.[=zz]',
            'spec.template.spec.containers.0.name',
            'spec.y.0.z',
            'spec.ports.[port=8080].name',
            'metadata.annotations.[x.y/z]',
            'spec.nul.deep',
          ],
          options: { create: true },
        },
      ],
    },
  ]);
  const dep = find(list, 'Deployment', 'dep');
  const c = dep.spec.template.spec.containers;
  t.deepEqual(
    c.map((x: any) => [x.name, x.image]),
    [
      ['abc', 'abc'],
      ['side', 'abc'],
      ['new', 'abc'],
    ],
  );
  t.deepEqual(c[0].args, ['--a', 'abc']);
  t.deepEqual(dep.spec.x, ['abc']);
  t.deepEqual(dep.spec.y, [{ z: 'abc' }]);
  t.deepEqual(dep.spec.ports, [{ port: 8080, name: 'abc' }]);
  t.is(dep.metadata.annotations['x.y/z'], 'abc');
  t.is(dep.spec.nul, null, 'writing through a null changes nothing');
});

test('target paths that reach nothing are errors, with or without create', (t) => {
  const cases: Array<[string, boolean, string]> = [
    ['spec.nothere', false, 'RENDER_REPLACEMENT_TARGET_FIELD_MISSING'],
    ['spec.template.spec.containers.[name=zz].image', false, 'RENDER_REPLACEMENT_TARGET_FIELD_MISSING'],
    ['spec.template.spec.containers.*.zzz', false, 'RENDER_REPLACEMENT_TARGET_FIELD_MISSING'],
    ['spec.nul.*', true, 'RENDER_REPLACEMENT_TARGET_FIELD_MISSING'],
    ['spec.template.spec.containers.5.image', true, 'RENDER_REPLACEMENT_TARGET_FIELD_PATH'],
    ['spec.replicas.x', true, 'RENDER_REPLACEMENT_TARGET_FIELD_PATH'],
    ['spec.template.spec.containers.image', false, 'RENDER_REPLACEMENT_TARGET_FIELD_PATH'],
    ['spec.template.spec.containers.[name]', true, 'RENDER_REPLACEMENT_TARGET_FIELD_PATH'],
  ];
  for (const [fieldPath, create, want] of cases) {
    const e = t.throws(() =>
      run([
        {
          source: { kind: 'ConfigMap', fieldPath: 'data.word' },
          targets: [{ select: { kind: 'Deployment' }, fieldPaths: [fieldPath], options: { create } }],
        },
      ]),
    );
    t.is((e as any).code, want, fieldPath);
    t.true(e!.message.includes(`'${fieldPath}'`), e!.message);
  }
});

test('a target that selects nothing is ignored; default field paths are metadata.name', (t) => {
  const list = run([
    {
      source: { kind: 'ConfigMap', fieldPath: 'data.word' },
      targets: [{ select: { kind: 'Nope' }, fieldPaths: ['x.y'] }],
    },
    { source: { kind: 'Deployment' }, targets: [{ select: { kind: 'ClusterRole' } }] },
  ]);
  t.is(find(list, 'ClusterRole', 'dep').kind, 'ClusterRole');
});

test('map and list values replace map, list or new targets whole', (t) => {
  const list = run([
    {
      source: { kind: 'Deployment', fieldPath: 'metadata.annotations' },
      targets: [
        {
          select: { kind: 'ConfigMap' },
          fieldPaths: ['data.word', 'metadata.newmap'],
          options: { create: true },
        },
      ],
    },
    {
      source: { kind: 'ConfigMap', fieldPath: 'data.img' },
      targets: [{ select: { kind: 'Service', namespace: 'prod' }, fieldPaths: ['spec.selector'] }],
    },
    {
      source: { kind: 'Deployment', fieldPath: 'spec.template.spec.containers.0.args' },
      targets: [
        {
          select: { kind: 'Deployment' },
          fieldPaths: ['spec.template.spec.containers.1.args', 'spec.foo.0'],
          options: { create: true },
        },
      ],
    },
  ]);
  const cm = find(list, 'ConfigMap', 'src');
  t.is(cm.data.word, '', 'a map written into a scalar leaves its (empty) text');
  t.deepEqual(cm.metadata.newmap, { 'a.b/c': 'old', path: '/x/y/z' });
  t.is(find(list, 'Service', 'svc', 'prod').spec.selector, 'repo.io/team/app:1.2.3');
  const dep = find(list, 'Deployment', 'dep');
  t.deepEqual(dep.spec.template.spec.containers[1].args, ['--a', '--b']);
  t.deepEqual(dep.spec.foo, [['--a', '--b']]);
  dep.spec.foo[0].push('x');
  t.deepEqual(dep.spec.template.spec.containers[1].args, ['--a', '--b'], 'each target gets its own copy');
});

test('source: exactly one match, by equality, current or previous names', (t) => {
  t.is(
    code(() =>
      run([
        {
          source: { kind: 'Service' },
          targets: [{ select: { kind: 'ConfigMap' }, fieldPaths: ['data.out'], options: { create: true } }],
        },
      ]),
    ),
    'RENDER_REPLACEMENT_SOURCE_AMBIGUOUS',
  );
  t.is(
    code(() => run([{ source: { name: 'sr.*' }, targets: [{ select: { kind: 'ConfigMap' } }] }])),
    'RENDER_REPLACEMENT_SOURCE_NOT_FOUND',
  );
  t.is(
    code(() =>
      run([{ source: { name: 'svc', namespace: 'default' }, targets: [{ select: { kind: 'ConfigMap' } }] }]),
    ),
    'RENDER_REPLACEMENT_SOURCE_NOT_FOUND',
  );
  const renamed = [
    res({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'm2-m-src' }, data: { m: 'x' } }, [
      { kind: 'ConfigMap', name: 'src', namespace: 'default' },
      { kind: 'ConfigMap', name: 'm-src', namespace: 'default' },
    ]),
    res({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'm2-m-app' } }, [
      { kind: 'Deployment', name: 'app', namespace: 'default' },
      { kind: 'Deployment', name: 'm-app', namespace: 'default' },
    ]),
  ];
  run(
    [
      {
        source: { kind: 'ConfigMap', name: 'm-src', fieldPath: 'data.m' },
        targets: [
          { select: { name: 'm-app' }, fieldPaths: ['metadata.labels.r'], options: { create: true } },
        ],
      },
    ],
    renamed,
  );
  t.deepEqual(renamed[1].obj.metadata.labels, { r: 'x' });
});

test('source field: missing, null or empty is an error; lookup syntax', (t) => {
  for (const fieldPath of [
    'data.nothere',
    'metadata.annotations',
    'spec.ports[0].port',
    'spec.ports.[name=h.*].port',
  ]) {
    t.is(
      code(() =>
        run([
          {
            source: { kind: 'Service', namespace: 'prod', fieldPath },
            targets: [{ select: { kind: 'ConfigMap' }, fieldPaths: ['data.out'], options: { create: true } }],
          },
        ]),
      ),
      'RENDER_REPLACEMENT_SOURCE_FIELD_MISSING',
      fieldPath,
    );
  }
  for (const fieldPath of ['spec.ports.*.port', 'spec.ports.-1']) {
    t.is(
      code(() =>
        run([
          {
            source: { kind: 'Service', namespace: 'prod', fieldPath },
            targets: [{ select: { kind: 'ConfigMap' } }],
          },
        ]),
      ),
      'RENDER_REPLACEMENT_SOURCE_FIELD_PATH',
      fieldPath,
    );
  }
  const list = run([
    {
      source: { kind: 'Service', namespace: 'prod', fieldPath: 'spec.ports.-.name' },
      targets: [{ select: { kind: 'ConfigMap' }, fieldPaths: ['data.a'], options: { create: true } }],
    },
    {
      source: { kind: 'Service', namespace: 'prod', fieldPath: ' spec . selector . app ' },
      targets: [{ select: { kind: 'ConfigMap' }, fieldPaths: ['data.b'], options: { create: true } }],
    },
  ]);
  t.like(find(list, 'ConfigMap', 'src').data, { a: 'http', b: 'web' });
});

test('target select and reject', (t) => {
  const tagged = (target: Replacement['targets']) => {
    const list = run([{ source: { kind: 'ConfigMap', fieldPath: 'data.word' }, targets: target }]);
    return list
      .filter((r) => r.obj.metadata.annotations?.out === 'abc')
      .map((r) => `${r.obj.kind}/${r.obj.metadata.namespace ?? ''}/${r.obj.metadata.name}`);
  };
  const sel = (select: object, reject?: object[]) =>
    tagged([{ select, reject, fieldPaths: ['metadata.annotations.out'], options: { create: true } }]);
  t.deepEqual(sel({ name: 'sv.*' }), []);
  t.deepEqual(sel({ namespace: 'default' }), ['ClusterRole//cr']);
  t.deepEqual(sel({ labelSelector: 'app=web,tier notin (fe)' }), ['Deployment/prod/dep', 'Service/prod/svc']);
  t.deepEqual(sel({ annotationSelector: 'note=hello' }), ['ConfigMap/prod/src']);
  t.deepEqual(sel({}, [{ name: 'svc' }]), ['ConfigMap/prod/src', 'Deployment/prod/dep', 'ClusterRole//cr']);
  t.deepEqual(sel({}, [{ labelSelector: 'tier=be' }]).length, 4);
  // id part and label part of one reject entry act separately (either one rejects)
  t.deepEqual(sel({}, [{ kind: 'Deployment', labelSelector: 'tier=fe' }]), [
    'Service/prod/svc',
    'Service/dev/svc',
    'ClusterRole//cr',
  ]);
  t.is(
    code(() => sel({ labelSelector: 'app in (web' })),
    'RENDER_SELECTOR_INVALID_LABEL_SELECTOR',
  );
});

test('replacements apply in order and see earlier writes', (t) => {
  const list = run([
    {
      source: { kind: 'ConfigMap', fieldPath: 'data.num' },
      targets: [{ select: { kind: 'Deployment' }, fieldPaths: ['spec.replicas'] }],
    },
    {
      source: { kind: 'Deployment', fieldPath: 'spec.replicas' },
      targets: [{ select: { kind: 'Service', namespace: 'dev' }, fieldPaths: ['spec.ports.0.port'] }],
    },
  ]);
  t.is(find(list, 'Service', 'svc', 'dev').spec.ports[0].port, 4);
});

test('malformed replacements', (t) => {
  t.is(
    code(() => run([{ source: { kind: 'Deployment' } }])),
    'RENDER_REPLACEMENT_INVALID',
  );
  t.is(
    code(() => run([{ source: { kind: 'Deployment' }, targets: [] }])),
    'RENDER_REPLACEMENT_INVALID',
  );
  t.is(
    code(() => run([{ targets: [{ select: { kind: 'Deployment' } }] }])),
    'RENDER_REPLACEMENT_INVALID',
  );
  t.is(
    code(() => run([{ source: { kind: 'Deployment' }, targets: [{ fieldPaths: ['a'] }] }])),
    'RENDER_REPLACEMENT_INVALID',
  );
});

test('6,000 resources, 20 replacements: each writes only the objects its selector picks', (t) => {
  const list: Resource[] = [];
  for (let i = 0; i < 6000; i++) {
    list.push(
      res({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: `cm${i}`, labels: { app: `a${i % 50}` } },
        data: { v: String(i) },
      }),
    );
  }
  const replacements: Replacement[] = Array.from({ length: 20 }, (_, i) => ({
    source: { kind: 'ConfigMap', name: `cm${i}`, fieldPath: 'data.v' },
    targets: [
      {
        select: { kind: 'ConfigMap', labelSelector: `app=a${i}` },
        fieldPaths: ['data.copy', 'metadata.annotations.[x.y/z]'],
        options: { create: true },
      },
    ],
  }));
  applyReplacements(list, replacements, ctx);
  t.is((list[50].obj as any).data.copy, 0, 'created from "0"');
  t.is((list[69].obj as any).data.copy, 19, 'app=a19 gets cm19');
  t.is((list[70].obj as any).data.copy, undefined, 'app=a20: no replacement selects it');
  t.is(
    (list[5019].obj as any).metadata.annotations['x.y/z'],
    19,
    'created typed; the build writes annotations out as strings',
  );
});
