/**
 * Bitbucket Cloud (REST API 2.0) over plain fetch (bitbucket-http.ts says why), Bearer token
 * auth (a repository, project or workspace access token), every call retried by withRetries.
 * - Commit statuses: POST /repositories/{ws}/{slug}/commit/{sha}/statuses/build with `key` =
 *   the context; a second POST with the same key overwrites the status. Bitbucket wants a
 *   `url`: without a target URL, the commit's own page is given (a URI template Bitbucket fills).
 * - Pull requests: created, found (OPEN, by `q` on source and destination branch), updated (PUT).
 * - The kept comment is a pull request comment, found by its marker and edited (PUT).
 * - Open pull requests are listed with If-None-Match; Bitbucket documents no conditional
 *   requests, so the list is `unchanged` only if it ever answers 304.
 * Bitbucket gives a pull request's head commit abbreviated (12 hex digits) in its lists.
 * https://developer.atlassian.com/cloud/bitbucket/rest/api-group-commit-statuses/
 * https://developer.atlassian.com/cloud/bitbucket/rest/api-group-pullrequests/
 */
import { BitbucketHttp } from './bitbucket-http.js';
import { EtagPages, PageTally } from './etag-pages.js';
import { providerError } from './errors.js';
import { withRetries, type RetryPolicy } from './retry.js';
import { oneLine, requireOwnerAndName, withMarker } from './text.js';
import type {
  CommitState,
  CommitStatus,
  GitProvider,
  ProviderOptions,
  PullRequest,
  PullRequestDraft,
  PullRequestList,
  PullRequestState,
} from './types.js';

const STATE: Record<CommitState, 'INPROGRESS' | 'SUCCESSFUL' | 'FAILED'> = {
  pending: 'INPROGRESS',
  success: 'SUCCESSFUL',
  failure: 'FAILED',
  error: 'FAILED',
};
/** The description's length Bitbucket shows in full. */
const DESCRIPTION_MAX = 255;
/** Bitbucket's largest page of pull requests is 50; of comments, 100. */
const PULLS_PAGE = 50;
const COMMENTS_PAGE = 100;
/** Filled in by Bitbucket when it shows the status: the commit's page. */
const COMMIT_PAGE_TEMPLATE = 'https://bitbucket.org/{repository.full_name}/commits/{commit.hash}';

/** The fields Capstan reads from Bitbucket's pull request JSON. */
interface PullRequestJson {
  id: number;
  title: string;
  state: string;
  links?: { html?: { href?: string } };
  source: { branch: { name: string }; commit?: { hash?: string } | null };
  destination: { branch: { name: string } };
}

interface CommentJson {
  id: number;
  deleted?: boolean;
  content?: { raw?: string };
}

export class BitbucketProvider implements GitProvider {
  readonly name = 'bitbucket' as const;
  readonly #repo: string;
  readonly #repoPath: string;
  readonly #token: string;
  readonly #http: BitbucketHttp;
  readonly #policy: RetryPolicy;
  readonly #listPages = new EtagPages();

  /** `policy` overrides retries and waits (tests pass a `sleep` that records). */
  constructor(options: ProviderOptions, policy: RetryPolicy = {}) {
    const names = requireOwnerAndName('bitbucket', options.repository, 'workspace/slug');
    let api: URL;
    try {
      api = new URL(options.apiUrl);
    } catch {
      api = new URL('invalid:');
    }
    if (api.protocol !== 'http:' && api.protocol !== 'https:') {
      throw providerError('PROVIDER_INVALID_OPTION', 'bitbucket: apiUrl is not an http(s) URL', {
        provider: 'bitbucket',
      });
    }
    this.#repoPath = `/repositories/${encodeURIComponent(names.owner)}/${encodeURIComponent(names.repo)}`;
    this.#repo = `${api.href.replace(/\/+$/, '')}${this.#repoPath}`;
    this.#token = options.token;
    this.#http = new BitbucketHttp(api.href, options.token);
    this.#policy = { retries: options.retries, maxWaitMs: options.maxWaitMs, ...policy };
  }

  async setCommitStatus(status: CommitStatus): Promise<void> {
    const path = `/commit/${encodeURIComponent(status.sha)}/statuses/build`;
    await this.#call('POST', path, () =>
      this.#http.send('POST', this.#repo + path, {
        key: status.context,
        name: status.context,
        state: STATE[status.state],
        description: oneLine(status.description, DESCRIPTION_MAX),
        url: status.targetUrl ?? COMMIT_PAGE_TEMPLATE,
      }),
    );
  }

  async openPullRequest(draft: PullRequestDraft): Promise<PullRequest> {
    const open = await this.findOpenPullRequest(draft.head, draft.base);
    if (open) {
      const path = `/pullrequests/${open.number}`;
      const updated = await this.#call('PUT', path, () =>
        this.#http.send<PullRequestJson>('PUT', this.#repo + path, {
          title: draft.title,
          description: draft.body,
        }),
      );
      return pullRequestOf(updated);
    }
    const created = await this.#call('POST', '/pullrequests', () =>
      this.#http.send<PullRequestJson>('POST', `${this.#repo}/pullrequests`, {
        title: draft.title,
        description: draft.body,
        source: { branch: { name: draft.head } },
        destination: { branch: { name: draft.base } },
      }),
    );
    return pullRequestOf(created);
  }

  async findOpenPullRequest(head: string, base: string): Promise<PullRequest | undefined> {
    const q = `source.branch.name = ${quoted(head)} AND destination.branch.name = ${quoted(base)}`;
    const found = await this.#call('GET', '/pullrequests', () =>
      this.#http.all<PullRequestJson>(this.#pullsUrl(q)),
    );
    return found[0] ? pullRequestOf(found[0]) : undefined;
  }

  async listOpenPullRequests(base?: string): Promise<PullRequestList> {
    const q = base ? `destination.branch.name = ${quoted(base)}` : undefined;
    let tally = new PageTally();
    const found = await this.#call('GET', '/pullrequests', () => {
      tally = new PageTally(); // a retry starts the listing again
      return this.#http.all<PullRequestJson>(this.#pullsUrl(q), { pages: this.#listPages, tally });
    });
    if (tally.unchanged) return { unchanged: true };
    return { unchanged: false, pulls: found.map(pullRequestOf) };
  }

  async upsertComment(
    number: number,
    marker: string,
    body: string,
  ): Promise<{ id: string; created: boolean }> {
    const raw = withMarker(marker, body);
    const path = `/pullrequests/${number}/comments`;
    const comments = await this.#call('GET', path, () =>
      this.#http.all<CommentJson>(`${this.#repo}${path}?pagelen=${COMMENTS_PAGE}`),
    );
    const mine = comments.find((c) => !c.deleted && c.content?.raw?.includes(marker));
    if (mine) {
      await this.#call('PUT', `${path}/${mine.id}`, () =>
        this.#http.send('PUT', `${this.#repo}${path}/${mine.id}`, { content: { raw } }),
      );
      return { id: String(mine.id), created: false };
    }
    const posted = await this.#call('POST', path, () =>
      this.#http.send<CommentJson>('POST', this.#repo + path, { content: { raw } }),
    );
    return { id: String(posted.id), created: true };
  }

  #pullsUrl(q: string | undefined): string {
    const query = new URLSearchParams({ state: 'OPEN', pagelen: String(PULLS_PAGE) });
    if (q) query.set('q', q);
    return `${this.#repo}/pullrequests?${query}`;
  }

  #call<T>(method: string, path: string, call: () => Promise<T>): Promise<T> {
    return withRetries(call, {
      ...this.#policy,
      provider: 'bitbucket',
      method,
      path: this.#repoPath + path,
      secrets: [this.#token],
    });
  }
}

/** A BBQL string literal: double quotes, with `"` and `\` escaped. */
function quoted(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

function pullRequestOf(pr: PullRequestJson): PullRequest {
  return {
    number: pr.id,
    url: pr.links?.html?.href ?? '',
    state: pullRequestStateOf(pr.state),
    title: pr.title,
    headBranch: pr.source.branch.name,
    headSha: pr.source.commit?.hash ?? '',
    baseBranch: pr.destination.branch.name,
  };
}

/** OPEN is open; MERGED merged; DECLINED and SUPERSEDED closed. */
function pullRequestStateOf(state: string): PullRequestState {
  if (state === 'MERGED') return 'merged';
  if (state === 'OPEN') return 'open';
  return 'closed';
}
