/**
 * GitHub and Gitea: the same payloads (Gitea copied GitHub's), signed differently.
 * GitHub: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>`, event in
 * `X-GitHub-Event`, delivery id in `X-GitHub-Delivery`.
 * Gitea: `X-Gitea-Signature: <hex HMAC-SHA256>`, `X-Gitea-Event`, `X-Gitea-Delivery`.
 */
import type { WebhookProviderName } from '../../core/index.js';
import {
  eventsOf,
  headerOf,
  type PullRequestAction,
  type WebhookEvent,
  type WebhookProvider,
} from './event.js';
import { changedFiles, jsonPayload, liveSha, obj, splitRef, str, strings } from './payload.js';
import { verifyHmacSha256 } from './signature.js';

function parseGithubLike(event: string | undefined, payload: unknown): WebhookEvent | undefined {
  const p = obj(payload);
  const repo = obj(p.repository);
  const repoUrls = strings(repo.clone_url, repo.html_url, repo.ssh_url, repo.git_url, repo.url);
  if (event === 'push') {
    return {
      kind: 'push',
      repoUrls,
      ...splitRef(str(p.ref)),
      revision: liveSha(p.after),
      deleted: p.deleted === true || liveSha(p.after) === undefined,
      changedPaths: changedFiles(p.commits),
      defaultBranch: str(repo.default_branch),
    };
  }
  if (event === 'pull_request') {
    const pr = obj(p.pull_request);
    const action = prAction(str(p.action), pr.merged === true);
    if (!action) return undefined;
    return {
      kind: 'pull_request',
      repoUrls,
      action,
      number: Number(p.number ?? pr.number),
      title: str(pr.title),
      headBranch: str(obj(pr.head).ref) ?? '',
      headSha: str(obj(pr.head).sha),
      baseBranch: str(obj(pr.base).ref) ?? '',
      url: str(pr.html_url),
    };
  }
  return undefined;
}

/** GitHub says `synchronize`, Gitea `synchronized`; a closed and merged PR is `merged`. */
function prAction(action: string | undefined, merged: boolean): PullRequestAction | undefined {
  switch (action) {
    case 'opened':
    case 'reopened':
      return action;
    case 'synchronize':
    case 'synchronized':
      return 'synchronize';
    case 'closed':
      return merged ? 'merged' : 'closed';
    default:
      return undefined;
  }
}

/** The headers a GitHub-like host names its signature, event and delivery id in. */
function githubLike(
  provider: WebhookProviderName,
  names: { signature: string; prefix: 'sha256=' | ''; event: string; delivery: string },
): WebhookProvider {
  return (headers, body, secret) => {
    verifyHmacSha256(provider, headers, body, secret, names.signature, names.prefix);
    const event = parseGithubLike(headerOf(headers, names.event), jsonPayload(body));
    return eventsOf(event, headerOf(headers, names.delivery));
  };
}

export const github = githubLike('github', {
  signature: 'x-hub-signature-256',
  prefix: 'sha256=',
  event: 'x-github-event',
  delivery: 'x-github-delivery',
});

export const gitea = githubLike('gitea', {
  signature: 'x-gitea-signature',
  prefix: '',
  event: 'x-gitea-event',
  delivery: 'x-gitea-delivery',
});
