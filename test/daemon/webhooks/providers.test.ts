/**
 * Providers as plain functions: headers, body and secret in, events out — or a refusal
 * with its code. No server, no receiver.
 */
import test from 'ava';
import { createHmac } from 'node:crypto';
import { WEBHOOK_PROVIDERS } from '../../../src/core/index.js';
import { webhookProviders } from '../../../src/daemon/webhooks/index.js';

const SECRET = 'plain-secret';
const SHA = 'abcdefabcdefabcdefabcdefabcdefabcdefabcd';
const hmac = (body: Buffer) => createHmac('sha256', SECRET).update(body).digest('hex');
const { github, gitlab, generic } = webhookProviders;

const push = Buffer.from(
  JSON.stringify({
    ref: 'refs/heads/main',
    after: SHA,
    repository: { clone_url: 'https://git.example.com/acme/shop.git', default_branch: 'main' },
    commits: [{ added: ['k8s/a.yaml'], modified: [], removed: ['k8s/b.yaml'] }],
  }),
);

test('one list of provider names: every name in WEBHOOK_PROVIDERS has its function', (t) => {
  t.deepEqual(Object.keys(webhookProviders).sort(), [...WEBHOOK_PROVIDERS].sort());
});

test('github: a signed push becomes one push event carrying its delivery id', (t) => {
  const events = github(
    { 'x-github-event': 'push', 'x-github-delivery': 'd-1', 'x-hub-signature-256': `sha256=${hmac(push)}` },
    push,
    SECRET,
  );
  t.deepEqual(events, [
    {
      kind: 'push',
      repoUrls: ['https://git.example.com/acme/shop.git'],
      branch: 'main',
      revision: SHA,
      deleted: false,
      changedPaths: ['k8s/a.yaml', 'k8s/b.yaml'],
      defaultBranch: 'main',
      delivery: 'd-1',
    },
  ]);
});

test('header names in any case, and the first of a repeated header', (t) => {
  const events = github(
    { 'X-GitHub-Event': ['push', 'ping'], 'X-Hub-Signature-256': `sha256=${hmac(push)}` },
    push,
    SECRET,
  );
  t.is(events.length, 1);
  t.is(events[0].kind, 'push');
  t.is(events[0].delivery, undefined, 'no delivery id sent: none invented');
});

test('refusals are thrown with their codes, and never quote the secret', (t) => {
  const missing = t.throws(() => github({ 'x-github-event': 'push' }, push, SECRET));
  t.like(missing, {
    code: 'WEBHOOK_SIGNATURE_MISSING',
    data: { provider: 'github', header: 'x-hub-signature-256' },
  });
  const forged = t.throws(() =>
    github({ 'x-github-event': 'push', 'x-hub-signature-256': `sha256=${'a'.repeat(64)}` }, push, SECRET),
  );
  t.like(forged, { code: 'WEBHOOK_SIGNATURE_INVALID' });
  t.false(forged!.message.includes(SECRET));
  t.throws(() => gitlab({ 'x-gitlab-token': 'guess' }, push, SECRET), { code: 'WEBHOOK_SIGNATURE_INVALID' });
  t.throws(() => gitlab({}, push, SECRET), { code: 'WEBHOOK_SIGNATURE_MISSING' });
  const notJson = Buffer.from('not json');
  t.throws(() => generic({ 'x-capstan-signature': `sha256=${hmac(notJson)}` }, notJson, SECRET), {
    code: 'WEBHOOK_PAYLOAD_INVALID',
  });
});

test('a verified delivery Capstan does not act on is no events', (t) => {
  const ping = Buffer.from('{"zen":"hi"}');
  t.deepEqual(
    github({ 'x-github-event': 'ping', 'x-hub-signature-256': `sha256=${hmac(ping)}` }, ping, SECRET),
    [],
  );
  t.deepEqual(generic({ 'x-capstan-signature': `sha256=${hmac(ping)}` }, ping, SECRET), []);
  t.deepEqual(gitlab({ 'x-gitlab-token': SECRET, 'x-gitlab-event': 'Issue Hook' }, ping, SECRET), []);
});
