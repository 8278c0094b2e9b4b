/** Which pull requests have a preview: the TTL since the last push, the cap, closed ones. */
import test from 'ava';
import type { PreviewRecord } from '../../../src/core/index.js';
import { planPreviews } from '../../../src/daemon/previews/preview-plan.js';
import { OpenPullRequests } from '../../../src/daemon/previews/open-pull-requests.js';

const H = 3_600_000;
const NOW = new Date('2024-05-06T12:00:00Z'); // Monday 12:00
const ago = (hours: number) => new Date(NOW.getTime() - hours * H).toISOString();
const pr = (number: number, headSha = `sha${number}`) => ({ number, headSha });
const record = (
  number: number,
  pushedHoursAgo: number,
  extra: Partial<PreviewRecord> = {},
): PreviewRecord => ({
  number,
  headSha: `sha${number}`,
  pushedAt: ago(pushedHoursAgo),
  state: 'Active',
  ...extra,
});
const plan = (open: { number: number; headSha: string }[], records: PreviewRecord[], maxPreviews = 10) =>
  planPreviews({ set: 'shop', ttlMs: 72 * H, maxPreviews, open, records, now: NOW });
const states = (p: ReturnType<typeof planPreviews>) =>
  Object.fromEntries(p.records.map((r) => [r.number, r.state]));

test('a new pull request is Active from now, named <set>-pr-<n>', (t) => {
  const p = plan([pr(7)], []);
  t.like(p.records[0], { number: 7, state: 'Active', pushedAt: NOW.toISOString(), application: 'shop-pr-7' });
  t.deepEqual(p.deploy, [pr(7)]);
  t.deepEqual(p.remove, []);
  t.is(p.nextExpiryMs, 72 * H);
});

test('the worked example: the TTL, then the cap removes the one idle longest', (t) => {
  const records = [record(1, 75), record(2, 4), record(3, 16)];
  const p = plan([pr(1), pr(2), pr(3), pr(4)], records, 2);
  t.deepEqual(states(p), { 1: 'Expired', 2: 'Active', 3: 'Evicted', 4: 'Active' });
  t.deepEqual(p.deploy.map((d) => d.number).sort(), [2, 4]);
  t.deepEqual(p.remove, [1, 3]);
  t.is(p.nextExpiryMs, (72 - 4) * H, 'the next expiry is #2');
});

test('a push (a new head) restarts the TTL and brings an expired or evicted preview back', (t) => {
  const records = [record(1, 75, { state: 'Expired' }), record(2, 4), record(3, 16, { state: 'Evicted' })];
  const p = plan([pr(1, 'new1'), pr(2), pr(3, 'new3')], records, 2);
  t.deepEqual(states(p), { 1: 'Active', 2: 'Evicted', 3: 'Active' });
  t.is(p.records[0].pushedAt, NOW.toISOString());
});

test('closing one frees a slot: the evicted one idle least long comes back', (t) => {
  const records = [record(2, 4, { state: 'Evicted' }), record(3, 16, { state: 'Evicted' }), record(4, 1)];
  const p = plan([pr(2), pr(3)], records, 1);
  t.deepEqual(states(p), { 2: 'Active', 3: 'Evicted', 4: 'Closed' });
  t.deepEqual(p.remove, [3, 4]);
  t.is(p.records.find((r) => r.number === 4)?.application, undefined);
});

test('a pull request closed and reopened at the same head starts a new TTL; its comment digest is kept', (t) => {
  const p = plan([pr(5)], [record(5, 80, { state: 'Closed', commentDigest: 'abc' })]);
  t.like(p.records[0], { state: 'Active', pushedAt: NOW.toISOString(), commentDigest: 'abc' });
});

test('the preview URL is kept at the same head and dropped on a push', (t) => {
  const kept = plan([pr(1)], [record(1, 1, { previewURL: 'http://x/' })]);
  t.is(kept.records[0].previewURL, 'http://x/');
  const pushed = plan([pr(1, 'other')], [record(1, 1, { previewURL: 'http://x/' })]);
  t.is(pushed.records[0].previewURL, undefined);
});

test('OpenPullRequests: a list replaces what webhooks said before it was asked for, not after', (t) => {
  const book = new OpenPullRequests();
  book.seed([pr(1), pr(2)]);
  book.event(pr(3), true, 100); // opened while the list was on its way
  book.event(pr(2), false, 120); // closed meanwhile
  book.list([pr(1, 'moved'), pr(2), pr(4)], 50);
  t.deepEqual(book.open(), [pr(1, 'moved'), pr(3), pr(4)]);
  // a later list, asked after both events, is the truth
  book.list([pr(4)], 200);
  t.deepEqual(book.open(), [pr(4)]);
  // seeding never overrides what is known
  book.seed([pr(4, 'stale')]);
  t.deepEqual(book.open(), [pr(4)]);
});
