/**
 * What Capstan asks of a Git hosting provider's REST API (issue 12): commit statuses,
 * pull requests it opens (promotions, reverts), the one comment it keeps updated on a
 * pull request, and the list of open pull requests (previews). One implementation per
 * provider over its maintained client; every call is retried with backoff and respects
 * the provider's rate-limit headers (see retry.ts). Nothing here knows applications.
 */

/** The providers Capstan writes to (the webhook receivers also know `generic`, which has no API). */
export const API_PROVIDERS = ['github', 'gitlab', 'gitea', 'bitbucket'] as const;
export type ApiProviderName = (typeof API_PROVIDERS)[number];

/** A commit status's state, in Capstan's words; each provider maps it to its own. */
export type CommitState = 'pending' | 'success' | 'failure' | 'error';

export interface CommitStatus {
  sha: string;
  state: CommitState;
  /** Names the status among others on the commit, e.g. `capstan/shop-prod`; one per context. */
  context: string;
  /** One line, cut to what the provider accepts (GitHub: 140 characters). */
  description: string;
  targetUrl?: string;
}

export type PullRequestState = 'open' | 'closed' | 'merged';

export interface PullRequest {
  number: number;
  url: string;
  state: PullRequestState;
  title: string;
  headBranch: string;
  headSha: string;
  baseBranch: string;
}

export interface PullRequestDraft {
  /** The branch to merge (already pushed). */
  head: string;
  /** The branch to merge into. */
  base: string;
  title: string;
  body: string;
}

/** The open pull requests, or `unchanged` when the provider said 304 to the last ETag. */
export type PullRequestList = { unchanged: true } | { unchanged: false; pulls: PullRequest[] };

export interface GitProvider {
  readonly name: ApiProviderName;
  setCommitStatus(status: CommitStatus): Promise<void>;
  /**
   * Opens a pull request from `draft.head` into `draft.base`, or, when one is already
   * open between them, updates its title and body; returns it either way.
   */
  openPullRequest(draft: PullRequestDraft): Promise<PullRequest>;
  /** The open pull request from `head` into `base`, if any. */
  findOpenPullRequest(head: string, base: string): Promise<PullRequest | undefined>;
  /**
   * The open pull requests (into `base` when given). Sends the ETag of the previous
   * answer, so an unchanged list costs no rate limit where the provider supports it.
   */
  listOpenPullRequests(base?: string): Promise<PullRequestList>;
  /**
   * Keeps one comment per `marker` on pull request `number`: the comment whose body
   * contains the marker (an HTML comment such as `<!-- capstan:preview:shop -->`) is
   * edited; if there is none, one is posted. Never posts a second one.
   */
  upsertComment(number: number, marker: string, body: string): Promise<{ id: string; created: boolean }>;
}

/** How to reach one repository on one provider. */
export interface ProviderOptions {
  provider: ApiProviderName;
  /**
   * The API's base URL: https://api.github.com, https://gitlab.com/api/v4,
   * https://gitea.example/api/v1, https://api.bitbucket.org/2.0 — or a test stand-in.
   */
  apiUrl: string;
  /** `owner/name` (GitHub, Gitea, Bitbucket: workspace/slug) or the project path (GitLab: group/sub/name). */
  repository: string;
  /** A token with the rights to push statuses, pull requests and comments. */
  token: string;
  /** Retries after a 5xx, a network error or a rate limit; default 4. */
  retries?: number;
  /** The longest wait Capstan accepts from a rate-limit header before giving up, ms; default 60,000. */
  maxWaitMs?: number;
}
