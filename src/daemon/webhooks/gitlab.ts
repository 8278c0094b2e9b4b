/**
 * GitLab: the secret token is sent as is in `X-Gitlab-Token` (no HMAC); the event in
 * `X-Gitlab-Event` ("Push Hook", "Tag Push Hook", "Merge Request Hook"); a delivery id in
 * `X-Gitlab-Event-UUID`.
 */
import {
  eventsOf,
  headerOf,
  type PullRequestAction,
  type WebhookEvent,
  type WebhookProvider,
} from './event.js';
import { changedFiles, jsonPayload, liveSha, obj, splitRef, str, strings } from './payload.js';
import { verifyToken } from './signature.js';

const MR_ACTIONS: Record<string, PullRequestAction> = {
  open: 'opened',
  reopen: 'reopened',
  update: 'synchronize',
  close: 'closed',
  merge: 'merged',
};

function parseGitlab(event: string | undefined, payload: unknown): WebhookEvent | undefined {
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
}

export const gitlab: WebhookProvider = (headers, body, secret) => {
  verifyToken('gitlab', headers, secret, 'x-gitlab-token');
  const event = parseGitlab(headerOf(headers, 'x-gitlab-event'), jsonPayload(body));
  return eventsOf(
    event,
    headerOf(headers, 'x-gitlab-event-uuid') ?? headerOf(headers, 'x-gitlab-webhook-uuid'),
  );
};
