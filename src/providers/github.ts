/**
 * GitHub (github.com or Enterprise Server, REST API v3) over @octokit/rest, `baseUrl` = apiUrl,
 * every call retried by withRetries (Octokit's retry and throttling plugins are not loaded:
 * one retry policy for every provider).
 * - Commit statuses: POST /repos/{owner}/{repo}/statuses/{sha}; GitHub refuses a description
 *   over 140 characters, so it is cut.
 * - Pull requests: found by `head=owner:branch` and `base`, created, edited (title and body).
 * - The kept comment is an issue comment on the pull request, found by its marker (every
 *   page read) and edited.
 * - Open pull requests are listed with If-None-Match per page: GitHub answers 304 for an
 *   unchanged page, and a 304 does not count against the rate limit.
 */
import { Octokit } from '@octokit/rest';
import { CapstanError } from '../core/index.js';
import { EtagPages, PageTally } from './etag-pages.js';
import { withRetries, type RetryPolicy } from './retry.js';
import { oneLine, requireOwnerAndName, withMarker } from './text.js';
import type {
  CommitStatus,
  GitProvider,
  ProviderOptions,
  PullRequest,
  PullRequestDraft,
  PullRequestList,
} from './types.js';

/** GitHub's limit on a commit status's description. */
const DESCRIPTION_MAX = 140;
/** GitHub's largest page. */
const PER_PAGE = 100;

/** The fields Capstan reads from GitHub's pull request JSON. */
interface PullJson {
  number: number;
  html_url: string;
  state: string;
  merged_at?: string | null;
  title: string;
  head: { ref: string; sha: string };
  base: { ref: string };
}

const SILENT = { debug() {}, info() {}, warn() {}, error() {} };

export class GitHubProvider implements GitProvider {
  readonly name = 'github' as const;
  readonly #owner: string;
  readonly #repo: string;
  readonly #token: string;
  readonly #policy: RetryPolicy;
  readonly #octokit: Octokit;
  readonly #listPages = new EtagPages();

  /** `policy` overrides retries and waits (tests pass a `sleep` that records). */
  constructor(options: ProviderOptions, policy: RetryPolicy = {}) {
    const names = requireOwnerAndName('github', options.repository);
    this.#owner = names.owner;
    this.#repo = names.repo;
    this.#token = options.token;
    this.#policy = { retries: options.retries, maxWaitMs: options.maxWaitMs, ...policy };
    this.#octokit = new Octokit({
      auth: options.token,
      baseUrl: options.apiUrl.replace(/\/+$/, ''),
      userAgent: 'capstan',
      log: SILENT,
    });
  }

  async setCommitStatus(status: CommitStatus): Promise<void> {
    await this.#call('POST', `${this.#base}/statuses/${status.sha}`, () =>
      this.#octokit.rest.repos.createCommitStatus({
        owner: this.#owner,
        repo: this.#repo,
        sha: status.sha,
        state: status.state,
        context: status.context,
        description: oneLine(status.description, DESCRIPTION_MAX),
        ...(status.targetUrl ? { target_url: status.targetUrl } : {}),
      }),
    );
  }

  async openPullRequest(draft: PullRequestDraft): Promise<PullRequest> {
    const open = await this.findOpenPullRequest(draft.head, draft.base);
    if (open) return this.#edit(open.number, draft);
    try {
      const created = await this.#call('POST', `${this.#base}/pulls`, () =>
        this.#octokit.rest.pulls.create({
          owner: this.#owner,
          repo: this.#repo,
          head: draft.head,
          base: draft.base,
          title: draft.title,
          body: draft.body,
        }),
      );
      return pullRequestOf(created.data);
    } catch (e) {
      // "A pull request already exists": opened by someone else since the look above
      if (!(e instanceof CapstanError && e.data.status === 422)) throw e;
      const raced = await this.findOpenPullRequest(draft.head, draft.base);
      if (!raced) throw e;
      return this.#edit(raced.number, draft);
    }
  }

  async findOpenPullRequest(head: string, base: string): Promise<PullRequest | undefined> {
    const found = await this.#call('GET', `${this.#base}/pulls`, () =>
      this.#octokit.rest.pulls.list({
        owner: this.#owner,
        repo: this.#repo,
        state: 'open',
        head: `${this.#owner}:${head}`,
        base,
        per_page: PER_PAGE,
      }),
    );
    const first = found.data[0];
    return first ? pullRequestOf(first) : undefined;
  }

  async listOpenPullRequests(base?: string): Promise<PullRequestList> {
    const tally = new PageTally();
    const pulls: PullRequest[] = [];
    for (let page = 1; ; page++) {
      const key = `${this.#base}/pulls?state=open&base=${base ?? ''}&page=${page}`;
      const got = await this.#call('GET', `${this.#base}/pulls`, () => this.#listPage(key, page, base));
      tally.pages++;
      if (got.notModified) tally.notModified++;
      pulls.push(...got.pulls.map(pullRequestOf));
      if (!hasNextPage(got.link)) break;
    }
    return tally.unchanged ? { unchanged: true } : { unchanged: false, pulls };
  }

  async upsertComment(
    number: number,
    marker: string,
    body: string,
  ): Promise<{ id: string; created: boolean }> {
    const text = withMarker(marker, body);
    const mine = await this.#findComment(number, marker);
    if (mine !== undefined) {
      await this.#call('PATCH', `${this.#base}/issues/comments/${mine}`, () =>
        this.#octokit.rest.issues.updateComment({
          owner: this.#owner,
          repo: this.#repo,
          comment_id: mine,
          body: text,
        }),
      );
      return { id: String(mine), created: false };
    }
    const posted = await this.#call('POST', `${this.#base}/issues/${number}/comments`, () =>
      this.#octokit.rest.issues.createComment({
        owner: this.#owner,
        repo: this.#repo,
        issue_number: number,
        body: text,
      }),
    );
    return { id: String(posted.data.id), created: true };
  }

  get #base(): string {
    return `/repos/${this.#owner}/${this.#repo}`;
  }

  /** One page of open pull requests: sent with the page's last ETag, a 304 answered from the kept page. */
  async #listPage(
    key: string,
    page: number,
    base: string | undefined,
  ): Promise<{ pulls: PullJson[]; link?: string; notModified: boolean }> {
    try {
      const answer = await this.#octokit.rest.pulls.list({
        owner: this.#owner,
        repo: this.#repo,
        state: 'open',
        ...(base ? { base } : {}),
        per_page: PER_PAGE,
        page,
        headers: this.#listPages.conditionFor(key),
      });
      const link = answer.headers.link ?? '';
      this.#listPages.keep(key, answer.headers.etag, answer.data, { link });
      return { pulls: answer.data as PullJson[], link, notModified: false };
    } catch (e) {
      const kept = this.#listPages.kept(key);
      if (!kept || (e as { status?: unknown }).status !== 304) throw e;
      return { pulls: kept.body as PullJson[], link: kept.headers.link, notModified: true };
    }
  }

  /** The id of the first comment on issue `number` whose body holds `marker`, reading every page. */
  async #findComment(number: number, marker: string): Promise<number | undefined> {
    for (let page = 1; ; page++) {
      const answer = await this.#call('GET', `${this.#base}/issues/${number}/comments`, () =>
        this.#octokit.rest.issues.listComments({
          owner: this.#owner,
          repo: this.#repo,
          issue_number: number,
          per_page: PER_PAGE,
          page,
        }),
      );
      const mine = answer.data.find((c) => typeof c.body === 'string' && c.body.includes(marker));
      if (mine) return mine.id;
      if (!hasNextPage(answer.headers.link)) return undefined;
    }
  }

  async #edit(number: number, draft: PullRequestDraft): Promise<PullRequest> {
    const edited = await this.#call('PATCH', `${this.#base}/pulls/${number}`, () =>
      this.#octokit.rest.pulls.update({
        owner: this.#owner,
        repo: this.#repo,
        pull_number: number,
        title: draft.title,
        body: draft.body,
      }),
    );
    return pullRequestOf(edited.data);
  }

  #call<T>(method: string, path: string, call: () => Promise<T>): Promise<T> {
    return withRetries(call, { ...this.#policy, provider: 'github', method, path, secrets: [this.#token] });
  }
}

/** GitHub pages with a `Link` header; the last page has no `rel="next"`. */
function hasNextPage(link: string | undefined): boolean {
  return !!link && /rel="next"/.test(link);
}

function pullRequestOf(pull: PullJson): PullRequest {
  return {
    number: pull.number,
    url: pull.html_url,
    state: pull.merged_at ? 'merged' : pull.state === 'closed' ? 'closed' : 'open',
    title: pull.title,
    headBranch: pull.head.ref,
    headSha: pull.head.sha,
    baseBranch: pull.base.ref,
  };
}
