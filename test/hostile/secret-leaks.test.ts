/**
 * Secret values never leave the daemon in a message. Four applications whose Secrets fail —
 * a JSON patch `test` op on a Secret's data that does not hold, a dockerconfigjson that is
 * not JSON, a key name the API server refuses, a Secret over 1 MiB — are synced through the
 * daemon from a real Git server; then every output is scanned for each value (base64,
 * decoded, and their first 8 characters): the API's answers, the Applications' status
 * (conditions, operationState, history, failedRevision), the state store's rows, the
 * control plane's Events, the daemon's log and the status of every object it holds.
 */
import test from 'ava';
import type { Application, JsonObject } from '../../src/core/index.js';
import { eventually } from '../helpers/eventually.js';
import { startDaemonUnderTest, type DaemonUnderTest } from './daemon-under-test.js';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

const PATCHED = 'hunter2-correct-horse-battery-staple';
const PATCH_GUESS = 'guessed-wrong-password-value';
const DOCKER = 'hunter3-not-json {"auths": {"registry.example": {"auth": "cm9ib3Q6c2VjcmV0"}}}';
const BAD_KEY = 'bad-key-secret-value-0123456789';
const LARGE = `too-large-secret-${'q'.repeat(1100 * 1024)}`;

const secret = (name: string, data: Record<string, string>, type?: string) =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name },
    ...(type ? { type } : {}),
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)])),
  });

const FILES: Record<string, string> = {
  'patch/kustomization.yaml': `resources: [secret.json]
patches:
  - target: {kind: Secret, name: patched}
    patch: |-
      - op: test
        path: /data/token
        value: ${b64(PATCH_GUESS)}
      - op: add
        path: /metadata/labels
        value: {checked: "yes"}
`,
  'patch/secret.json': secret('patched', { token: PATCHED }),
  'docker/secret.json': secret('pull', { '.dockerconfigjson': DOCKER }, 'kubernetes.io/dockerconfigjson'),
  'badkey/secret.json': secret('badkey', { 'not a valid key!': BAD_KEY }),
  'large/secret.json': secret('large', { blob: LARGE }),
};

const APPS = ['patch', 'docker', 'badkey', 'large'];

/** Every form a value could leak in: base64 and clear, whole and its first 8 characters. */
function leakForms(value: string): string[] {
  return [b64(value), value].flatMap((v) => [v, v.slice(0, 8)]);
}
const VALUES = [PATCHED, PATCH_GUESS, DOCKER, BAD_KEY, LARGE];

let fx: DaemonUnderTest;

const condition = (app: Application, type: string) => app.status?.conditions?.find((c) => c.type === type);

test.before(async () => {
  fx = await startDaemonUnderTest({
    name: 'secret-leaks',
    files: FILES,
    applications: (gitServer) =>
      APPS.map((name) => ({
        name,
        source: { repoURL: gitServer.repoUrl('app.git'), targetRevision: 'main', path: name },
        namespace: 'default',
        syncPolicy: { prune: true, selfHeal: false, autoRollback: true },
        healthTimeoutMs: 10_000,
      })),
  });
});

test.after.always(() => fx?.close());

test('no Secret value appears in the API, Application status, the state store, Events or the log', async (t) => {
  // each application's first sync fails, says why, and its status says so too: a revision the
  // API server refuses (nothing applied) is failed like one that applied and broke
  for (const name of APPS) {
    const record = await eventually(() => fx.finishedSyncs(name)[0], 90_000, 100);
    t.is(record.result, 'Failed', `${name}: ${record.message}`);
    const app = await eventually(
      () => {
        const a = fx.application(name);
        return a?.status?.failedRevision && a.status.operationState?.phase === 'Failed' ? a : undefined;
      },
      90_000,
      100,
    );
    t.is(condition(app, 'Ready')?.status, 'False', name);
  }
  const messages = Object.fromEntries(APPS.map((n) => [n, fx.finishedSyncs(n)[0].message ?? '']));
  t.log(messages);
  // the messages still name what is wrong
  t.regex(messages.patch, /test/);
  t.regex(messages.docker, /dockerconfigjson/);
  t.regex(messages.badkey, /not a valid key!/);
  t.regex(messages.large, /Too long|too large|1048576/i);
  // the failing test op shows the values as the diff masks them: different, and nothing of them
  t.regex(messages.patch, /\+{8}/);
  // the status a user reads says the same, masked the same way
  for (const name of APPS) {
    const status = fx.application(name)!.status!;
    t.is(status.failedRevision?.reason, messages[name], name);
    t.regex(condition(fx.application(name)!, 'Ready')?.message ?? '', /failed/, name);
  }

  // `revisions` keeps the rendered objects (what Git holds) for rollback: not a message
  const outputs = await fx.outputs(
    APPS,
    ['', '/history', '/diff', '/diff?format=text'],
    ['syncs', 'app_state', 'pull_requests'],
  );
  const api = fx.capstan.controlPlane.api;
  // conditions and statuses of whatever the control plane holds, Secrets' own data aside
  for (const resource of ['namespaces', 'configmaps', 'pods']) {
    const list = api.list({ group: '', version: 'v1', resource }, undefined) as { items: JsonObject[] };
    outputs.push([`${resource} status`, JSON.stringify(list.items.map((o) => o.status ?? null))]);
  }

  for (const [where, text] of outputs) {
    for (const value of VALUES) {
      for (const form of leakForms(value)) {
        if (text.includes(form))
          t.fail(
            `${where} holds a Secret value (${JSON.stringify(form.slice(0, 12))}…): ${text.slice(0, 2000)}`,
          );
      }
    }
  }
  t.pass();
});

test("the API server's JSON patch `test` on a Secret masks both values in its error", async (t) => {
  const SECRETS = { group: '', version: 'v1', resource: 'secrets' };
  const value = 'api-patch-secret-value-42';
  const guess = 'api-patch-guessed-value-43';
  const api = fx.capstan.controlPlane.api;
  await api.create(SECRETS, 'default', {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'patched-by-api' },
    data: { token: b64(value) },
  });
  const error = await t.throwsAsync(
    api.patch(SECRETS, 'default', 'patched-by-api', 'json', [
      { op: 'test', path: '/data/token', value: b64(guess) },
    ]),
  );
  t.regex(error.message, /test failed: the value is \+{8}, not \+{9}/);
  for (const form of [...leakForms(value), ...leakForms(guess)]) t.false(error.message.includes(form), form);
});
