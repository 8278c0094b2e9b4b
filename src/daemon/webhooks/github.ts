/**
 * GitHub and Gitea: the same payloads (Gitea copied GitHub's), signed differently.
 * GitHub: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>`, event in
 * `X-GitHub-Event`, delivery id in `X-GitHub-Delivery`.
 * Gitea: `X-Gitea-Signature: <hex HMAC-SHA256>`, `X-Gitea-Event`, `X-Gitea-Delivery`.
 */
import type { PullRequestAction, WebhookEvent, WebhookProvider, WebhookRequest } from './event.js';
import { changedFiles, liveSha, obj, splitRef, str, strings } from './payload.js';
import { validHmacSha256 } from './signature.js';

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

const header = (req: WebhookRequest, name: string) => req.headers[name];

export const github: WebhookProvider = {
  name: 'github',
  verify: (req, secret) => validHmacSha256(secret, req.body, header(req, 'x-hub-signature-256'), 'sha256='),
  deliveryId: (req) => header(req, 'x-github-delivery'),
  parse: (req, payload) => parseGithubLike(header(req, 'x-github-event'), payload),
};

export const gitea: WebhookProvider = {
  name: 'gitea',
  verify: (req, secret) => validHmacSha256(secret, req.body, header(req, 'x-gitea-signature'), ''),
  deliveryId: (req) => header(req, 'x-gitea-delivery'),
  parse: (req, payload) => parseGithubLike(header(req, 'x-gitea-event'), payload),
};
