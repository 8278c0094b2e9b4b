import test from 'ava';
import { parseConfig } from '../../src/core/index.js';

const HEAD = 'apiVersion: capstan.dev/v1alpha1\nkind: CapstanConfig\n';
const FILE = '/etc/capstan/capstan.yaml';

test('cluster: embedded by name', (t) => {
  t.deepEqual(parseConfig(`${HEAD}cluster: embedded\n`, FILE).daemon.cluster, { embedded: true });
});

test('the daemon part: server, queue, webhooks, applications', (t) => {
  const { daemon } = parseConfig(
    `${HEAD}cluster: { kubeconfig: kube.yaml, context: prod }
server: { host: 0.0.0.0, port: 7070 }
queue: { redisUrl: "redis://127.0.0.1:6379", concurrency: 2 }
pollInterval: 1m
webhooks:
  github: { secretEnv: GH_SECRET }
  gitlab: { secretFile: secrets/gitlab }
  maxBodyBytes: 1048576
applications:
  - name: shop
    source: { repoURL: "https://git.example.com/acme/shop.git", targetRevision: main, path: overlays/prod }
    triggerPaths: [".", /shared]
    pollInterval: 30s
    credentials: { usernameEnv: GIT_USER, passwordEnv: GIT_PASSWORD }
  - name: local-dev
    source: { repoURL: ./work/app }
    namespace: dev
    syncPolicy: { prune: false, selfHeal: true }
    healthTimeout: 1m30s
    ignoreDifferences: [{ kind: Deployment, jsonPointers: [/spec/replicas] }]
    credentials: { file: creds.json }
`,
    FILE,
  );
  t.deepEqual(daemon, {
    cluster: { kubeconfig: '/etc/capstan/kube.yaml', context: 'prod' },
    server: { host: '0.0.0.0', port: 7070 },
    queue: { redisUrl: 'redis://127.0.0.1:6379', concurrency: 2 },
    pollIntervalMs: 60_000,
    webhooks: {
      secrets: { github: { env: 'GH_SECRET' }, gitlab: { file: '/etc/capstan/secrets/gitlab' } },
      maxBodyBytes: 1048576,
    },
    applications: [
      {
        name: 'shop',
        source: {
          repoURL: 'https://git.example.com/acme/shop.git',
          targetRevision: 'main',
          path: 'overlays/prod',
        },
        syncPolicy: { prune: true, selfHeal: false, autoRollback: true, automated: true },
        triggerPaths: ['.', '/shared'],
        pollIntervalMs: 30_000,
        credentials: { env: { username: 'GIT_USER', password: 'GIT_PASSWORD' } },
      },
      {
        name: 'local-dev',
        source: { repoURL: '/etc/capstan/work/app', targetRevision: 'HEAD', path: '.' },
        namespace: 'dev',
        syncPolicy: { prune: false, selfHeal: true, autoRollback: true, automated: true },
        healthTimeoutMs: 90_000,
        ignoreDifferences: [{ kind: 'Deployment', jsonPointers: ['/spec/replicas'] }],
        credentials: { file: '/etc/capstan/creds.json' },
      },
    ],
  });
});

for (const [title, body, message] of [
  [
    'a secret written in the file',
    'webhooks:\n  github: { secret: abc }\n',
    /webhooks.github: unknown field "secret"/,
  ],
  [
    'both secretFile and secretEnv',
    'webhooks:\n  github: { secretFile: a, secretEnv: B }\n',
    /exactly one of secretFile/,
  ],
  ['an unknown provider', 'webhooks:\n  sourcehut: { secretEnv: X }\n', /unknown field "sourcehut"/],
  [
    'a bad Redis URL',
    'queue: { redisUrl: "localhost:6379" }\n',
    /queue.redisUrl: must be a redis:\/\/ or rediss:\/\/ URL/,
  ],
  [
    'zero concurrency',
    'queue: { concurrency: 0 }\n',
    /queue.concurrency: must be a whole number of 1 or more/,
  ],
  [
    'an application without a repository',
    'applications:\n  - name: a\n    source: {}\n',
    /applications\[0\].source.repoURL: is required/,
  ],
  [
    'a bad application name',
    'applications:\n  - name: Shop_1\n    source: { repoURL: /x }\n',
    /applications\[0\].name: invalid name "Shop_1"/,
  ],
  [
    'a duplicate application',
    'applications:\n  - { name: a, source: { repoURL: /x } }\n  - { name: a, source: { repoURL: /y } }\n',
    /applications\[1\].name: duplicate application name "a"/,
  ],
  [
    'a path outside the repository',
    'applications:\n  - { name: a, source: { repoURL: /x, path: ../up } }\n',
    /source.path: must be a directory inside the repository/,
  ],
  ['a cluster without a kubeconfig', 'cluster: { context: prod }\n', /cluster: give kubeconfig/],
  [
    'a non-boolean sync policy',
    'applications:\n  - { name: a, source: { repoURL: /x }, syncPolicy: { prune: "yes" } }\n',
    /syncPolicy.prune: must be true or false/,
  ],
  ['a zero poll interval', 'pollInterval: "0"\n', /pollInterval: must be more than zero/],
  [
    'a lone usernameEnv',
    'applications:\n  - { name: a, source: { repoURL: /x }, credentials: { usernameEnv: U } }\n',
    /usernameEnv and passwordEnv go together/,
  ],
] as const) {
  test(`refused: ${title}`, (t) => {
    const e = t.throws(() => parseConfig(HEAD + body, FILE));
    t.regex(e!.message, message);
    t.true(e!.message.startsWith(FILE));
  });
}

test('git limits: bytes as whole numbers or quantities, files as whole numbers; anything else refused', (t) => {
  const { daemon } = parseConfig(
    `${HEAD}git: { maxFetchBytes: 512Mi, maxBlobBytes: 1048576, maxSnapshotBytes: 1Gi, maxFiles: 5000 }\n`,
    FILE,
  );
  t.deepEqual(daemon.git, {
    maxFetchBytes: 512 * 1024 ** 2,
    maxBlobBytes: 1048576,
    maxSnapshotBytes: 1024 ** 3,
    maxFiles: 5000,
  });
  t.is(parseConfig(HEAD, FILE).daemon.git, undefined);
  for (const [body, message] of [
    ['git: { maxBlobBytes: 0 }', /git.maxBlobBytes: must be more than zero/],
    ['git: { maxFetchBytes: 1.5 }', /git.maxFetchBytes: must be a whole number of bytes/],
    ['git: { maxFiles: 10k }', /git.maxFiles: must be a whole number of files/],
    ['git: { maxFiles: 0 }', /git.maxFiles: must be a whole number of files, 1 or more, got 0/],
    ['git: { maxPacks: 3 }', /git: unknown field "maxPacks"/],
  ] as const) {
    const e = t.throws(() => parseConfig(`${HEAD}${body}\n`, FILE));
    t.regex(e.message, message);
  }
});

test('render limits: whole numbers (bytes also as quantities); anything else refused', (t) => {
  const { daemon } = parseConfig(
    `${HEAD}render: { maxObjects: 50000, maxBytes: 128Mi, maxKustomizations: 10000 }\n`,
    FILE,
  );
  t.deepEqual(daemon.render, { maxObjects: 50000, maxBytes: 128 * 1024 ** 2, maxKustomizations: 10000 });
  t.is(parseConfig(HEAD, FILE).daemon.render, undefined);
  for (const [body, message] of [
    ['render: { maxObjects: 0 }', /render.maxObjects: must be a whole number of objects, 1 or more, got 0/],
    ['render: { maxBytes: lots }', /render.maxBytes/],
    [
      'render: { maxKustomizations: 2.5 }',
      /render.maxKustomizations: must be a whole number of kustomizations/,
    ],
    ['render: { maxDepth: 3 }', /render: unknown field "maxDepth"/],
  ] as const) {
    const e = t.throws(() => parseConfig(`${HEAD}${body}\n`, FILE));
    t.regex(e.message, message);
  }
});
