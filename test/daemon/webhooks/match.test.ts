import test from 'ava';
import type { PushTarget as Application } from '../../../src/daemon/webhooks/index.js';
import { applicationsForPush, normalizeRepoUrl } from '../../../src/daemon/webhooks/index.js';
import { pathsMatch, refMatches } from '../../../src/daemon/webhooks/match.js';
import type { PushEvent } from '../../../src/daemon/webhooks/event.js';

for (const [input, want] of [
  ['https://github.com/acme/app.git', 'github.com/acme/app'],
  ['https://GitHub.COM/acme/app/', 'github.com/acme/app'],
  ['http://github.com/acme/app', 'github.com/acme/app'],
  ['https://user:pw@github.com:443/acme/app.git', 'github.com/acme/app'],
  ['git@github.com:acme/app.git', 'github.com/acme/app'],
  ['ssh://git@github.com/acme/app.git', 'github.com/acme/app'],
  ['https://git.example.com:8443/Team/App.git', 'git.example.com:8443/Team/App'],
  ['http://127.0.0.1:3000/repos/app.git', '127.0.0.1:3000/repos/app'],
] as const) {
  test(`normalizeRepoUrl(${input})`, (t) => t.is(normalizeRepoUrl(input), want));
}

test('the path keeps its case: two repositories that differ only there stay apart', (t) => {
  t.not(normalizeRepoUrl('https://h/Acme/App'), normalizeRepoUrl('https://h/acme/app'));
});

const push = (over: Partial<PushEvent>): PushEvent => ({
  kind: 'push',
  repoUrls: ['https://github.com/acme/app.git'],
  branch: 'main',
  revision: 'a'.repeat(40),
  ...over,
});

for (const [target, event, want] of [
  ['main', { branch: 'main' }, true],
  ['refs/heads/main', { branch: 'main' }, true],
  ['main', { branch: 'dev' }, false],
  ['HEAD', { branch: 'main', defaultBranch: 'main' }, true],
  ['HEAD', { branch: 'dev', defaultBranch: 'main' }, false],
  ['', { branch: 'dev' }, true],
  ['v1.2.0', { branch: undefined, tag: 'v1.2.0' }, true],
  ['>=1.0.0 <2.0.0', { branch: undefined, tag: 'v1.4.2' }, true],
  ['~1.2', { branch: undefined, tag: 'v1.3.0' }, false],
  ['main', { branch: undefined, tag: 'v1.0.0' }, false],
  ['0123456789abcdef0123456789abcdef01234567', { branch: 'main' }, false],
  ['abc1234', { branch: undefined, tag: 'v1.0.0' }, false],
  ['main', { branch: undefined, tag: undefined }, true],
] as const) {
  test(`refMatches(${JSON.stringify(target)}, ${JSON.stringify(event)}) is ${want}`, (t) => {
    t.is(refMatches(target, push(event as Partial<PushEvent>)), want);
  });
}

const app = (
  name: string,
  over: Partial<Application> = {},
  source: Partial<Application['source']> = {},
): Application => ({
  name,
  source: { repoURL: 'https://github.com/acme/app', targetRevision: 'main', path: 'deploy/prod', ...source },
  ...over,
});

test('trigger paths: relative to the source path, absolute from the root, no filter when unknown', (t) => {
  const a = app('a', { triggerPaths: ['.', '/shared'] });
  t.true(pathsMatch(a, ['deploy/prod/deployment.yaml']));
  t.true(pathsMatch(a, ['shared/base/kustomization.yaml']));
  t.false(pathsMatch(a, ['deploy/production/x.yaml']), 'a prefix of a name is not a directory');
  t.false(pathsMatch(a, ['README.md', 'deploy/staging/x.yaml']));
  t.true(pathsMatch(a, undefined), 'a provider that lists no files concerns every path');
  t.true(pathsMatch(app('b'), ['README.md']), 'no trigger paths: every change');
  t.true(pathsMatch(app('c', { triggerPaths: ['../base'] }), ['deploy/base/x.yaml']));
});

test('applicationsForPush: same repository in any spelling, matching ref and paths', (t) => {
  const apps = [
    app('prod'),
    app('other-repo', {}, { repoURL: 'https://github.com/acme/other' }),
    app('dev', {}, { targetRevision: 'dev' }),
    app('ssh', {}, { repoURL: 'git@github.com:acme/app.git' }),
    app('filtered', { triggerPaths: ['.'] }),
  ];
  const names = applicationsForPush(apps, push({ changedPaths: ['README.md'] })).map((a) => a.name);
  t.deepEqual(names, ['prod', 'ssh']);
});
