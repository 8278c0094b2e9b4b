/**
 * Bitbucket Cloud and Bitbucket Data Center: `X-Hub-Signature: sha256=<hex HMAC-SHA256>`
 * (the GitHub header's name with SHA-256 in it), the event in `X-Event-Key`, a delivery id
 * in `X-Request-UUID` (Cloud) or `X-Request-Id` (Data Center). Neither lists the files a
 * push changed, so path filters cannot apply: such a push concerns every path.
 */
import {
  eventsOf,
  headerOf,
  type PullRequestAction,
  type WebhookEvent,
  type WebhookProvider,
} from './event.js';
import { arr, jsonPayload, obj, str, strings, type Json } from './payload.js';
import { verifyHmacSha256 } from './signature.js';

const CLOUD_PR: Record<string, PullRequestAction> = {
  'pullrequest:created': 'opened',
  'pullrequest:updated': 'synchronize',
  'pullrequest:fulfilled': 'merged',
  'pullrequest:rejected': 'closed',
};
const SERVER_PR: Record<string, PullRequestAction> = {
  'pr:opened': 'opened',
  'pr:from_ref_updated': 'synchronize',
  'pr:merged': 'merged',
  'pr:declined': 'closed',
  'pr:deleted': 'closed',
};

function repoUrlsOf(repo: Json): string[] {
  const links = obj(repo.links);
  const clone = arr(links.clone).map((c) => obj(c).href);
  const self = arr(links.self).map((c) => obj(c).href);
  return strings(obj(links.html).href, ...clone, ...self);
}

function parseCloud(event: string, p: Json): WebhookEvent | undefined {
  const repoUrls = repoUrlsOf(obj(p.repository));
  if (event === 'repo:push') {
    // one webhook may carry several ref changes: the last branch change is the push's
    for (const change of arr(obj(p.push).changes).reverse()) {
      const next = obj(obj(change).new);
      const name = str(next.name);
      if (!name) continue;
      const revision = str(obj(next.target).hash);
      return next.type === 'tag'
        ? { kind: 'push', repoUrls, tag: name, revision }
        : { kind: 'push', repoUrls, branch: name, revision };
    }
    return undefined;
  }
  const action = CLOUD_PR[event];
  if (!action) return undefined;
  const pr = obj(p.pullrequest);
  return {
    kind: 'pull_request',
    repoUrls,
    action,
    number: Number(pr.id),
    title: str(pr.title),
    headBranch: str(obj(obj(pr.source).branch).name) ?? '',
    headSha: str(obj(obj(pr.source).commit).hash),
    baseBranch: str(obj(obj(pr.destination).branch).name) ?? '',
    url: str(obj(obj(pr.links).html).href),
  };
}

function parseServer(event: string, p: Json): WebhookEvent | undefined {
  if (event === 'repo:refs_changed') {
    const repoUrls = repoUrlsOf(obj(p.repository));
    for (const change of arr(p.changes).reverse()) {
      const c = obj(change);
      const ref = obj(c.ref);
      const name = str(ref.displayId);
      if (!name || c.type === 'DELETE') continue;
      const revision = str(c.toHash);
      return ref.type === 'TAG'
        ? { kind: 'push', repoUrls, tag: name, revision }
        : { kind: 'push', repoUrls, branch: name, revision };
    }
    return undefined;
  }
  const action = SERVER_PR[event];
  if (!action) return undefined;
  const pr = obj(p.pullRequest);
  const from = obj(pr.fromRef);
  const to = obj(pr.toRef);
  return {
    kind: 'pull_request',
    repoUrls: repoUrlsOf(obj(to.repository)),
    action,
    number: Number(pr.id),
    title: str(pr.title),
    headBranch: str(from.displayId) ?? '',
    headSha: str(from.latestCommit),
    baseBranch: str(to.displayId) ?? '',
  };
}

export const bitbucket: WebhookProvider = (headers, body, secret) => {
  verifyHmacSha256('bitbucket', headers, body, secret, 'x-hub-signature', 'sha256=');
  const event = headerOf(headers, 'x-event-key') ?? '';
  const p = obj(jsonPayload(body));
  const parsed =
    'push' in p || event.startsWith('pullrequest:') ? parseCloud(event, p) : parseServer(event, p);
  return eventsOf(parsed, headerOf(headers, 'x-request-uuid') ?? headerOf(headers, 'x-request-id'));
};
