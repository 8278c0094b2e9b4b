/**
 * Gitea (and Forgejo, its fork with the same API v1) over gitea-js, the client generated from
 * Gitea's OpenAPI document; `baseUrl` = apiUrl (…/api/v1), the token sent as
 * `Authorization: token …`, every call retried by withRetries. gitea-js throws the fetch
 * Response for any answer that is not 2xx (a 304 included), which describeFailure reads.
 * - Commit statuses: POST /repos/{owner}/{repo}/statuses/{sha}, description cut to 255.
 * - Pull requests: Gitea's list has no head filter, so the open ones are read and matched by
 *   head and base branch; created, edited (title and body).
 * - The kept comment is an issue comment (GET /repos/{owner}/{repo}/issues/{n}/comments
 *   answers every comment at once), found by its marker and edited.
 * - Open pull requests are listed with If-None-Match per page; a server that sends no ETag
 *   (Gitea's API lists have none today) simply answers 200 and the list reads as changed.
 */
import { Api } from 'gitea-js';
import { CapstanError } from '../core/index.js';
import { EtagPages, PageTally } from './etag-pages.js';
import { providerError } from './errors.js';
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

/** Gitea keeps a status's description in a 255-character column on some databases. */
const DESCRIPTION_MAX = 255;
/** Gitea's default largest page (`[api] MAX_RESPONSE_ITEMS`). */
const PER_PAGE = 50;

/** The fields Capstan reads from Gitea's pull request JSON. */
interface PullJson {
  number?: number;
  html_url?: string;
  state?: string;
  merged?: boolean;
  title?: string;
  head?: { ref?: string; sha?: string };
  base?: { ref?: string };
}

interface ListedPage {
  pulls: PullJson[];
  link: string;
  notModified: boolean;
}

export class GiteaProvider implements GitProvider {
  readonly name = 'gitea' as const;
  readonly #owner: string;
  readonly #repo: string;
  readonly #token: string;
  readonly #policy: RetryPolicy;
  readonly #api: Api<unknown>;
  readonly #listPages = new EtagPages();

  /** `policy` overrides retries and waits (tests pass a `sleep` that records). */
  constructor(options: ProviderOptions, policy: RetryPolicy = {}) {
    const names = requireOwnerAndName('gitea', options.repository);
    this.#owner = names.owner;
    this.#repo = names.repo;
    this.#token = options.token;
    this.#policy = { retries: options.retries, maxWaitMs: options.maxWaitMs, ...policy };
    // giteaApi() would append /api/v1 to a host; Capstan's apiUrl already names the API root.
    this.#api = new Api({
      baseUrl: options.apiUrl.replace(/\/+$/, ''),
      baseApiParams: { format: 'json', headers: { Authorization: `token ${options.token}` } },
    });
  }

  async setCommitStatus(status: CommitStatus): Promise<void> {
    await this.#call('POST', `${this.#base}/statuses/${status.sha}`, () =>
      this.#api.repos.repoCreateStatus(this.#owner, this.#repo, status.sha, {
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
        this.#api.repos.repoCreatePullRequest(this.#owner, this.#repo, {
          head: draft.head,
          base: draft.base,
          title: draft.title,
          body: draft.body,
        }),
      );
      return pullRequestOf(created.data);
    } catch (e) {
      // 409 "pull request already exists": opened by someone else since the look above
      if (!(e instanceof CapstanError && e.data.status === 409)) throw e;
      const raced = await this.findOpenPullRequest(draft.head, draft.base);
      if (!raced) throw e;
      return this.#edit(raced.number, draft);
    }
  }

  async findOpenPullRequest(head: string, base: string): Promise<PullRequest | undefined> {
    for (let page = 1; ; page++) {
      const got = await this.#call('GET', `${this.#base}/pulls`, () => this.#listPage(page, undefined));
      const match = got.pulls.find((p) => p.head?.ref === head && p.base?.ref === base);
      if (match) return pullRequestOf(match);
      if (!hasNextPage(got.link, got.pulls.length)) return undefined;
    }
  }

  async listOpenPullRequests(base?: string): Promise<PullRequestList> {
    const tally = new PageTally();
    const pulls: PullRequest[] = [];
    for (let page = 1; ; page++) {
      // the base is filtered here, not by Gitea, but "unchanged" answers the same question
      const key = `${this.#base}/pulls?state=open&base=${base ?? ''}&page=${page}`;
      const got = await this.#call('GET', `${this.#base}/pulls`, () => this.#listPage(page, key));
      tally.pages++;
      if (got.notModified) tally.notModified++;
      pulls.push(...got.pulls.filter((p) => !base || p.base?.ref === base).map(pullRequestOf));
      if (!hasNextPage(got.link, got.pulls.length)) break;
    }
    return tally.unchanged ? { unchanged: true } : { unchanged: false, pulls };
  }

  async upsertComment(
    number: number,
    marker: string,
    body: string,
  ): Promise<{ id: string; created: boolean }> {
    const text = withMarker(marker, body);
    const commentsPath = `${this.#base}/issues/${number}/comments`;
    const comments = await this.#call('GET', commentsPath, () =>
      this.#api.repos.issueGetComments(this.#owner, this.#repo, number),
    );
    const mine = (comments.data ?? []).find((c) => typeof c.body === 'string' && c.body.includes(marker));
    if (mine?.id !== undefined) {
      const id = mine.id;
      await this.#call('PATCH', `${this.#base}/issues/comments/${id}`, () =>
        this.#api.repos.issueEditComment(this.#owner, this.#repo, id, { body: text }),
      );
      return { id: String(id), created: false };
    }
    const posted = await this.#call('POST', commentsPath, () =>
      this.#api.repos.issueCreateComment(this.#owner, this.#repo, number, { body: text }),
    );
    return { id: String(posted.data.id), created: true };
  }

  get #base(): string {
    return `/repos/${this.#owner}/${this.#repo}`;
  }

  /**
   * One page of open pull requests. With a `key`, sent with that page's last ETag and a 304
   * answered from the kept page; without one, a plain read.
   */
  async #listPage(page: number, key: string | undefined): Promise<ListedPage> {
    try {
      const answer = await this.#api.repos.repoListPullRequests(
        this.#owner,
        this.#repo,
        { state: 'open', page, limit: PER_PAGE },
        { headers: key ? this.#listPages.conditionFor(key) : {} },
      );
      const link = answer.headers.get('link') ?? '';
      if (key) this.#listPages.keep(key, answer.headers.get('etag'), answer.data, { link });
      return { pulls: answer.data ?? [], link, notModified: false };
    } catch (e) {
      const kept = key ? this.#listPages.kept(key) : undefined;
      if (!kept || (e as { status?: unknown }).status !== 304) throw e;
      return { pulls: kept.body as PullJson[], link: kept.headers.link ?? '', notModified: true };
    }
  }

  async #edit(number: number, draft: PullRequestDraft): Promise<PullRequest> {
    const edited = await this.#call('PATCH', `${this.#base}/pulls/${number}`, () =>
      this.#api.repos.repoEditPullRequest(this.#owner, this.#repo, number, {
        title: draft.title,
        body: draft.body,
      }),
    );
    return pullRequestOf(edited.data);
  }

  #call<T>(method: string, path: string, call: () => Promise<T>): Promise<T> {
    return withRetries(call, { ...this.#policy, provider: 'gitea', method, path, secrets: [this.#token] });
  }
}

/** Gitea sends a `Link` header with `rel="next"`; without one, a full page means there may be more. */
function hasNextPage(link: string, count: number): boolean {
  return link ? /rel="next"/.test(link) : count >= PER_PAGE;
}

function pullRequestOf(pull: PullJson): PullRequest {
  if (typeof pull.number !== 'number' || !pull.head?.ref || !pull.base?.ref) {
    throw providerError('PROVIDER_BAD_RESPONSE', 'gitea: a pull request without number, head or base', {
      provider: 'gitea',
    });
  }
  return {
    number: pull.number,
    url: pull.html_url ?? '',
    state: pull.merged ? 'merged' : pull.state === 'closed' ? 'closed' : 'open',
    title: pull.title ?? '',
    headBranch: pull.head.ref,
    headSha: pull.head.sha ?? '',
    baseBranch: pull.base.ref,
  };
}
