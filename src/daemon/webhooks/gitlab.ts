/**
 * GitLab: the secret token is sent as is in `X-Gitlab-Token` (no HMAC); the event in
 * `X-Gitlab-Event` ("Push Hook", "Tag Push Hook", "Merge Request Hook"); a delivery id in
 * `X-Gitlab-Event-UUID`.
 */
import type { PullRequestAction, WebhookProvider } from './event.js';
import { changedFiles, liveSha, obj, splitRef, str, strings } from './payload.js';
import { validToken } from './signature.js';

const MR_ACTIONS: Record<string, PullRequestAction> = {
  open: 'opened',
  reopen: 'reopened',
  update: 'synchronize',
  close: 'closed',
  merge: 'merged',
};

export const gitlab: WebhookProvider = {
  name: 'gitlab',
  verify: (req, secret) => validToken(secret, req.headers['x-gitlab-token']),
  deliveryId: (req) => req.headers['x-gitlab-event-uuid'] ?? req.headers['x-gitlab-webhook-uuid'],
  parse(req, payload) {
    const p = obj(payload);
    const project = obj(p.project);
    const repository = obj(p.repository);
    const repoUrls = strings(
      project.git_http_url,
      project.web_url,
      project.git_ssh_url,
      repository.git_http_url,
      repository.homepage,
      repository.git_ssh_url,
    );
    const event = req.headers['x-gitlab-event'];
    if (event === 'Push Hook' || event === 'Tag Push Hook') {
      return {
        kind: 'push',
        repoUrls,
        ...splitRef(str(p.ref)),
        revision: liveSha(p.checkout_sha ?? p.after),
        deleted: liveSha(p.after) === undefined,
        changedPaths: changedFiles(p.commits),
        defaultBranch: str(project.default_branch),
      };
    }
    if (event === 'Merge Request Hook') {
      const mr = obj(p.object_attributes);
      const action = MR_ACTIONS[str(mr.action) ?? ''];
      if (!action) return undefined;
      return {
        kind: 'pull_request',
        repoUrls,
        action,
        number: Number(mr.iid),
        title: str(mr.title),
        headBranch: str(mr.source_branch) ?? '',
        headSha: str(obj(mr.last_commit).id),
        baseBranch: str(mr.target_branch) ?? '',
        url: str(mr.url),
      };
    }
    return undefined;
  },
};
