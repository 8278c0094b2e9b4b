/**
 * The configuration file: what a valid file reads as, and for each mistake the exact code
 * and a message naming the file, the field path and what is wrong.
 */
import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CapstanError, loadConfigFile, parseConfig } from '../../src/core/index.js';

const HEAD = 'apiVersion: capstan.dev/v1alpha1\nkind: CapstanConfig\n';
const FILE = '/etc/capstan/capstan.yaml';

const NO_DAEMON = { server: {}, queue: {}, webhooks: { secrets: {} }, applications: [] };

test('a full configuration reads as typed values', (t) => {
  const config = parseConfig(
    `${HEAD}dataDir: state
controlPlane:
  host: 0.0.0.0
  port: 7443
  ingressPort: 8080
  runtime: simulated
  nodes:
    - name: web-1
      runtime: process
      capacity: { cpu: 500m, memory: 2Gi, pods: 20 }
      labels: { tier: web, "example.com/zone": a }
    - name: sim.b
      readyAfter: 1m30s
      capacity: { cpu: 2, pods: "8" }
      taints:
        - { key: dedicated, value: batch, effect: NoSchedule }
        - { key: dedicated, effect: NoExecute }
  imageCommands:
    - pattern: "example/web:*"
      command: [node, /srv/web.mjs]
    - pattern: /^registry\\.local\\//
      command: [sleep, "3600"]
`,
    FILE,
  );
  t.deepEqual(config, {
    file: FILE,
    dataDir: '/etc/capstan/state',
    controlPlane: {
      host: '0.0.0.0',
      port: 7443,
      ingressPort: 8080,
      runtime: 'simulated',
      nodes: [
        {
          name: 'web-1',
          runtime: 'process',
          capacity: { cpu: 0.5, memoryBytes: 2 * 1024 ** 3, pods: 20 },
          labels: { tier: 'web', 'example.com/zone': 'a' },
          taints: [],
        },
        {
          name: 'sim.b',
          capacity: { cpu: 2, pods: 8 },
          labels: {},
          taints: [
            { key: 'dedicated', value: 'batch', effect: 'NoSchedule' },
            { key: 'dedicated', effect: 'NoExecute' },
          ],
          readyAfterMs: 90_000,
        },
      ],
      imageCommands: [
        { pattern: 'example/web:*', command: ['node', '/srv/web.mjs'] },
        { pattern: '/^registry\\.local\\//', command: ['sleep', '3600'] },
      ],
    },
    daemon: NO_DAEMON,
  });
});

test('a minimal configuration keeps the default node (no nodes field)', (t) => {
  const config = parseConfig(HEAD, 'c.yaml');
  t.deepEqual(config, { file: 'c.yaml', controlPlane: { imageCommands: [] }, daemon: NO_DAEMON });
  t.is(parseConfig(`${HEAD}controlPlane:\n  nodes:\n`, 'c.yaml').controlPlane.nodes, undefined);
});

test('dataDir: ~ is the home directory', (t) => {
  t.is(parseConfig(`${HEAD}dataDir: ~/capstan\n`, FILE).dataDir, path.join(os.homedir(), 'capstan'));
  t.is(parseConfig(`${HEAD}dataDir: /abs\n`, FILE).dataDir, '/abs');
});

test('readyAfter durations', (t) => {
  const ms = (d: string) =>
    parseConfig(`${HEAD}controlPlane:\n  nodes:\n    - name: n\n      readyAfter: ${d}\n`, FILE).controlPlane
      .nodes![0].readyAfterMs;
  t.is(ms('250ms'), 250);
  t.is(ms('2s'), 2000);
  t.is(ms('1.5s'), 1500);
  t.is(ms('1h1m'), 3_660_000);
  t.is(ms('0'), 0);
});

/** [what, the text after the header, code, the message after "<file>: "] */
const errors: [string, string, string, string][] = [
  [
    'unknown top-level field',
    'controlplane: {}\n',
    'CONFIG_UNKNOWN_FIELD',
    'unknown field "controlplane" (known fields: apiVersion, kind, dataDir, controlPlane, cluster, clusters, server, queue, pollInterval, webhooks, applications, git, render)',
  ],
  [
    'unknown node field',
    'controlPlane:\n  nodes:\n    - name: a\n      cpus: 2\n',
    'CONFIG_UNKNOWN_FIELD',
    'controlPlane.nodes[0]: unknown field "cpus" (known fields: name, runtime, capacity, labels, taints, readyAfter)',
  ],
  [
    'unknown capacity field',
    'controlPlane:\n  nodes:\n    - name: a\n      capacity: { gpu: 1 }\n',
    'CONFIG_UNKNOWN_FIELD',
    'controlPlane.nodes[0].capacity: unknown field "gpu" (known fields: cpu, memory, pods)',
  ],
  [
    'unknown image command field',
    'controlPlane:\n  imageCommands:\n    - { pattern: x, command: [a], args: [b] }\n',
    'CONFIG_UNKNOWN_FIELD',
    'controlPlane.imageCommands[0]: unknown field "args" (known fields: pattern, command)',
  ],
  [
    'bad memory quantity',
    'controlPlane:\n  nodes:\n    - name: a\n      capacity: { memory: 4GB }\n',
    'CONFIG_INVALID',
    `controlPlane.nodes[0].capacity.memory: quantity "4GB": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'; write a quantity such as 4Gi or 512Mi`,
  ],
  [
    'zero cpu',
    'controlPlane:\n  nodes:\n    - name: a\n      capacity: { cpu: 0 }\n',
    'CONFIG_INVALID',
    'controlPlane.nodes[0].capacity.cpu: must be more than zero, got 0',
  ],
  [
    'fractional pods',
    'controlPlane:\n  nodes:\n    - name: a\n      capacity: { pods: 1.5 }\n',
    'CONFIG_INVALID',
    'controlPlane.nodes[0].capacity.pods: must be a whole number, got 1.5',
  ],
  [
    'missing node name',
    'controlPlane:\n  nodes:\n    - runtime: simulated\n',
    'CONFIG_INVALID',
    'controlPlane.nodes[0].name: is required',
  ],
  [
    'bad node name',
    'controlPlane:\n  nodes:\n    - name: Web_1\n',
    'CONFIG_INVALID',
    `controlPlane.nodes[0].name: invalid node name "Web_1": must be a lowercase DNS subdomain (letters, digits, '-' and '.', e.g. worker-1)`,
  ],
  [
    'duplicate node name',
    'controlPlane:\n  nodes:\n    - name: a\n    - name: b\n    - name: a\n',
    'CONFIG_INVALID',
    'controlPlane.nodes[2].name: duplicate node name "a" (also at nodes[0])',
  ],
  [
    'empty node list',
    'controlPlane:\n  nodes: []\n',
    'CONFIG_INVALID',
    'controlPlane.nodes: lists no node: list at least one, or remove the field to run the default node',
  ],
  [
    'nodes not a list',
    'controlPlane:\n  nodes: { a: 1 }\n',
    'CONFIG_INVALID',
    'controlPlane.nodes: must be a list, got a mapping',
  ],
  [
    'unknown runtime',
    'controlPlane:\n  nodes:\n    - name: a\n      runtime: docker\n',
    'CONFIG_INVALID',
    'controlPlane.nodes[0].runtime: must be one of process, simulated, got "docker"',
  ],
  [
    'readyAfter on a process node',
    'controlPlane:\n  nodes:\n    - name: a\n      runtime: process\n      readyAfter: 1s\n',
    'CONFIG_INVALID',
    'controlPlane.nodes[0].readyAfter: applies to simulated nodes only; this node has runtime: process',
  ],
  [
    'readyAfter not a duration',
    'controlPlane:\n  nodes:\n    - name: a\n      readyAfter: 5\n',
    'CONFIG_INVALID',
    'controlPlane.nodes[0].readyAfter: must be a duration such as 500ms, 2s or 1m30s, got 5',
  ],
  [
    'label value not a string',
    'controlPlane:\n  nodes:\n    - name: a\n      labels: { gpu: true }\n',
    'CONFIG_INVALID',
    'controlPlane.nodes[0].labels.gpu: label values are strings: quote it (gpu: "true"), got true',
  ],
  [
    'bad label key',
    'controlPlane:\n  nodes:\n    - name: a\n      labels: { "Example.com/x": y }\n',
    'CONFIG_INVALID',
    'controlPlane.nodes[0].labels["Example.com/x"]: invalid label key: the prefix before "/" must be a lowercase DNS subdomain (e.g. example.com)',
  ],
  [
    'bad label value',
    'controlPlane:\n  nodes:\n    - name: a\n      labels: { zone: "a b" }\n',
    'CONFIG_INVALID',
    `controlPlane.nodes[0].labels.zone: invalid value "a b": a label value must be empty or 1-63 characters of letters, digits, '-', '_' or '.', starting and ending with a letter or digit`,
  ],
  [
    'a label the agent sets',
    'controlPlane:\n  nodes:\n    - name: a\n      labels: { kubernetes.io/hostname: x }\n',
    'CONFIG_INVALID',
    'controlPlane.nodes[0].labels["kubernetes.io/hostname"]: is set by the node agent and cannot be configured',
  ],
  [
    'taint without effect',
    'controlPlane:\n  nodes:\n    - name: a\n      taints: [{ key: k }]\n',
    'CONFIG_INVALID',
    'controlPlane.nodes[0].taints[0].effect: is required (one of NoSchedule, PreferNoSchedule, NoExecute)',
  ],
  [
    'taint with a bad effect',
    'controlPlane:\n  nodes:\n    - name: a\n      taints: [{ key: k, effect: noschedule }]\n',
    'CONFIG_INVALID',
    'controlPlane.nodes[0].taints[0].effect: must be one of NoSchedule, PreferNoSchedule, NoExecute, got "noschedule"',
  ],
  [
    'duplicate taint',
    'controlPlane:\n  nodes:\n    - name: a\n      taints: [{ key: k, effect: NoSchedule }, { key: k, value: v, effect: NoSchedule }]\n',
    'CONFIG_INVALID',
    'controlPlane.nodes[0].taints[1]: duplicate taint k:NoSchedule (a key may appear once per effect)',
  ],
  [
    'port out of range',
    'controlPlane:\n  port: 70000\n',
    'CONFIG_INVALID',
    'controlPlane.port: must be a port number from 0 to 65535 (0 picks a free port), got 70000',
  ],
  [
    'ingressPort as a string',
    'controlPlane:\n  ingressPort: "8080"\n',
    'CONFIG_INVALID',
    'controlPlane.ingressPort: must be a port number from 0 to 65535 (0 picks a free port), got "8080"',
  ],
  [
    'command as a string',
    'controlPlane:\n  imageCommands:\n    - { pattern: "x/*", command: node web.mjs }\n',
    'CONFIG_INVALID',
    'controlPlane.imageCommands[0].command: must be a list, got "node web.mjs": write it as a list, e.g. [node, /srv/web.mjs]',
  ],
  [
    'command missing',
    'controlPlane:\n  imageCommands:\n    - { pattern: "x/*" }\n',
    'CONFIG_INVALID',
    'controlPlane.imageCommands[0].command: is required: write it as a list, e.g. [node, /srv/web.mjs]',
  ],
  [
    'command with a number',
    'controlPlane:\n  imageCommands:\n    - { pattern: "x/*", command: [sleep, 5] }\n',
    'CONFIG_INVALID',
    'controlPlane.imageCommands[0].command[1]: must be a string, got 5: quote it',
  ],
  [
    'bad regular expression',
    'controlPlane:\n  imageCommands:\n    - { pattern: "/a(/", command: [x] }\n',
    'CONFIG_INVALID',
    'controlPlane.imageCommands[0].pattern: invalid regular expression /a(/: Invalid regular expression: /a(/: Unterminated group',
  ],
  [
    'controlPlane not a mapping',
    'controlPlane: [a]\n',
    'CONFIG_INVALID',
    'controlPlane: must be a mapping, got a list',
  ],
];

for (const [what, body, code, message] of errors) {
  test(`refused: ${what}`, (t) => {
    const e = t.throws(() => parseConfig(HEAD + body, 'capstan.yaml'), { instanceOf: CapstanError });
    t.is(e?.code, code);
    t.is(e?.message, `capstan.yaml: ${message}`);
    t.is((e?.data as { file?: string }).file, 'capstan.yaml');
  });
}

const headerErrors: [string, string, string, string][] = [
  [
    'an empty file',
    '',
    'CONFIG_INVALID',
    'the file is empty; a configuration starts with apiVersion: capstan.dev/v1alpha1 and kind: CapstanConfig',
  ],
  [
    'no apiVersion',
    'kind: CapstanConfig\n',
    'CONFIG_INVALID',
    'apiVersion: is required: capstan.dev/v1alpha1',
  ],
  [
    'another apiVersion',
    'apiVersion: capstan.dev/v1\nkind: CapstanConfig\n',
    'CONFIG_INVALID',
    'apiVersion: must be capstan.dev/v1alpha1, got "capstan.dev/v1"',
  ],
  [
    'another kind',
    'apiVersion: capstan.dev/v1alpha1\nkind: Cluster\n',
    'CONFIG_INVALID',
    'kind: must be CapstanConfig, got "Cluster"',
  ],
  ['a list', '- a\n', 'CONFIG_INVALID', 'must be a mapping, got a list'],
];

for (const [what, text, code, message] of headerErrors) {
  test(`refused: ${what}`, (t) => {
    const e = t.throws(() => parseConfig(text, 'capstan.yaml'), { instanceOf: CapstanError });
    t.is(e?.code, code);
    t.is(e?.message, `capstan.yaml: ${message}`);
  });
}

test('invalid YAML names the file and line', (t) => {
  const e = t.throws(() => parseConfig(`${HEAD}controlPlane:\n  port: [1\n`, 'capstan.yaml'), {
    instanceOf: CapstanError,
  });
  t.is(e?.code, 'YAML_INVALID');
  t.regex(e!.message, /^capstan\.yaml, line \d+: invalid YAML/);
});

test('loadConfigFile reads a file; a missing one is CONFIG_NOT_FOUND', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-config-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'capstan.yaml');
  fs.writeFileSync(file, `${HEAD}dataDir: data\n`);
  t.is(loadConfigFile(file).dataDir, path.join(dir, 'data'));
  const missing = path.join(dir, 'nope.yaml');
  const e = t.throws(() => loadConfigFile(missing), { instanceOf: CapstanError });
  t.is(e?.code, 'CONFIG_NOT_FOUND');
  t.is(e?.message, `${missing}: cannot read the configuration file: no such file`);
  const d = t.throws(() => loadConfigFile(dir), { instanceOf: CapstanError });
  t.is(d?.message, `${dir}: cannot read the configuration file: is a directory`);
});

test('image commands: ./ and ../ arguments are relative to the configuration file', (t) => {
  const config = parseConfig(
    `${HEAD}controlPlane:\n  imageCommands:\n    - pattern: "x/*"\n      command: [node, ./app/server.mjs, ../lib/x.mjs, --flag=./no]\n`,
    '/srv/repo/capstan.yaml',
  );
  t.deepEqual(config.controlPlane.imageCommands[0].command, [
    'node',
    '/srv/repo/app/server.mjs',
    '/srv/lib/x.mjs',
    '--flag=./no',
  ]);
});
