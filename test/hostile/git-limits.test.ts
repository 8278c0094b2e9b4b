/**
 * Issue 10, item 3: unbounded Git fetches. A server streaming an endless pack, a commit with a
 * file over the size limit, too many files, too many bytes, and a corrupt pack each fail with
 * a coded, non-transient error (GIT_LIMIT_EXCEEDED, GIT_PACK_INVALID) instead of exhausting
 * memory, and the source (and the daemon's other sources) sync normally afterwards.
 */
import test, { type ExecutionContext } from 'ava';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { CapstanError } from '../../src/core/index.js';
import { GitSource, isTransientGitError, SnapshotStore, type GitLimits } from '../../src/git/index.js';
import { gitFixture, type GitFixture } from '../git/fixture.js';
import { eventually } from '../helpers/eventually.js';
import { gitEnv } from '../helpers/git-server.js';
import { UploadPackServer } from '../helpers/upload-pack-server.js';
import { startCapstan } from '../../src/boot/index.js';
import type { Application } from '../../src/core/index.js';

const MiB = 1024 ** 2;

/** Fails unless `run` rejects with a CapstanError of `code` that the daemon would not retry. */
async function failsWith(t: ExecutionContext, run: Promise<unknown>, code: string): Promise<CapstanError> {
  const e = await t.throwsAsync(run);
  t.true(e instanceof CapstanError, `not a CapstanError: ${String(e)}`);
  const err = e as CapstanError;
  t.is(err.code, code, err.message);
  t.false(isTransientGitError(err), 'a transient error would be retried');
  t.is(err.data.transient, false);
  return err;
}

/** The good repository of the fixture syncs with the same limits and cache: nothing was left broken. */
async function goodRepoSyncs(t: ExecutionContext, fx: GitFixture, limits: Partial<GitLimits>): Promise<void> {
  const commit = fx.work.commit({ 'app.yaml': 'kind: ConfigMap\n' });
  fx.work.push();
  const synced = await fx.source({ limits }).sync();
  t.is(synced.commit, commit);
  await synced.snapshot.release();
}

/** A pack entry: type 3 (blob), size as a varint after the type bits, then the zlib stream. */
function blobEntry(content: Buffer): Buffer {
  const header = [0b0011_0000 | (content.length & 0x0f)];
  for (let rest = content.length >> 4; rest > 0; rest >>= 7) {
    header[header.length - 1] |= 0x80;
    header.push(rest & 0x7f);
  }
  return Buffer.concat([Buffer.from(header), deflateSync(content)]);
}

/** Native git's pack of everything reachable from HEAD, as a server would send it. */
function packOf(dir: string): Buffer {
  const r = spawnSync('git', ['pack-objects', '--revs', '--stdout'], {
    cwd: dir,
    env: gitEnv(),
    input: 'HEAD\n',
  });
  if (r.status !== 0) throw new Error(r.stderr.toString());
  return r.stdout;
}

test('an endless pack stops at git.maxFetchBytes: GIT_LIMIT_EXCEEDED, and the connection is closed', async (t) => {
  const fx = await gitFixture();
  // The server would send 256 MiB of valid objects (far past 4 billion declared) if read.
  const cap = 256 * MiB;
  const server = await UploadPackServer.start({
    commit: 'a'.repeat(40),
    pack: function* () {
      const header = Buffer.alloc(12);
      header.write('PACK');
      header.writeUInt32BE(2, 4);
      header.writeUInt32BE(0xffffffff, 8);
      yield header;
      const block = Buffer.concat(
        Array.from({ length: 256 }, (_, i) => blobEntry(Buffer.from(`object ${i}\n`))),
      );
      for (let sent = 0; sent < cap; sent += block.length) yield block;
    },
  });
  t.teardown(() => server.close());
  t.teardown(() => fx.close());
  const limits = { maxFetchBytes: 2 * MiB };
  const source = new GitSource({
    url: server.url,
    cacheDir: path.join(fx.tmp, 'cache'),
    snapshots: fx.snapshots,
    limits,
  });
  const err = await failsWith(t, source.sync(), 'GIT_LIMIT_EXCEEDED');
  t.regex(err.message, /git\.maxFetchBytes \(2 MiB\)/);
  t.regex(err.message, /raise git\.maxFetchBytes in the daemon configuration/);
  t.true(err.message.startsWith(server.url), err.message);
  t.like(err.data, { limit: 'git.maxFetchBytes', max: 2 * MiB, url: server.url });
  // The client hung up: the server's response ended long before its 256 MiB.
  await eventually(() => server.finished === 1);
  t.true(server.sent < 64 * MiB, `the server sent ${server.sent} bytes`);
  await goodRepoSyncs(t, fx, limits);
});

test('a file over git.maxBlobBytes is refused from the pack header, before it is inflated; fixed by the next commit', async (t) => {
  const fx = await gitFixture();
  t.teardown(() => fx.close());
  // 2 MiB of zeros: a 2 kB pack entry that inflates to 2 MiB.
  const big = fx.work.commit({ 'app.yaml': 'kind: ConfigMap\n', 'zeros.bin': '\0'.repeat(2 * MiB) });
  fx.work.push();
  const limits = { maxBlobBytes: 1 * MiB };
  const err = await failsWith(t, fx.source({ limits }).sync(), 'GIT_LIMIT_EXCEEDED');
  t.regex(err.message, /an object of 2 MiB in the pack is larger than git\.maxBlobBytes \(1 MiB\)/);
  t.like(err.data, { limit: 'git.maxBlobBytes', value: 2 * MiB, max: 1 * MiB });
  t.deepEqual(fx.snapshots.commits(), []);
  // With the limit raised, the same source's mirror fetches that very commit.
  const raised = await fx.source({ limits: { maxBlobBytes: 4 * MiB } }).sync();
  t.is(raised.commit, big);
  await raised.snapshot.release();
  fx.work.commit({ 'zeros.bin': null });
  await goodRepoSyncs(t, fx, limits);
});

test('a file over git.maxBlobBytes already in the mirror is refused before the snapshot is written, naming the file', async (t) => {
  const fx = await gitFixture();
  t.teardown(() => fx.close());
  const big = fx.work.commit({ 'app.yaml': 'kind: ConfigMap\n', 'data/zeros.bin': '\0'.repeat(2 * MiB) });
  fx.work.push();
  // Fetched under the default limits, then snapshot into an empty store under a lower one.
  await (await fx.source().sync()).snapshot.release();
  const snapshots = new SnapshotStore({ dir: path.join(fx.tmp, 'snapshots-2') });
  const limits = { maxBlobBytes: 1 * MiB };
  const err = await failsWith(t, fx.source({ limits, snapshots }).sync(), 'GIT_LIMIT_EXCEEDED');
  t.regex(err.message, new RegExp(`^commit ${big} of `));
  t.regex(err.message, /the file "data\/zeros\.bin" \(2 MiB\) is larger than git\.maxBlobBytes \(1 MiB\)/);
  t.deepEqual(readdirSync(snapshots.dir), [], 'nothing written, nothing left behind');
});

test('a commit with more files than git.maxFiles is refused before a file is written', async (t) => {
  const fx = await gitFixture();
  t.teardown(() => fx.close());
  const files: Record<string, string> = {};
  for (let i = 0; i < 60; i++) files[`dir${i % 3}/file${i}.yaml`] = `n: ${i}\n`;
  fx.work.commit(files);
  fx.work.push();
  const limits = { maxFiles: 50 };
  const err = await failsWith(t, fx.source({ limits }).sync(), 'GIT_LIMIT_EXCEEDED');
  t.regex(err.message, /it has more files than git\.maxFiles \(50\)/);
  t.like(err.data, { limit: 'git.maxFiles', max: 50 });
  t.deepEqual(readdirSync(fx.snapshots.dir), []);
  // The next commit removes the surplus: the same source syncs it.
  fx.work.commit(
    Object.fromEntries(
      Object.keys(files)
        .slice(0, 30)
        .map((f) => [f, null]),
    ),
  );
  await goodRepoSyncs(t, fx, limits);
});

test('a commit whose files add up to more than git.maxSnapshotBytes is refused before a file is written', async (t) => {
  const fx = await gitFixture();
  t.teardown(() => fx.close());
  const files: Record<string, string> = {};
  // Ten different 200 KiB files: 2 MiB in all, each under the file limit.
  for (let i = 0; i < 10; i++) files[`f${i}.txt`] = `${i}`.repeat(200 * 1024);
  fx.work.commit(files);
  fx.work.push();
  const limits = { maxSnapshotBytes: 1 * MiB, maxBlobBytes: 512 * 1024 };
  const err = await failsWith(t, fx.source({ limits }).sync(), 'GIT_LIMIT_EXCEEDED');
  t.regex(err.message, /its files add up to more than git\.maxSnapshotBytes \(1 MiB\)/);
  t.deepEqual(readdirSync(fx.snapshots.dir), []);
  fx.work.commit(Object.fromEntries(Object.keys(files).map((f) => [f, null])));
  await goodRepoSyncs(t, fx, limits);
});

for (const [where, at] of [
  ['in an object', (pack: Buffer) => Math.floor(pack.length / 2)],
  ['in its checksum', (pack: Buffer) => pack.length - 3],
] as const) {
  test(`a pack with a flipped byte ${where} is GIT_PACK_INVALID and nothing of it is kept`, async (t) => {
    const fx = await gitFixture();
    t.teardown(() => fx.close());
    const commit = fx.work.commit({ 'app.yaml': 'kind: ConfigMap\n'.repeat(500), 'b.yaml': 'x: 1\n' });
    const pack = packOf(fx.work.dir);
    pack[at(pack)] ^= 0x20;
    const server = await UploadPackServer.start({ commit, pack: () => [pack] });
    t.teardown(() => server.close());
    const cacheDir = path.join(fx.tmp, 'cache');
    const source = new GitSource({ url: server.url, cacheDir, snapshots: fx.snapshots });
    const err = await failsWith(t, source.sync(), 'GIT_PACK_INVALID');
    t.regex(err.message, new RegExp(`^the Git server for ${server.url} sent an invalid pack: `));
    t.notRegex(err.message, /internal error|please report/i);
    // No pack of it was stored: a later fetch does not trip over it.
    const mirrors = readdirSync(cacheDir);
    for (const m of mirrors) t.deepEqual(readdirSync(path.join(cacheDir, m, 'objects', 'pack')), []);
    fx.work.push();
    await goodRepoSyncs(t, fx, {});
  });
}

test('a pack that stops arriving half-way is GIT_UNREACHABLE (transient), not a limit or a bad pack', async (t) => {
  const fx = await gitFixture();
  t.teardown(() => fx.close());
  const commit = fx.work.commit({ 'app.yaml': 'kind: ConfigMap\n' });
  const pack = packOf(fx.work.dir);
  const server = await UploadPackServer.start({
    commit,
    pack: async function* () {
      yield pack.subarray(0, pack.length >> 1);
      await new Promise(() => undefined);
    },
  });
  t.teardown(() => server.close());
  const source = new GitSource({
    url: server.url,
    cacheDir: path.join(fx.tmp, 'cache'),
    snapshots: fx.snapshots,
    timeoutMs: 1000,
  });
  const e = (await t.throwsAsync(source.sync())) as CapstanError;
  t.is(e.code, 'GIT_UNREACHABLE', e.message);
  t.true(isTransientGitError(e));
});

test('the daemon records a revision over a limit as failed, renders nothing, and does not retry it', async (t) => {
  const fx = await gitFixture({ auth: false });
  t.teardown(() => fx.close());
  const over = fx.work.commit({
    'app.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: a }\n',
    'zeros.bin': '\0'.repeat(2 * MiB),
  });
  fx.work.push();
  const capstan = await startCapstan({
    dataDir: path.join(fx.tmp, 'capstan'),
    port: 0,
    token: 't',
    runtime: 'simulated',
    server: false,
    config: {
      server: {},
      queue: {},
      webhooks: { secrets: {} },
      git: { maxBlobBytes: 1 * MiB },
      applications: [
        {
          name: 'shop',
          source: { repoURL: fx.url, targetRevision: 'HEAD', path: '.' },
          namespace: 'default',
          syncPolicy: { prune: true, selfHeal: false, autoRollback: true },
        },
      ],
    },
  });
  t.teardown(() => capstan.close());
  const daemon = capstan.daemon!;
  const APPS = { group: 'capstan.dev', version: 'v1alpha1', resource: 'applications' };
  const application = () => capstan.controlPlane.api.get(APPS, undefined, 'shop') as unknown as Application;
  const finished = () => daemon.state.syncs('shop').filter((s) => s.finishedAt !== undefined);

  const [sync] = await eventually(() => finished().length > 0 && finished(), 90_000, 100);
  t.like(sync, { result: 'Failed', revision: over });
  t.regex(sync.message ?? '', /git\.maxBlobBytes \(1 MiB\).*\[GIT_LIMIT_EXCEEDED\]$/);
  t.is(daemon.renderStats().renders, 0);
  const status = await eventually(
    () => application().status?.failedRevision && application().status,
    90_000,
    100,
  );
  t.is(status.failedRevision!.revision, over);
  t.like(
    status.conditions?.find((c) => c.type === 'Stalled'),
    { status: 'True' },
  );

  // a change of the spec (not of its source) makes it reconcile again: the failed revision
  // is not fetched again
  const patched = (await capstan.controlPlane.api.patch(APPS, undefined, 'shop', 'merge', {
    spec: { healthTimeout: '5m' },
  })) as unknown as Application;
  await eventually(
    () => application().status?.observedGeneration === patched.metadata.generation,
    90_000,
    100,
  );
  t.is(finished().length, 1);
  t.is(daemon.renderStats().renders, 0);
  t.is(application().status?.failedRevision?.revision, over);
});

test('invalid limits are refused with GIT_INVALID_OPTION', (t) => {
  for (const bad of [0, -1, 1.5, Number.NaN]) {
    const e = t.throws(
      () =>
        new GitSource({
          url: 'http://x/r.git',
          cacheDir: '/tmp',
          snapshots: {} as SnapshotStore,
          limits: { maxFiles: bad },
        }),
    );
    t.is((e as CapstanError).code, 'GIT_INVALID_OPTION');
  }
});
