/** The configuration file's `clusters:`: named destination clusters, and every refusal naming its field. */
import test from 'ava';
import { isCapstanError, parseConfig } from '../../src/core/index.js';

const HEAD = 'apiVersion: capstan.dev/v1alpha1\nkind: CapstanConfig\n';
const FILE = '/etc/capstan/capstan.yaml';

test('clusters: kubeconfig (and context), inCluster, server with a token variable or file', (t) => {
  const { daemon } = parseConfig(
    `${HEAD}clusters:
  - { name: prod, kubeconfig: kube/prod.yaml, context: admin }
  - { name: here, inCluster: true }
  - { name: edge, server: "https://10.0.0.9:6443", tokenEnv: EDGE_TOKEN, caFile: edge-ca.pem }
  - { name: lab, server: "https://lab:6443", tokenFile: /run/lab-token, insecure: true }
`,
    FILE,
  );
  t.deepEqual(daemon.clusters, [
    { name: 'prod', kubeconfig: '/etc/capstan/kube/prod.yaml', context: 'admin' },
    { name: 'here', inCluster: true },
    {
      name: 'edge',
      server: 'https://10.0.0.9:6443',
      token: { env: 'EDGE_TOKEN' },
      caFile: '/etc/capstan/edge-ca.pem',
    },
    { name: 'lab', server: 'https://lab:6443', token: { file: '/run/lab-token' }, insecure: true },
  ]);
  t.is(parseConfig(HEAD, FILE).daemon.clusters, undefined);
});

test('clusters: `default` is free unless cluster: names a kubeconfig', (t) => {
  const body = 'clusters:\n  - { name: default, inCluster: true }\n';
  t.is(parseConfig(`${HEAD}cluster: embedded\n${body}`, FILE).daemon.clusters?.[0].name, 'default');
  const e = t.throws(() => parseConfig(`${HEAD}cluster: { kubeconfig: k.yaml }\n${body}`, FILE));
  t.regex(e!.message, /clusters\[0\].name: "default" is the name of the cluster given by cluster:/);
});

for (const [title, body, message] of [
  ['not a list', 'clusters: { name: a }\n', /clusters: must be a list/],
  ['no name', 'clusters:\n  - { inCluster: true }\n', /clusters\[0\].name: is required/],
  [
    'a bad name',
    'clusters:\n  - { name: Prod_EU, inCluster: true }\n',
    /clusters\[0\].name: invalid name "Prod_EU"/,
  ],
  [
    'the built-in name',
    'clusters:\n  - { name: in-process, inCluster: true }\n',
    /"in-process" is the daemon's own control plane/,
  ],
  [
    'a duplicate name',
    'clusters:\n  - { name: a, inCluster: true }\n  - { name: a, kubeconfig: k }\n',
    /clusters\[1\].name: duplicate cluster name "a" \(also at clusters\[0\]\)/,
  ],
  [
    'nothing saying where',
    'clusters:\n  - { name: a }\n',
    /clusters\[0\]: give kubeconfig .*, inCluster: true, or server with tokenEnv or tokenFile/,
  ],
  [
    'two ways',
    'clusters:\n  - { name: a, kubeconfig: k, server: "https://x" }\n',
    /clusters\[0\]: give one of kubeconfig, server, not several/,
  ],
  [
    'a server without a token',
    'clusters:\n  - { name: a, server: "https://x" }\n',
    /clusters\[0\]: give exactly one of tokenEnv .* or tokenFile/,
  ],
  [
    'a server with two tokens',
    'clusters:\n  - { name: a, server: "https://x", tokenEnv: T, tokenFile: t }\n',
    /clusters\[0\]: give exactly one of tokenEnv/,
  ],
  [
    'a server that is no URL',
    'clusters:\n  - { name: a, server: x.example.com, tokenEnv: T }\n',
    /clusters\[0\].server: must be a URL such as https:\/\/10.0.0.1:6443, got "x.example.com"/,
  ],
  [
    'a token with a kubeconfig',
    'clusters:\n  - { name: a, kubeconfig: k, tokenEnv: T }\n',
    /clusters\[0\].tokenEnv: goes with server only/,
  ],
  [
    'a context without a kubeconfig',
    'clusters:\n  - { name: a, inCluster: true, context: c }\n',
    /clusters\[0\].context: goes with kubeconfig only/,
  ],
  [
    'a non-boolean insecure',
    'clusters:\n  - { name: a, server: "https://x", tokenEnv: T, insecure: "yes" }\n',
    /clusters\[0\].insecure: must be true or false, got "yes"/,
  ],
] as const) {
  test(`clusters refused: ${title}`, (t) => {
    const e = t.throws(() => parseConfig(HEAD + body, FILE));
    t.true(isCapstanError(e));
    t.is((e as { code?: string }).code, 'CONFIG_INVALID');
    t.regex(e!.message, message);
    t.true(e!.message.startsWith(`${FILE}: clusters`), e!.message);
  });
}

test('clusters refused: an unknown field names the known ones', (t) => {
  const e = t.throws(() =>
    parseConfig(`${HEAD}clusters:\n  - { name: a, inCluster: true, token: abc }\n`, FILE),
  );
  t.is((e as { code?: string }).code, 'CONFIG_UNKNOWN_FIELD');
  t.regex(
    e!.message,
    /clusters\[0\]: unknown field "token" \(known fields: name, kubeconfig, context, inCluster, server, tokenEnv, tokenFile, caFile, insecure\)/,
  );
});
