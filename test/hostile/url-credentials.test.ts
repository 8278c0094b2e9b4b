/**
 * A password written into a repoURL (`http://user:password@host/repo`) works — it is sent
 * as basic auth — but never comes out again: the daemon warns at start, and the API's
 * answers, the Applications' status (conditions, sourceError, operationState, history),
 * the state store, the control plane's Events and the daemon's log carry the URL without
 * it, for an application that syncs and for one whose repository does not exist. The
 * Application object holds the URL without it too; the daemon keeps it in memory only.
 */
import test from 'ava';
import { eventually } from '../helpers/eventually.js';
import { startDaemonUnderTest, type DaemonUnderTest } from './daemon-under-test.js';

const USER = 'deployer';
const PASSWORD = 'pw-in-the-url-s3cr3t';

let fx: DaemonUnderTest;

test.before(async () => {
  fx = await startDaemonUnderTest({
    name: 'url-credentials',
    auth: { username: USER, password: PASSWORD },
    files: {
      'app/config.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: greeting}\ndata: {text: hello}\n',
    },
    applications: (gitServer) =>
      ['app.git', 'missing.git'].map((repo) => ({
        name: repo.replace('.git', ''),
        source: {
          repoURL: gitServer.repoUrl(repo).replace('http://', `http://${USER}:${PASSWORD}@`),
          targetRevision: 'main',
          path: 'app',
        },
        namespace: 'default',
        syncPolicy: { prune: true, selfHeal: false, autoRollback: true },
        healthTimeoutMs: 10_000,
      })),
  });
});

test.after.always(() => fx?.close());

test('a password in a repoURL is used, warned about, and appears in no output', async (t) => {
  // the password in the URL authenticates: the application syncs
  const synced = await eventually(() => fx.finishedSyncs('app')[0], 90_000, 100);
  t.is(synced.result, 'Succeeded', synced.message);
  await eventually(
    () => fx.application('app')?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
    90_000,
    100,
  );
  // the other one fails to fetch, with the URL in its error and its Ready condition
  const failed = await eventually(() => fx.application('missing')?.status?.sourceError, 90_000, 100);
  t.regex(failed, /missing\.git/);
  const ready = fx.application('missing')!.status!.conditions!.find((c) => c.type === 'Ready')!;
  t.is(ready.status, 'False');
  t.regex(ready.message, /missing\.git/);

  for (const name of ['app', 'missing']) {
    const warning = fx.logLines.find((l) => l.includes(`applications.${name}.source.repoURL`));
    t.truthy(warning, `no warning for ${name} in:\n${fx.logLines.join('\n')}`);
    t.regex(warning!, /credentials:/);
  }

  const outputs = await fx.outputs(
    ['app', 'missing'],
    ['', '/history', '/diff'],
    ['syncs', 'app_state', 'pull_requests', 'revisions'],
  );
  // the URL is still shown, without its user info
  const [, list] = outputs[0];
  t.true(list.includes(`"repoURL":"${fx.gitServer.repoUrl('app.git')}"`), list);

  // nor does the Application object itself (what `kubectl get application -o yaml` shows)
  for (const name of ['app', 'missing'])
    outputs.push([`Application ${name}, whole`, JSON.stringify(fx.application(name))]);
  const encoded = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
  for (const [where, text] of outputs) {
    for (const secret of [PASSWORD, encoded, `${USER}:`])
      t.false(text.includes(secret), `${where} holds ${secret}: ${text.slice(0, 2000)}`);
  }
});
