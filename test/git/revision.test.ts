import test from 'ava';
import { CapstanError } from '../../src/core/index.js';
import {
  parseRemoteUrl,
  redactText,
  redactUrl,
  resolveRevision,
  type RemoteRefs,
} from '../../src/git/index.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);
const T = '1'.repeat(40); // an annotated tag object
const remote: RemoteRefs = {
  head: 'refs/heads/main',
  refs: new Map([
    ['refs/heads/main', { oid: A }],
    ['refs/heads/release', { oid: B }],
    ['refs/heads/v1.0.0', { oid: C }], // a branch named like a tag
    ['refs/tags/v1.0.0', { oid: T, peeled: B }],
    ['refs/tags/v1.1.0', { oid: C }],
    ['refs/tags/1.1.0', { oid: A }], // the same version twice: the first listed wins
    ['refs/tags/v2.0.0-rc.1', { oid: A }],
    ['refs/tags/not-a-version', { oid: A }],
  ]),
};

const url = 'https://git.example.com/app.git';

test('revisions resolve against the remote refs as git orders names', (t) => {
  const cases: Array<[string | undefined, object]> = [
    [undefined, { kind: 'default', ref: 'refs/heads/main', commit: A }],
    ['', { kind: 'default', ref: 'refs/heads/main', commit: A }],
    ['HEAD', { kind: 'default', ref: 'refs/heads/main', commit: A }],
    ['release', { kind: 'branch', ref: 'refs/heads/release', commit: B }],
    ['refs/heads/v1.0.0', { kind: 'branch', ref: 'refs/heads/v1.0.0', commit: C }],
    ['v1.0.0', { kind: 'tag', ref: 'refs/tags/v1.0.0', commit: B }], // tag before branch, peeled
    ['^1.0.0', { kind: 'semver', ref: 'refs/tags/v1.1.0', commit: C }],
    ['~1.0', { kind: 'semver', ref: 'refs/tags/v1.0.0', commit: B }],
    ['>=2.0.0-0', { kind: 'semver', ref: 'refs/tags/v2.0.0-rc.1', commit: A }],
    ['*', { kind: 'semver', ref: 'refs/tags/v1.1.0', commit: C }],
    [B, { kind: 'commit', ref: 'refs/heads/release', commit: B }], // a tip: fetched through its ref
    [B.toUpperCase(), { kind: 'commit', ref: 'refs/heads/release', commit: B }],
    ['ccccccc', { kind: 'commit', ref: 'refs/heads/v1.0.0', commit: C }], // branches first
    ['d'.repeat(40), { kind: 'commit', ref: undefined, commit: 'd'.repeat(40) }], // found by fetching
    ['1234567', { kind: 'commit', prefix: '1234567' }],
  ];
  for (const [spec, expected] of cases) t.like(resolveRevision(spec, remote, url), expected, String(spec));
});

test('unresolvable revisions are GIT_REVISION_NOT_FOUND with what exists', (t) => {
  const e1 = t.throws(() => resolveRevision('nope', remote, url), { instanceOf: CapstanError });
  t.is(e1.code, 'GIT_REVISION_NOT_FOUND');
  t.is(e1.message, `revision "nope" is not a branch, tag or commit of ${url}`);
  const e2 = t.throws(() => resolveRevision('^3', remote, url), { instanceOf: CapstanError });
  t.is(
    e2.message,
    `no tag of ${url} matches the semver range "^3"; its version tags are 2.0.0-rc.1, 1.1.0, 1.0.0`,
  );
  const noHead: RemoteRefs = { refs: new Map([['refs/heads/dev', { oid: A }]]) };
  const e3 = t.throws(() => resolveRevision(undefined, noHead, url), { instanceOf: CapstanError });
  t.regex(e3.message, /has no default branch \(HEAD\)/);
  // Without HEAD advertised, main or master is the default.
  const master: RemoteRefs = { refs: new Map([['refs/heads/master', { oid: B }]]) };
  t.like(resolveRevision(undefined, master, url), { ref: 'refs/heads/master', commit: B });
});

test('remote URLs: http(s) only, credentials split off, SSH refused', (t) => {
  t.deepEqual(parseRemoteUrl('https://bot:t0k%40n@git.example.com/org/app.git/?x=1#frag'), {
    url: 'https://git.example.com/org/app.git',
    display: 'https://git.example.com/org/app.git',
    username: 'bot',
    password: 't0k@n',
  });
  t.like(parseRemoteUrl(' http://127.0.0.1:8080/app '), {
    url: 'http://127.0.0.1:8080/app',
    username: undefined,
  });
  const refused: Array<[string, string]> = [
    ['git@github.com:org/app.git', 'GIT_SSH_UNSUPPORTED'],
    ['github.com:org/app', 'GIT_SSH_UNSUPPORTED'],
    ['ssh://git@github.com/org/app.git', 'GIT_SSH_UNSUPPORTED'],
    ['SSH://host/app', 'GIT_SSH_UNSUPPORTED'],
    ['git+ssh://host/app', 'GIT_SSH_UNSUPPORTED'],
    ['ssh+git://host/app', 'GIT_SSH_UNSUPPORTED'],
    ['git://host/app', 'GIT_URL_INVALID'],
    ['file:///srv/app.git', 'GIT_URL_INVALID'],
    ['/srv/app.git', 'GIT_URL_INVALID'],
    ['https://', 'GIT_URL_INVALID'],
  ];
  for (const [u, code] of refused) {
    const e = t.throws(() => parseRemoteUrl(u), { instanceOf: CapstanError }, u);
    t.is(e.code, code, u);
  }
  const ssh = t.throws(() => parseRemoteUrl('ssh://user:pw@host/app'), { instanceOf: CapstanError });
  t.false(ssh.message.includes('pw'));
});

test('redaction strips user info, query strings and known secrets', (t) => {
  t.is(redactUrl('https://u:p@h.example/r.git?token=abc#x'), 'https://h.example/r.git');
  t.is(
    redactText('failed https://u:hunter22@h/r and again with hunter22 or aHVudGVyMjI=', [
      'hunter22',
      'aHVudGVyMjI=',
    ]),
    'failed https://h/r and again with *** or ***',
  );
});
