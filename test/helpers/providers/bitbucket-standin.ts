/**
 * A stand-in for Bitbucket Cloud's REST API 2.0: just the calls Capstan makes (build statuses,
 * pull requests, pull request comments), state in memory, every request recorded, Bearer
 * token auth. Lists are paged as Bitbucket pages them (`values`, `pagelen` default 10, an
 * absolute `next` URL); `q` understands `source.branch.name = "…"` and
 * `destination.branch.name = "…"` joined by AND. Lists carry a weak ETag and a matching
 * If-None-Match is answered 304 unless `honourIfNoneMatch` is false (Bitbucket documents no
 * conditional requests, so both are tested).
 * https://developer.atlassian.com/cloud/bitbucket/rest/api-group-commit-statuses/
 * https://developer.atlassian.com/cloud/bitbucket/rest/api-group-pullrequests/
 */
import { createHash } from 'node:crypto';
import { RecordingServer, weakEtag, type IncomingCall, type Reply } from './recording-server.js';

export interface BitbucketPullRequest {
  id: number;
  repository: string;
  title: string;
  description: string;
  state: 'OPEN' | 'MERGED' | 'DECLINED' | 'SUPERSEDED';
  source: string;
  destination: string;
  sha: string;
}

export interface BitbucketComment {
  id: number;
  repository: string;
  pullRequestId: number;
  raw: string;
  deleted: boolean;
}

export interface BitbucketStatus {
  repository: string;
  sha: string;
  key: string;
  state: string;
  name?: string;
  url: string;
  description?: string;
}

const STATES = new Set(['INPROGRESS', 'SUCCESSFUL', 'FAILED', 'STOPPED']);

export class BitbucketStandin extends RecordingServer {
  readonly token: string;
  /** Pull requests, in creation order; tests may edit them (decline one, move its head). */
  readonly pulls: BitbucketPullRequest[] = [];
  /** Comments on pull requests, in creation order. */
  readonly comments: BitbucketComment[] = [];
  /** Build statuses: one per commit and key (a POST with a known key overwrites). */
  readonly statuses: BitbucketStatus[] = [];
  /** Head commit of each branch; a branch not named gets a made-up SHA. */
  readonly heads = new Map<string, string>();
  honourIfNoneMatch = true;
  #nextId = 1;

  constructor(options: { token?: string } = {}) {
    super();
    this.token = options.token ?? 'bb-standin-token';
  }

  /** The API's base URL, `http://127.0.0.1:<port>/2.0`. */
  get url(): string {
    return `${this.origin}/2.0`;
  }

  headOf(branch: string): string {
    return this.heads.get(branch) ?? createHash('sha1').update(branch).digest('hex');
  }

  protected route(call: IncomingCall): Reply {
    if (call.headers.authorization !== `Bearer ${this.token}`)
      return error(401, 'Access token expired or invalid');
    const [version, repositories, workspace, slug, kind, ...rest] = call.segments;
    if (version !== '2.0' || repositories !== 'repositories' || !workspace || !slug)
      return error(404, 'Not found');
    const repository = `${workspace}/${slug}`;
    if (
      call.method === 'POST' &&
      kind === 'commit' &&
      rest.length === 3 &&
      rest[1] === 'statuses' &&
      rest[2] === 'build'
    ) {
      return this.#postStatus(repository, rest[0], call.body);
    }
    if (kind !== 'pullrequests') return error(404, 'Not found');
    const [id, sub, commentId] = rest;
    const pr =
      id === undefined
        ? undefined
        : this.pulls.find((p) => p.repository === repository && p.id === Number(id));
    if (id !== undefined && !pr) return error(404, 'Pull request not found');
    switch (`${call.method} ${[id && ':id', sub, commentId && ':cid'].filter(Boolean).join('/')}`) {
      case 'POST ':
        return this.#createPullRequest(repository, call.body);
      case 'GET ':
        return this.#page(call, this.#listPullRequests(repository, call.url.searchParams), 50);
      case 'PUT :id':
        return this.#updatePullRequest(pr!, call.body);
      case 'GET :id/comments':
        return this.#page(
          call,
          this.comments
            .filter((c) => c.repository === repository && c.pullRequestId === pr!.id)
            .map(commentJson),
          100,
        );
      case 'POST :id/comments':
        return this.#createComment(pr!, call.body);
      case 'PUT :id/comments/:cid':
        return this.#editComment(pr!, Number(commentId), call.body);
      default:
        return error(404, 'Not found');
    }
  }

  #postStatus(repository: string, sha: string, body: any): Reply {
    if (!STATES.has(body?.state)) return error(400, 'Bad request', { state: ['not a valid choice'] });
    if (!body.key) return error(400, 'Bad request', { key: ['This field is required.'] });
    if (!body.url) return error(400, 'Bad request', { url: ['This field is required.'] });
    const status: BitbucketStatus = {
      repository,
      sha,
      key: body.key,
      state: body.state,
      name: body.name,
      url: body.url,
      description: body.description,
    };
    const at = this.statuses.findIndex(
      (s) => s.repository === repository && s.sha === sha && s.key === body.key,
    );
    if (at >= 0) this.statuses[at] = status;
    else this.statuses.push(status);
    return { status: 201, body: { type: 'commitstatus', ...status } };
  }

  #createPullRequest(repository: string, body: any): Reply {
    const source = body?.source?.branch?.name;
    const destination = body?.destination?.branch?.name ?? 'main';
    if (!body?.title || !source)
      return error(400, 'Bad request', { title: ['required'], source: ['required'] });
    const pr: BitbucketPullRequest = {
      id: this.pulls.filter((p) => p.repository === repository).length + 1,
      repository,
      title: body.title,
      description: body.description ?? '',
      state: 'OPEN',
      source,
      destination,
      sha: this.headOf(source),
    };
    this.pulls.push(pr);
    return { status: 201, body: this.#pullJson(pr) };
  }

  #listPullRequests(repository: string, query: URLSearchParams): unknown[] {
    const state = query.get('state') ?? 'OPEN';
    const filters = [
      ...(query.get('q') ?? '').matchAll(/(source|destination)\.branch\.name\s*=\s*"((?:[^"\\]|\\.)*)"/g),
    ];
    return this.pulls
      .filter(
        (p) =>
          p.repository === repository &&
          p.state === state &&
          filters.every(
            ([, side, value]) => p[side as 'source' | 'destination'] === value.replace(/\\(.)/g, '$1'),
          ),
      )
      .map((p) => this.#pullJson(p));
  }

  #updatePullRequest(pr: BitbucketPullRequest, body: any): Reply {
    if (typeof body?.title === 'string') pr.title = body.title;
    if (typeof body?.description === 'string') pr.description = body.description;
    return { status: 200, body: this.#pullJson(pr) };
  }

  #createComment(pr: BitbucketPullRequest, body: any): Reply {
    const raw = body?.content?.raw;
    if (typeof raw !== 'string' || !raw) return error(400, 'Bad request', { content: ['required'] });
    const comment: BitbucketComment = {
      id: this.#nextId++,
      repository: pr.repository,
      pullRequestId: pr.id,
      raw,
      deleted: false,
    };
    this.comments.push(comment);
    return { status: 201, body: commentJson(comment) };
  }

  #editComment(pr: BitbucketPullRequest, id: number, body: any): Reply {
    const comment = this.comments.find(
      (c) => c.id === id && c.repository === pr.repository && c.pullRequestId === pr.id,
    );
    if (!comment || comment.deleted) return error(404, 'Comment not found');
    const raw = body?.content?.raw;
    if (typeof raw !== 'string' || !raw) return error(400, 'Bad request', { content: ['required'] });
    comment.raw = raw;
    return { status: 200, body: commentJson(comment) };
  }

  #pullJson(pr: BitbucketPullRequest): Record<string, unknown> {
    const html = `${this.origin}/${pr.repository}/pull-requests/${pr.id}`;
    return {
      type: 'pullrequest',
      id: pr.id,
      title: pr.title,
      description: pr.description,
      state: pr.state,
      // Bitbucket abbreviates the head commit in pull request JSON
      source: { branch: { name: pr.source }, commit: { hash: pr.sha.slice(0, 12) } },
      destination: { branch: { name: pr.destination } },
      links: { html: { href: html } },
    };
  }

  /** One page of `items` as Bitbucket answers it, with an ETag. */
  #page(call: IncomingCall, items: unknown[], maxPagelen: number): Reply {
    const pagelen = Math.min(maxPagelen, Number(call.url.searchParams.get('pagelen') ?? 10) || 10);
    const page = Math.max(1, Number(call.url.searchParams.get('page') ?? 1) || 1);
    const body: Record<string, unknown> = {
      size: items.length,
      page,
      pagelen,
      values: items.slice((page - 1) * pagelen, page * pagelen),
    };
    if (page * pagelen < items.length) {
      const next = new URL(call.url);
      next.searchParams.set('page', String(page + 1));
      body.next = next.href;
    }
    const etag = weakEtag(body);
    if (this.honourIfNoneMatch && call.headers['if-none-match'] === etag)
      return { status: 304, headers: { etag } };
    return { status: 200, headers: { etag }, body };
  }
}

function error(status: number, message: string, fields?: Record<string, string[]>): Reply {
  return { status, body: { type: 'error', error: { message, ...(fields ? { fields } : {}) } } };
}

function commentJson(comment: BitbucketComment): Record<string, unknown> {
  return {
    type: 'pullrequest_comment',
    id: comment.id,
    deleted: comment.deleted,
    content: { raw: comment.raw, markup: 'markdown' },
  };
}
