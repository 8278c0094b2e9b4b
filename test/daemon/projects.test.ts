import test from 'ava';
import type { AppProject, AppProjectSpec, Application, KubeObject } from '../../src/core/index.js';
import { checkProject, defaultProject, type ProjectViolation } from '../../src/daemon/projects.js';
import { globMatches, permittedByGlobs } from '../../src/daemon/project-globs.js';

const CLUSTER_SCOPED = new Set([
  '/Namespace',
  'rbac.authorization.k8s.io/ClusterRole',
  'apiextensions.k8s.io/CustomResourceDefinition',
  'capstan.dev/Application',
]);

const project = (spec: AppProjectSpec, name = 'team-a'): AppProject => ({
  apiVersion: 'capstan.dev/v1alpha1',
  kind: 'AppProject',
  metadata: { name },
  spec,
});

const app = (repoURL = 'https://github.com/acme/shop.git', namespace = 'shop'): Application => ({
  apiVersion: 'capstan.dev/v1alpha1',
  kind: 'Application',
  metadata: { name: 'shop' },
  spec: { project: 'team-a', source: { repoURL }, destination: { cluster: 'prod-eu', namespace } },
});

const obj = (apiVersion: string, kind: string, name: string, namespace?: string): KubeObject => ({
  apiVersion,
  kind,
  metadata: namespace ? { name, namespace } : { name },
});

const deployment = (namespace?: string) => obj('apps/v1', 'Deployment', 'web', namespace);
const configMap = (namespace?: string) => obj('v1', 'ConfigMap', 'settings', namespace);
const clusterRole = () => obj('rbac.authorization.k8s.io/v1', 'ClusterRole', 'reader');
const namespace = () => obj('v1', 'Namespace', 'shop');

/** Permits the app's own source and destination, so a test sees only the rule it is about. */
const open: AppProjectSpec = {
  sourceRepos: ['*'],
  destinations: [{ cluster: '*', namespace: '*' }],
};

function check(
  proj: AppProject | undefined,
  objects: KubeObject[],
  application = app(),
  cluster = 'prod-eu',
): ProjectViolation[] {
  const destination = application.spec.destination?.namespace;
  return checkProject(proj, application, objects, {
    cluster,
    isClusterScoped: (group, kind) => CLUSTER_SCOPED.has(`${group}/${kind}`),
    namespaceOf: (o) => o.metadata.namespace ?? destination,
  });
}

const rules = (violations: ProjectViolation[]) => violations.map((v) => `${v.object} (${v.rule})`);

test('the default project allows every source, destination and kind', (t) => {
  const everything = [deployment('kube-system'), configMap(), clusterRole(), namespace()];
  for (const repo of ['https://github.com/any/thing', 'git@gitlab.com:x/y.git', '/srv/local/repo'])
    t.deepEqual(check(defaultProject(), everything, app(repo), 'anywhere'), [], repo);
  t.is(defaultProject().metadata.name, 'default');
});

test('no project given is checked as the default project', (t) => {
  t.deepEqual(check(undefined, [clusterRole(), deployment('kube-system')], app(), 'other'), []);
});

test('sourceRepos: the repository must match a glob, URLs compared normalized', (t) => {
  const proj = project({ ...open, sourceRepos: ['https://github.com/acme/*'] });
  for (const repo of [
    'https://github.com/acme/shop.git',
    'git@github.com:acme/shop.git',
    'https://GitHub.com/acme/shop/',
    'http://github.com/acme/team/shop',
  ])
    t.deepEqual(check(proj, [], app(repo)), [], repo);
  const refused = check(proj, [], app('https://github.com/other/shop.git'));
  t.deepEqual(refused, [
    {
      object: 'Application shop',
      rule: 'sourceRepos',
      message:
        'Application shop: source repository github.com/other/shop is not permitted in project team-a (sourceRepos)',
    },
  ]);
});

test('sourceRepos: none listed allows none; a `!` entry refuses what it matches', (t) => {
  t.deepEqual(rules(check(project({ ...open, sourceRepos: [] }), [])), ['Application shop (sourceRepos)']);
  t.deepEqual(rules(check(project({ ...open, sourceRepos: undefined }), [])), [
    'Application shop (sourceRepos)',
  ]);
  const proj = project({ ...open, sourceRepos: ['*', '!https://github.com/evil/*'] });
  t.deepEqual(check(proj, [], app('https://github.com/acme/shop')), []);
  t.deepEqual(rules(check(proj, [], app('git@github.com:evil/x.git'))), ['Application shop (sourceRepos)']);
});

test('sourceRepos: credentials in the URL never reach the message', (t) => {
  const [v] = check(
    project({ ...open, sourceRepos: ['https://github.com/acme/*'] }),
    [],
    app('https://bot:s3cret@github.com/evil/x.git'),
  );
  t.truthy(v);
  t.false(v!.message.includes('s3cret'), v!.message);
  t.regex(v!.message, /github\.com\/evil\/x/);
});

test("destinations: the application's cluster and namespace must match an entry", (t) => {
  const proj = project({ ...open, destinations: [{ cluster: 'prod-*', namespace: 'shop*' }] });
  t.deepEqual(check(proj, [deployment(), deployment('shop-canary')]), []);
  t.deepEqual(check(proj, [], app(undefined, 'shop'), 'staging'), [
    {
      object: 'Application shop',
      rule: 'destinations',
      message:
        'Application shop: destination cluster staging, namespace shop is not permitted in project team-a (destinations)',
    },
  ]);
  t.deepEqual(rules(check(proj, [], app(undefined, 'web'))), ['Application shop (destinations)']);
  t.deepEqual(rules(check(project({ ...open, destinations: [] }), [])), ['Application shop (destinations)']);
});

test("destinations: each namespaced object's namespace is checked; a refused app namespace is reported once", (t) => {
  const proj = project({ ...open, destinations: [{ cluster: 'prod-eu', namespace: 'shop' }] });
  t.deepEqual(rules(check(proj, [deployment(), configMap('kube-system')])), [
    'ConfigMap kube-system/settings (destinations)',
  ]);
  // cluster-scoped objects have no namespace to check
  t.deepEqual(
    check(project({ ...proj.spec, clusterResourceWhitelist: [{ group: '*', kind: '*' }] }), [clusterRole()]),
    [],
  );
  // the application's own namespace refused: named once, for the application
  t.deepEqual(
    rules(check(proj, [deployment(), configMap(), configMap('kube-system')], app(undefined, 'web'))),
    ['Application shop (destinations)', 'ConfigMap kube-system/settings (destinations)'],
  );
});

test('destinations: `!` entries refuse what they exclude; an entry without a field matches any', (t) => {
  const noKubeSystem = project({
    ...open,
    destinations: [
      { cluster: '*', namespace: '!kube-system' },
      { cluster: '*', namespace: '*' },
    ],
  });
  t.deepEqual(check(noKubeSystem, [deployment()]), []);
  t.deepEqual(rules(check(noKubeSystem, [deployment('kube-system')])), [
    'Deployment kube-system/web (destinations)',
  ]);
  const notProd = project({
    ...open,
    destinations: [{ cluster: '!prod-*', namespace: '*' }, { namespace: '*' }],
  });
  t.deepEqual(check(notProd, [deployment()], app(), 'staging'), []);
  t.deepEqual(rules(check(notProd, [deployment()], app(), 'prod-eu')), ['Application shop (destinations)']);
  const anyCluster = project({ ...open, destinations: [{ namespace: 'shop' }] });
  t.deepEqual(check(anyCluster, [deployment()], app(), 'whatever'), []);
});

test('cluster-scoped kinds are denied unless in clusterResourceWhitelist', (t) => {
  t.deepEqual(check(project(open), [clusterRole(), deployment()]), [
    {
      object: 'ClusterRole reader',
      rule: 'clusterResourceWhitelist',
      message:
        'ClusterRole reader: cluster-scoped kind rbac.authorization.k8s.io/ClusterRole is not permitted in project team-a (clusterResourceWhitelist)',
    },
  ]);
  const namespacesOnly = project({ ...open, clusterResourceWhitelist: [{ group: '', kind: 'Namespace' }] });
  t.deepEqual(check(namespacesOnly, [namespace()]), []);
  t.deepEqual(rules(check(namespacesOnly, [namespace(), clusterRole()])), [
    'ClusterRole reader (clusterResourceWhitelist)',
  ]);
  const rbac = project({
    ...open,
    clusterResourceWhitelist: [{ group: 'rbac.authorization.k8s.io', kind: '*' }],
  });
  t.deepEqual(check(rbac, [clusterRole()]), []);
  // app of apps: an Application is a cluster-scoped kind like any other
  t.deepEqual(rules(check(rbac, [obj('capstan.dev/v1alpha1', 'Application', 'child')])), [
    'Application child (clusterResourceWhitelist)',
  ]);
});

test('cluster-scoped kinds in clusterResourceBlacklist are denied even when whitelisted', (t) => {
  const proj = project({
    ...open,
    clusterResourceWhitelist: [{ group: '*', kind: '*' }],
    clusterResourceBlacklist: [{ group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition' }],
  });
  const crd = obj('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'widgets.example.com');
  t.deepEqual(check(proj, [clusterRole(), namespace(), crd]), [
    {
      object: 'CustomResourceDefinition widgets.example.com',
      rule: 'clusterResourceBlacklist',
      message:
        'CustomResourceDefinition widgets.example.com: cluster-scoped kind apiextensions.k8s.io/CustomResourceDefinition is denied in project team-a (clusterResourceBlacklist)',
    },
  ]);
});

test('namespaced kinds are allowed unless a whitelist lacks them', (t) => {
  t.deepEqual(check(project(open), [deployment(), configMap()]), []);
  t.deepEqual(
    check(project({ ...open, namespaceResourceWhitelist: [] }), [deployment()]),
    [],
    'empty = none',
  );
  const coreOnly = project({ ...open, namespaceResourceWhitelist: [{ group: '', kind: '*' }] });
  t.deepEqual(check(coreOnly, [configMap()]), []);
  t.deepEqual(check(coreOnly, [deployment(), configMap()]), [
    {
      object: 'Deployment shop/web',
      rule: 'namespaceResourceWhitelist',
      message:
        'Deployment shop/web: kind apps/Deployment is not permitted in project team-a (namespaceResourceWhitelist)',
    },
  ]);
  const anyGroup = project({ ...open, namespaceResourceWhitelist: [{ group: '*', kind: 'ConfigMap' }] });
  t.deepEqual(check(anyGroup, [configMap()]), [], '`*` matches the core group');
});

test('namespaced kinds in namespaceResourceBlacklist are denied', (t) => {
  const proj = project({
    ...open,
    namespaceResourceBlacklist: [
      { group: '', kind: 'Secret' },
      { group: '*', kind: 'Role*' },
    ],
  });
  t.deepEqual(check(proj, [deployment(), configMap()]), []);
  t.deepEqual(
    check(proj, [
      obj('v1', 'Secret', 'token', 'shop'),
      obj('rbac.authorization.k8s.io/v1', 'RoleBinding', 'rb'),
    ]).map((v) => v.message),
    [
      'Secret shop/token: kind Secret is denied in project team-a (namespaceResourceBlacklist)',
      'RoleBinding shop/rb: kind rbac.authorization.k8s.io/RoleBinding is denied in project team-a (namespaceResourceBlacklist)',
    ],
  );
});

test('one object breaking several rules is named for each', (t) => {
  const proj = project({
    ...open,
    destinations: [{ cluster: '*', namespace: 'shop' }],
    namespaceResourceBlacklist: [{ group: 'apps', kind: 'Deployment' }],
  });
  t.deepEqual(rules(check(proj, [deployment('other')])), [
    'Deployment other/web (destinations)',
    'Deployment other/web (namespaceResourceBlacklist)',
  ]);
});

test("globs: `*` matches any text, '/' and the empty string included", (t) => {
  t.true(globMatches('*', ''));
  t.true(globMatches('*', 'github.com/acme/shop'));
  t.true(globMatches('', ''));
  t.false(globMatches('', 'x'));
  t.false(globMatches('a*', ''));
  t.true(globMatches('team-{a,b}', 'team-b'));
  t.false(globMatches('prod-*', 'staging'));
  t.true(permittedByGlobs(['!x'], 'y'), 'a `!` entry alone allows the rest, as in Argo CD');
  t.false(permittedByGlobs(['!x'], 'x'));
  t.false(permittedByGlobs([], 'x'));
});
