/**
 * GitLab (gitlab.com or self-managed, REST API v4) over @gitbeaker/rest, with Capstan's own
 * request handler (gitlab-requester.ts) and every call retried by withRetries.
 * - Commit statuses: POST /projects/:id/statuses/:sha, `name` = the context. GitLab refuses a
 *   second `pending` for the same name and commit ("Cannot transition status via :enqueue
 *   from :pending"): that answer means the status already says what was asked, so it succeeds.
 * - Merge requests: created, found (opened, by source and target branch), edited.
 * - The kept comment is a note on the merge request, found by its marker and edited.
 * - Open merge requests are listed with If-None-Match. GitLab sends weak ETags, but its API
 *   lists mostly ignore If-None-Match (gitlab-org/gitlab#14357) and answer 200; the list is
 *   `unchanged` only on a real 304, and a 304 spends GitLab's rate limit like any call.
 * The project is named by its path, URL-encoded in each URL (`group%2Fsub%2Fname`).
 */
import { Commits, MergeRequestNotes, MergeRequests } from '@gitbeaker/rest';
import { CapstanError } from '../core/index.js';
import { EtagPages, PageTally } from './etag-pages.js';
import { providerError } from './errors.js';
import { gitlabRequester, type Conditional } from './gitlab-requester.js';
import { withRetries, type RetryPolicy } from './retry.js';
import { oneLine, withMarker } from './text.js';
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

/** GitLab's commit status `description` is a 255-character column. */
const DESCRIPTION_MAX = 255;
/** GitLab's largest page: one request for up to 100 merge requests or notes. */
const PER_PAGE = 100;

const STATE: Record<CommitState, 'pending' | 'success' | 'failed'> = {
  pending: 'pending',
  success: 'success',
  failure: 'failed',
  error: 'failed',
};

/** The fields Capstan reads from GitLab's merge request JSON. */
interface MergeRequestJson {
  iid: number;
  web_url: string;
  state: string;
  title: string;
  source_branch: string;
  target_branch: string;
  sha: string | null;
}

interface NoteJson {
  id: number;
  body: string;
  system?: boolean;
}

export class GitLabProvider implements GitProvider {
  readonly name = 'gitlab' as const;
  readonly #project: string;
  readonly #encodedProject: string;
  readonly #token: string;
  readonly #resource: { host: string; token: string };
  readonly #policy: RetryPolicy;
  readonly #commits: InstanceType<typeof Commits>;
  readonly #mergeRequests: InstanceType<typeof MergeRequests>;
  readonly #notes: InstanceType<typeof MergeRequestNotes>;
  readonly #listPages = new EtagPages();

  /** `policy` overrides retries and waits (tests pass a `sleep` that records). */
  constructor(options: ProviderOptions, policy: RetryPolicy = {}) {
    this.#project = options.repository.replace(/^\/+|\/+$/g, '');
    if (!this.#project.includes('/')) {
      throw providerError(
        'PROVIDER_INVALID_OPTION',
        `gitlab: repository "${options.repository}" is not a project path (group/name or group/sub/name)`,
        { provider: 'gitlab' },
      );
    }
    this.#encodedProject = encodeURIComponent(this.#project);
    this.#token = options.token;
    this.#resource = { host: hostOf(options.apiUrl), token: options.token };
    this.#policy = { retries: options.retries, maxWaitMs: options.maxWaitMs, ...policy };
    const requesterFn = gitlabRequester();
    this.#commits = new Commits({ ...this.#resource, requesterFn });
    this.#mergeRequests = new MergeRequests({ ...this.#resource, requesterFn });
    this.#notes = new MergeRequestNotes({ ...this.#resource, requesterFn });
  }

  async setCommitStatus(status: CommitStatus): Promise<void> {
    const path = `/projects/${this.#encodedProject}/statuses/${status.sha}`;
    try {
      await this.#call('POST', path, () =>
        this.#commits.editStatus(this.#project, status.sha, STATE[status.state], {
          name: status.context,
          targetUrl: status.targetUrl,
          description: oneLine(status.description, DESCRIPTION_MAX),
        }),
      );
    } catch (e) {
      if (status.state === 'pending' && isAlreadyInState(e)) return;
      throw e;
    }
  }

  async openPullRequest(draft: PullRequestDraft): Promise<PullRequest> {
    const open = await this.findOpenPullRequest(draft.head, draft.base);
    if (open) return this.#edit(open.number, draft);
    try {
      const created = await this.#call('POST', `/projects/${this.#encodedProject}/merge_requests`, () =>
        this.#mergeRequests.create(this.#project, draft.head, draft.base, draft.title, {
          description: draft.body,
        }),
      );
      return pullRequestOf(created as unknown as MergeRequestJson);
    } catch (e) {
      // opened by someone else since the look above: GitLab allows one open MR per source branch
      if (!(e instanceof CapstanError && e.data.status === 409)) throw e;
      const raced = await this.findOpenPullRequest(draft.head, draft.base);
      if (!raced) throw e;
      return this.#edit(raced.number, draft);
    }
  }

  async findOpenPullRequest(head: string, base: string): Promise<PullRequest | undefined> {
    const found = await this.#call('GET', `/projects/${this.#encodedProject}/merge_requests`, () =>
      this.#mergeRequests.all({
        projectId: this.#project,
        state: 'opened',
        sourceBranch: head,
        targetBranch: base,
        perPage: PER_PAGE,
      }),
    );
    const first = (found as unknown as MergeRequestJson[])[0];
    return first ? pullRequestOf(first) : undefined;
  }

  async listOpenPullRequests(base?: string): Promise<PullRequestList> {
    // a resource of its own per listing, so its tally counts this listing's pages only
    const conditional: Conditional = { pages: this.#listPages, tally: new PageTally() };
    const lister = new MergeRequests({ ...this.#resource, requesterFn: gitlabRequester(conditional) });
    const found = await this.#call('GET', `/projects/${this.#encodedProject}/merge_requests`, () => {
      conditional.tally = new PageTally(); // a retry starts the listing again
      return lister.all({
        projectId: this.#project,
        state: 'opened',
        ...(base ? { targetBranch: base } : {}),
        perPage: PER_PAGE,
      });
    });
    if (conditional.tally.unchanged) return { unchanged: true };
    return { unchanged: false, pulls: (found as unknown as MergeRequestJson[]).map(pullRequestOf) };
  }

  async upsertComment(
    number: number,
    marker: string,
    body: string,
  ): Promise<{ id: string; created: boolean }> {
    const text = withMarker(marker, body);
    const notesPath = `/projects/${this.#encodedProject}/merge_requests/${number}/notes`;
    const notes = (await this.#call('GET', notesPath, () =>
      this.#notes.all(this.#project, number, { perPage: PER_PAGE }),
    )) as unknown as NoteJson[];
    const mine = notes.find((n) => !n.system && typeof n.body === 'string' && n.body.includes(marker));
    if (mine) {
      await this.#call('PUT', `${notesPath}/${mine.id}`, () =>
        this.#notes.edit(this.#project, number, mine.id, { body: text }),
      );
      return { id: String(mine.id), created: false };
    }
    const posted = (await this.#call('POST', notesPath, () =>
      this.#notes.create(this.#project, number, text),
    )) as unknown as NoteJson;
    return { id: String(posted.id), created: true };
  }

  async #edit(iid: number, draft: PullRequestDraft): Promise<PullRequest> {
    const edited = await this.#call('PUT', `/projects/${this.#encodedProject}/merge_requests/${iid}`, () =>
      this.#mergeRequests.edit(this.#project, iid, { title: draft.title, description: draft.body }),
    );
    return pullRequestOf(edited as unknown as MergeRequestJson);
  }

  #call<T>(method: string, path: string, call: () => Promise<T>): Promise<T> {
    return withRetries(call, { ...this.#policy, provider: 'gitlab', method, path, secrets: [this.#token] });
  }
}

/**
 * Gitbeaker builds `${host}/api/v4/…`, so the host is the API's URL without `/api/v4`
 * (https://gitlab.com, https://git.example.com/gitlab, or a stand-in's origin).
 */
function hostOf(apiUrl: string): string {
  let url: URL;
  try {
    url = new URL(apiUrl);
  } catch {
    url = new URL('invalid:');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw providerError('PROVIDER_INVALID_OPTION', `gitlab: apiUrl is not an http(s) URL`, {
      provider: 'gitlab',
    });
  }
  const path = url.pathname.replace(/\/+$/, '').replace(/\/api\/v4$/, '');
  return `${url.origin}${path}`;
}

function pullRequestOf(mr: MergeRequestJson): PullRequest {
  return {
    number: mr.iid,
    url: mr.web_url,
    state: pullRequestStateOf(mr.state),
    title: mr.title,
    headBranch: mr.source_branch,
    headSha: mr.sha ?? '',
    baseBranch: mr.target_branch,
  };
}

/** GitLab's `opened` and `locked` (a merge in progress) are open. */
function pullRequestStateOf(state: string): PullRequestState {
  if (state === 'merged') return 'merged';
  if (state === 'closed') return 'closed';
  return 'open';
}

function isAlreadyInState(e: unknown): boolean {
  return (
    e instanceof CapstanError &&
    e.data.status === 400 &&
    typeof e.data.detail === 'string' &&
    e.data.detail.includes('Cannot transition status')
  );
}
