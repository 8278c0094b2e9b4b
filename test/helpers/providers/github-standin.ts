/**
 * A stand-in for GitHub's REST API: just the calls Capstan makes (commit statuses, pull
 * requests created, listed, edited, issue comments listed, posted, edited), state in memory,
 * every request recorded. Served under `/api/v3` as GitHub Enterprise Server serves it, so a
 * client that drops the base URL's path shows up as 404s. Lists are paged as GitHub pages
 * them (`per_page` default 30, at most 100, `link: <…>; rel="next"`) and carry a strong ETag;
 * a GET whose If-None-Match matches is answered 304 with no body.
 * https://docs.github.com/en/rest/commits/statuses https://docs.github.com/en/rest/pulls/pulls
 * https://docs.github.com/en/rest/issues/comments
 */
import { createHash } from 'node:crypto';
import { RecordingServer, type IncomingCall, type Reply } from './recording-server.js';

export interface GitHubPull {
  number: number;
  repository: string;
  title: string;
  body: string;
  state: 'open' | 'closed';
  merged: boolean;
  /** The branch (without `owner:`). */
  head: string;
  headSha: string;
  base: string;
}

export interface GitHubComment {
  id: number;
  repository: string;
  issue: number;
  body: string;
}

export interface GitHubStatus {
  id: number;
  repository: string;
  sha: string;
  state: string;
  context: string;
  description: string | null;
  target_url: string | null;
}

const STATES = new Set(['pending', 'success', 'failure', 'error']);

export class GitHubStandin extends RecordingServer {
  readonly token: string;
  /** Pull requests, in creation order; tests may edit them (close one, move its head). */
  readonly pulls: GitHubPull[] = [];
  /** Issue comments, in creation order. */
  readonly comments: GitHubComment[] = [];
  /** Every commit status posted, in order (GitHub keeps each; the latest per context counts). */
  readonly statuses: GitHubStatus[] = [];
  /** Head commit of each branch; a branch not named gets a made-up SHA. */
  readonly heads = new Map<string, string>();
  #nextId = 1000;

  constructor(options: { token?: string } = {}) {
    super();
    this.token = options.token ?? 'ghp_standin0000000000000000000000000000';
  }

  /** The API's base URL, `http://127.0.0.1:<port>/api/v3`. */
  get url(): string {
    return `${this.origin}/api/v3`;
  }

  headOf(branch: string): string {
    return this.heads.get(branch) ?? createHash('sha1').update(branch).digest('hex');
  }

  /** Headers of a spent primary rate limit that resets `seconds` from now (for `failNext`). */
  static rateLimitHeaders(seconds: number, nowMs = Date.now()): Record<string, string> {
    return {
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(Math.ceil(nowMs / 1000) + seconds),
    };
  }

  protected route(call: IncomingCall): Reply {
    const auth = call.headers.authorization ?? '';
    if (auth !== `token ${this.token}` && auth !== `Bearer ${this.token}`) {
      return { status: 401, body: { message: 'Bad credentials' } };
    }
    const [api, v3, repos, owner, name, kind, ...rest] = call.segments;
    if (api !== 'api' || v3 !== 'v3' || repos !== 'repos' || !owner || !name) return notFound();
    const repository = `${owner}/${name}`;
    const at = `${call.method} ${kind ?? ''}${rest.map((r) => (/^\d+$/.test(r) ? '/:n' : `/${r}`)).join('')}`;
    if (call.method === 'POST' && kind === 'statuses' && rest.length === 1) {
      return this.#postStatus(repository, rest[0], call.body);
    }
    switch (at) {
      case 'POST pulls':
        return this.#createPull(repository, owner, call.body);
      case 'GET pulls':
        return page(call, this.#listPulls(repository, call.url.searchParams));
      case 'PATCH pulls/:n':
        return this.#editPull(repository, Number(rest[0]), call.body);
      case 'GET issues/:n/comments':
        return this.#withIssue(repository, rest[0], (n) =>
          page(
            call,
            this.comments.filter((c) => c.repository === repository && c.issue === n).map(commentJson),
          ),
        );
      case 'POST issues/:n/comments':
        return this.#withIssue(repository, rest[0], (n) => this.#createComment(repository, n, call.body));
      case 'PATCH issues/comments/:n':
        return this.#editComment(repository, Number(rest[1]), call.body);
      default:
        return notFound();
    }
  }

  #postStatus(repository: string, sha: string, body: any): Reply {
    if (!STATES.has(body?.state)) return invalid('state is not included in the list');
    if (typeof body.description === 'string' && body.description.length > 140) {
      return invalid('description is too long (maximum is 140 characters)');
    }
    const status: GitHubStatus = {
      id: this.#nextId++,
      repository,
      sha,
      state: body.state,
      context: typeof body.context === 'string' ? body.context : 'default',
      description: body.description ?? null,
      target_url: body.target_url ?? null,
    };
    this.statuses.push(status);
    const { repository: _r, ...json } = status;
    return { status: 201, body: json };
  }

  #createPull(repository: string, owner: string, body: any): Reply {
    if (!body?.head || !body?.base || !body?.title) return invalid('head, base and title are required');
    const head = String(body.head).replace(new RegExp(`^${owner}:`), '');
    const open = this.pulls.find(
      (p) => p.repository === repository && p.state === 'open' && p.head === head && p.base === body.base,
    );
    if (open) return invalid(`A pull request already exists for ${owner}:${head}.`);
    const pull: GitHubPull = {
      number: this.#nextIssueNumber(repository),
      repository,
      title: body.title,
      body: body.body ?? '',
      state: 'open',
      merged: false,
      head,
      headSha: this.headOf(head),
      base: body.base,
    };
    this.pulls.push(pull);
    return { status: 201, body: this.#pullJson(pull) };
  }

  #listPulls(repository: string, query: URLSearchParams): unknown[] {
    const state = query.get('state') ?? 'open';
    const head = query.get('head');
    const base = query.get('base');
    return this.pulls
      .filter(
        (p) =>
          p.repository === repository &&
          (state === 'all' || p.state === state) &&
          (!head || `${repository.split('/')[0]}:${p.head}` === head) &&
          (!base || p.base === base),
      )
      .reverse() // newest first, as GitHub sorts by created desc
      .map((p) => this.#pullJson(p));
  }

  #editPull(repository: string, number: number, body: any): Reply {
    const pull = this.pulls.find((p) => p.repository === repository && p.number === number);
    if (!pull) return notFound();
    if (typeof body?.title === 'string') pull.title = body.title;
    if (typeof body?.body === 'string') pull.body = body.body;
    if (body?.state === 'open' || body?.state === 'closed') pull.state = body.state;
    return { status: 200, body: this.#pullJson(pull) };
  }

  /** Pull requests are issues on GitHub: comments go to the issue of the same number. */
  #withIssue(repository: string, number: string, then: (n: number) => Reply): Reply {
    const n = Number(number);
    return this.pulls.some((p) => p.repository === repository && p.number === n) ? then(n) : notFound();
  }

  #createComment(repository: string, issue: number, body: any): Reply {
    if (typeof body?.body !== 'string' || !body.body) return invalid('body is missing');
    const comment: GitHubComment = { id: this.#nextId++, repository, issue, body: body.body };
    this.comments.push(comment);
    return { status: 201, body: commentJson(comment) };
  }

  #editComment(repository: string, id: number, body: any): Reply {
    const comment = this.comments.find((c) => c.repository === repository && c.id === id);
    if (!comment) return notFound();
    if (typeof body?.body !== 'string' || !body.body) return invalid('body is missing');
    comment.body = body.body;
    return { status: 200, body: commentJson(comment) };
  }

  #nextIssueNumber(repository: string): number {
    return this.pulls.filter((p) => p.repository === repository).length + 1;
  }

  #pullJson(pull: GitHubPull): Record<string, unknown> {
    const [owner] = pull.repository.split('/');
    return {
      number: pull.number,
      html_url: `${this.origin}/${pull.repository}/pull/${pull.number}`,
      state: pull.state,
      title: pull.title,
      body: pull.body,
      merged_at: pull.merged ? '2024-01-01T00:00:00Z' : null,
      head: { ref: pull.head, sha: pull.headSha, label: `${owner}:${pull.head}` },
      base: { ref: pull.base, label: `${owner}:${pull.base}` },
    };
  }
}

/** One page of `items` as GitHub answers it: `link` to the next page, a strong ETag, 304 on a match. */
function page(call: IncomingCall, items: unknown[]): Reply {
  const perPage = Math.min(100, Number(call.url.searchParams.get('per_page') ?? 30) || 30);
  const n = Math.max(1, Number(call.url.searchParams.get('page') ?? 1) || 1);
  const body = items.slice((n - 1) * perPage, n * perPage);
  const headers: Record<string, string> = {
    etag: `"${createHash('sha1').update(JSON.stringify(body)).digest('hex')}"`,
  };
  if (n * perPage < items.length) {
    const next = new URL(call.url);
    next.searchParams.set('page', String(n + 1));
    headers.link = `<${next.href}>; rel="next"`;
  }
  if (call.headers['if-none-match'] === headers.etag) return { status: 304, headers: { etag: headers.etag } };
  return { status: 200, headers, body };
}

function notFound(): Reply {
  return { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } };
}

function invalid(message: string): Reply {
  return { status: 422, body: { message: 'Validation Failed', errors: [{ message }] } };
}

function commentJson(comment: GitHubComment): Record<string, unknown> {
  return { id: comment.id, body: comment.body };
}
