import test from 'ava';
import type { Application, ApplicationStatusBody } from '../../../src/core/index.js';
import { CommitStatusReporter, wantedStatus } from '../../../src/daemon/feedback/commit-statuses.js';
import type { CommitStatus, GitProvider } from '../../../src/providers/index.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const provider = {
  name: 'github' as const,
  apiUrl: 'http://x',
  repository: 'acme/shop',
  tokenSecretRef: { name: 't' },
};

function app(status: ApplicationStatusBody, withProvider = true): Application {
  return {
    apiVersion: 'capstan.dev/v1alpha1',
    kind: 'Application',
    metadata: { name: 'shop' },
    spec: { source: { repoURL: 'http://git/shop.git' }, ...(withProvider ? { provider } : {}) },
    status,
  };
}
const op = (phase: string, extra: Record<string, unknown> = {}) =>
  ({
    intent: { type: 'follow' },
    reason: 'push',
    phase,
    revision: B,
    message: 'm',
    startedAt: '2026-12-05T10:00:00Z',
    ...extra,
  }) as never;

test('pending while syncing and waiting, success once Healthy', (t) => {
  t.like(wantedStatus(app({ operationState: op('Running') })), {
    sha: B,
    state: 'pending',
    description: 'syncing shop',
  });
  t.like(wantedStatus(app({ operationState: op('WaitingHealthy') })), {
    state: 'pending',
    description: 'waiting for shop to be healthy',
  });
  t.like(wantedStatus(app({ operationState: op('Succeeded'), health: { status: 'Healthy' } })), {
    sha: B,
    state: 'success',
  });
  t.is(wantedStatus(app({ operationState: op('Succeeded'), health: { status: 'Progressing' } })), undefined);
});

test('a failed revision gets failure with its reason, also once rolled back; the rollback itself posts nothing', (t) => {
  const failedRevision = {
    revision: B,
    reason: 'Deployment shop/web: readiness probe failing',
    at: '2026-12-05T10:05:00Z',
  };
  t.deepEqual(wantedStatus(app({ operationState: op('Failed'), failedRevision })), {
    sha: B,
    state: 'failure',
    description: 'Deployment shop/web: readiness probe failing',
  });
  t.deepEqual(
    wantedStatus(
      app({
        operationState: op('Succeeded', { revision: A, rolledBackTo: A }),
        failedRevision,
        health: { status: 'Healthy' },
      }),
    ),
    {
      sha: B,
      state: 'failure',
      description: `Deployment shop/web: readiness probe failing; rolled back to ${A.slice(0, 7)}`,
    },
  );
  t.is(
    wantedStatus(
      app({ operationState: op('Running', { intent: { type: 'rollback', revision: A }, revision: A }) }),
    ),
    undefined,
  );
});

test('nothing without a provider, or for a local directory revision', (t) => {
  t.is(wantedStatus(app({ operationState: op('Running') }, false)), undefined);
  t.is(wantedStatus(app({ operationState: op('Running', { revision: 'local:abc' }) })), undefined);
});

test('each change is posted once, in order; a failed post is kept and logged, and the next change posts again', async (t) => {
  const posted: CommitStatus[] = [];
  let fail = false;
  const logs: string[] = [];
  const client = {
    async setCommitStatus(s: CommitStatus) {
      if (fail) throw new Error('provider down');
      posted.push(s);
    },
  } as unknown as GitProvider;
  const reporter = new CommitStatusReporter({
    provider: () => client,
    publicUrl: 'https://capstan.example.com',
    log: (_level, _fields, msg) => logs.push(msg),
  });
  reporter.observe(app({ operationState: op('Running') }));
  reporter.observe(app({ operationState: op('Running') }));
  reporter.observe(app({ operationState: op('Succeeded'), health: { status: 'Healthy' } }));
  await reporter.idle();
  t.deepEqual(
    posted.map((s) => [s.sha, s.state, s.context, s.targetUrl]),
    [
      [B, 'pending', 'capstan/shop', 'https://capstan.example.com/api/v1/applications/shop'],
      [B, 'success', 'capstan/shop', 'https://capstan.example.com/api/v1/applications/shop'],
    ],
  );
  fail = true;
  reporter.observe(app({ operationState: op('Running', { revision: A }) }));
  await reporter.idle();
  t.regex(
    reporter.failure('shop')!,
    /commit status pending on aaaaaaa not posted to github acme\/shop: provider down/,
  );
  t.is(logs.length, 1);
  fail = false;
  reporter.observe(app({ operationState: op('Running', { revision: A }) }));
  await reporter.idle();
  t.is(posted.at(-1)?.sha, A);
  t.is(reporter.failure('shop'), undefined);
});
