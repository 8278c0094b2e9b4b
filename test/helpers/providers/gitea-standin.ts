/**
 * A stand-in for Gitea's REST API v1: just the calls Capstan makes (commit statuses, pull
 * requests created, listed, edited, issue comments listed, posted, edited), state in memory,
 * every request recorded. Lists of pull requests are paged as Gitea pages them (`limit`,
 * `page`, `link: <…>; rel="next"`, `x-total-count`); an issue's comments come in one answer.
 * `sendEtags` (default true) adds an ETag to the pulls list and answers a matching
 * If-None-Match with 304 — turn it off to play a Gitea that sends none.
 * https://gitea.com/api/swagger
 */
import { createHash } from 'node:crypto';
import { RecordingServer, type IncomingCall, type Reply } from './recording-server.js';

export interface GiteaPull {
  number: number;
  repository: string;
  title: string;
  body: string;
  state: 'open' | 'closed';
  merged: boolean;
  head: string;
  headSha: string;
  base: string;
}

export interface GiteaComment {
  id: number;
  repository: string;
  issue: number;
  body: string;
}

export interface GiteaStatus {
  id: number;
  repository: string;
  sha: string;
  state: string;
  context: string;
  description: string;
  target_url: string;
}

const STATES = new Set(['pending', 'success', 'error', 'failure', 'warning']);
/** Gitea's `[api] DEFAULT_PAGING_NUM` and `MAX_RESPONSE_ITEMS`. */
const DEFAULT_LIMIT = 30;
const MAX_LIMIT = 50;

export class GiteaStandin extends RecordingServer {
  readonly token: string;
  /** Pull requests, in creation order; tests may edit them (close one, move its head). */
  readonly pulls: GiteaPull[] = [];
  /** Issue comments, in creation order. */
  readonly comments: GiteaComment[] = [];
  /** Every commit status posted, in order. */
  readonly statuses: GiteaStatus[] = [];
  /** Head commit of each branch; a branch not named gets a made-up SHA. */
  readonly heads = new Map<string, string>();
  /** When false, the pulls list has no ETag and If-None-Match is ignored. */
  sendEtags = true;
  #nextId = 1;

  constructor(options: { token?: string } = {}) {
    super();
    this.token = options.token ?? 'gitea-standin-token-0123456789abcdef';
  }

  /** The API's base URL, `http://127.0.0.1:<port>/api/v1`. */
  get url(): string {
    return `${this.origin}/api/v1`;
  }

  headOf(branch: string): string {
    return this.heads.get(branch) ?? createHash('sha1').update(branch).digest('hex');
  }

  protected route(call: IncomingCall): Reply {
    const auth = call.headers.authorization ?? '';
    if (auth !== `token ${this.token}` && auth !== `Bearer ${this.token}`) {
      return { status: 401, body: { message: 'user does not exist', url: `${this.origin}/api/swagger` } };
    }
    const [api, v1, repos, owner, name, kind, ...rest] = call.segments;
    if (api !== 'api' || v1 !== 'v1' || repos !== 'repos' || !owner || !name) return notFound();
    const repository = `${owner}/${name}`;
    if (call.method === 'POST' && kind === 'statuses' && rest.length === 1) {
      return this.#postStatus(repository, rest[0], call.body);
    }
    const at = `${call.method} ${kind ?? ''}${rest.map((r) => (/^\d+$/.test(r) ? '/:n' : `/${r}`)).join('')}`;
    switch (at) {
      case 'POST pulls':
        return this.#createPull(repository, call.body);
      case 'GET pulls':
        return this.#listPulls(call, repository);
      case 'PATCH pulls/:n':
        return this.#editPull(repository, Number(rest[0]), call.body);
      case 'GET issues/:n/comments':
        return this.#withIssue(repository, rest[0], (n) => ({
          status: 200,
          body: this.comments.filter((c) => c.repository === repository && c.issue === n).map(commentJson),
        }));
      case 'POST issues/:n/comments':
        return this.#withIssue(repository, rest[0], (n) => this.#createComment(repository, n, call.body));
      case 'PATCH issues/comments/:n':
        return this.#editComment(repository, Number(rest[1]), call.body);
      default:
        return notFound();
    }
  }

  #postStatus(repository: string, sha: string, body: any): Reply {
    if (!STATES.has(body?.state)) return unprocessable('[State]: Required');
    const status: GiteaStatus = {
      id: this.#nextId++,
      repository,
      sha,
      state: body.state,
      context: body.context ?? '',
      description: body.description ?? '',
      target_url: body.target_url ?? '',
    };
    this.statuses.push(status);
    const { repository: _r, ...json } = status;
    return { status: 201, body: { ...json, status: json.state } };
  }

  #createPull(repository: string, body: any): Reply {
    if (!body?.head || !body?.base || !body?.title) return unprocessable('[Head Base Title]: Required');
    const open = this.pulls.find(
      (p) =>
        p.repository === repository && p.state === 'open' && p.head === body.head && p.base === body.base,
    );
    if (open) {
      return {
        status: 409,
        body: { message: `pull request already exists for these targets [id: ${open.number}]` },
      };
    }
    const pull: GiteaPull = {
      number: this.pulls.filter((p) => p.repository === repository).length + 1,
      repository,
      title: body.title,
      body: body.body ?? '',
      state: 'open',
      merged: false,
      head: body.head,
      headSha: this.headOf(body.head),
      base: body.base,
    };
    this.pulls.push(pull);
    return { status: 201, body: this.#pullJson(pull) };
  }

  #listPulls(call: IncomingCall, repository: string): Reply {
    const query = call.url.searchParams;
    const state = query.get('state') ?? 'open';
    const items = this.pulls
      .filter((p) => p.repository === repository && (state === 'all' || p.state === state))
      .reverse()
      .map((p) => this.#pullJson(p));
    const limit = Math.min(MAX_LIMIT, Number(query.get('limit') ?? DEFAULT_LIMIT) || DEFAULT_LIMIT);
    const n = Math.max(1, Number(query.get('page') ?? 1) || 1);
    const body = items.slice((n - 1) * limit, n * limit);
    const headers: Record<string, string> = { 'x-total-count': String(items.length) };
    if (n * limit < items.length) {
      const next = new URL(call.url);
      next.searchParams.set('page', String(n + 1));
      headers.link = `<${next.href}>; rel="next"`;
    }
    if (this.sendEtags) {
      headers.etag = `"${createHash('sha1').update(JSON.stringify(body)).digest('hex')}"`;
      if (call.headers['if-none-match'] === headers.etag)
        return { status: 304, headers: { etag: headers.etag } };
    }
    return { status: 200, headers, body };
  }

  #editPull(repository: string, number: number, body: any): Reply {
    const pull = this.pulls.find((p) => p.repository === repository && p.number === number);
    if (!pull) return notFound();
    if (typeof body?.title === 'string') pull.title = body.title;
    if (typeof body?.body === 'string') pull.body = body.body;
    if (body?.state === 'open' || body?.state === 'closed') pull.state = body.state;
    return { status: 201, body: this.#pullJson(pull) };
  }

  #withIssue(repository: string, number: string, then: (n: number) => Reply): Reply {
    const n = Number(number);
    return this.pulls.some((p) => p.repository === repository && p.number === n) ? then(n) : notFound();
  }

  #createComment(repository: string, issue: number, body: any): Reply {
    if (typeof body?.body !== 'string' || !body.body) return unprocessable('[Body]: Required');
    const comment: GiteaComment = { id: this.#nextId++, repository, issue, body: body.body };
    this.comments.push(comment);
    return { status: 201, body: commentJson(comment) };
  }

  #editComment(repository: string, id: number, body: any): Reply {
    const comment = this.comments.find((c) => c.repository === repository && c.id === id);
    if (!comment) return notFound();
    if (typeof body?.body !== 'string' || !body.body) return unprocessable('[Body]: Required');
    comment.body = body.body;
    return { status: 200, body: commentJson(comment) };
  }

  #pullJson(pull: GiteaPull): Record<string, unknown> {
    return {
      number: pull.number,
      html_url: `${this.origin}/${pull.repository}/pulls/${pull.number}`,
      state: pull.state,
      merged: pull.merged,
      title: pull.title,
      body: pull.body,
      head: { ref: pull.head, sha: pull.headSha, label: pull.head },
      base: { ref: pull.base, label: pull.base },
    };
  }
}

function notFound(): Reply {
  return { status: 404, body: { message: "The target couldn't be found.", errors: [] } };
}

function unprocessable(message: string): Reply {
  return { status: 422, body: { message } };
}

function commentJson(comment: GiteaComment): Record<string, unknown> {
  return { id: comment.id, body: comment.body, issue_url: '' };
}
