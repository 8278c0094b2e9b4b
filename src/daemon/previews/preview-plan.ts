/**
 * Which pull requests have a preview, from the open ones and what the PreviewSet recorded
 * before: pure, so every rule is a table test. The TTL counts from the last push (the first
 * time Capstan saw the head commit); the cap keeps the most recently pushed and removes the
 * one idle longest first.
 *
 * Worked example, maxPreviews 2, ttl 72h, now Monday 12:00: #1 pushed Friday 09:00 (75 h
 * ago: Expired), #2 pushed Monday 08:00, #3 Sunday 20:00, #4 opened now → #4 and #2 are
 * Active, #3 is Evicted (idle longest of the three left). A push to #3 makes it the newest:
 * #3 and #4 Active, #2 Evicted. Closing #4 frees a slot: #2 comes back.
 */
import type { PreviewRecord } from '../../core/index.js';
import { previewName, type OpenPullRequest } from './preview-settings.js';

export interface PlanInput {
  set: string;
  ttlMs: number;
  maxPreviews: number;
  /** the open pull requests into the base branch, as last known */
  open: readonly OpenPullRequest[];
  /** the PreviewSet's status.previews */
  records: readonly PreviewRecord[];
  now: Date;
}

export interface PreviewPlan {
  /** the records to keep, by number */
  records: PreviewRecord[];
  /** the pull requests to deploy (their Applications created or moved to the head commit) */
  deploy: OpenPullRequest[];
  /** the numbers whose preview must not exist (closed, expired, evicted) */
  remove: number[];
  /** ms until the next Active preview expires; undefined when none is Active */
  nextExpiryMs?: number;
}

export function planPreviews(input: PlanInput): PreviewPlan {
  const { now } = input;
  const previous = new Map(input.records.map((r) => [r.number, r]));
  const stamp = now.toISOString();
  const open = new Map<number, PreviewRecord>();
  for (const pr of input.open) {
    const prev = previous.get(pr.number);
    const pushed = !prev || prev.headSha !== pr.headSha || prev.state === 'Closed';
    const record: PreviewRecord = {
      number: pr.number,
      headSha: pr.headSha,
      ...(pr.headBranch ? { headBranch: pr.headBranch } : {}),
      ...(pr.title ? { title: pr.title } : {}),
      ...(pr.url ? { url: pr.url } : {}),
      pushedAt: pushed ? stamp : prev.pushedAt,
      state: 'Active',
      ...(prev?.previewURL && !pushed ? { previewURL: prev.previewURL } : {}),
      ...(prev?.commentDigest ? { commentDigest: prev.commentDigest } : {}),
    };
    if (now.getTime() - Date.parse(record.pushedAt) >= input.ttlMs) record.state = 'Expired';
    open.set(pr.number, record);
  }
  // the cap: the most recently pushed stay, the one idle longest goes first
  const live = [...open.values()]
    .filter((r) => r.state === 'Active')
    .sort((a, b) => Date.parse(b.pushedAt) - Date.parse(a.pushedAt) || b.number - a.number);
  for (const r of live.slice(input.maxPreviews)) r.state = 'Evicted';

  const records: PreviewRecord[] = [...open.values()];
  for (const prev of input.records) {
    if (open.has(prev.number)) continue;
    const { application: _gone, ...closed } = prev;
    records.push({ ...closed, state: 'Closed' });
  }
  records.sort((a, b) => a.number - b.number);
  for (const r of records) {
    if (r.state === 'Active') r.application = previewName(input.set, r.number);
    else delete r.application;
  }
  const byNumber = new Map(input.open.map((pr) => [pr.number, pr]));
  const active = records.filter((r) => r.state === 'Active');
  const expiries = active.map((r) => Date.parse(r.pushedAt) + input.ttlMs - now.getTime());
  return {
    records,
    deploy: active.map((r) => byNumber.get(r.number)!),
    remove: records.filter((r) => r.state !== 'Active').map((r) => r.number),
    ...(expiries.length ? { nextExpiryMs: Math.max(0, Math.min(...expiries)) } : {}),
  };
}
