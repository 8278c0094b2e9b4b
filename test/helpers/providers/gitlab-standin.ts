/**
 * A stand-in for GitLab's REST API v4: just the calls Capstan makes (commit statuses, merge
 * requests, notes on merge requests), state in memory, every request recorded. Projects are
 * named by their URL-encoded path (`acme%2Fshop`), as Capstan names them. Lists are paged as
 * GitLab pages them (`per_page` default 20, `link: <…>; rel="next"`, `x-next-page`) and carry
 * a weak ETag; a GET whose If-None-Match matches is answered 304 unless
 * `honourIfNoneMatch` is false (GitLab ignores it on most API lists, gitlab-org/gitlab#14357).
 * https://docs.gitlab.com/api/commits/#set-the-pipeline-status-of-a-commit
 * https://docs.gitlab.com/api/merge_requests/ https://docs.gitlab.com/api/notes/
 */
import { createHash } from 'node:crypto';
import { RecordingServer, weakEtag, type IncomingCall, type Reply } from './recording-server.js';

export interface GitLabMergeRequest {
  id: number;
  iid: number;
  project: string;
  title: string;
  description: string;
  state: 'opened' | 'closed' | 'merged';
  source_branch: string;
  target_branch: string;
  sha: string;
  web_url: string;
}

export interface GitLabNote {
  id: number;
  project: string;
  mergeRequestIid: number;
  body: string;
  system: boolean;
}

export interface GitLabStatus {
  id: number;
  project: string;
  sha: string;
  name: string;
  state: string;
  target_url: string | null;
  description: string | null;
}

const STATES = new Set(['pending', 'running', 'success', 'failed', 'canceled']);
/** GitLab's commit statuses refuse to move to the state they are in while not finished. */
const UNFINISHED = new Set(['pending', 'running']);

export class GitLabStandin extends RecordingServer {
  readonly token: string;
  /** Merge requests, in creation order; tests may edit them (close one, move its head). */
  readonly pulls: GitLabMergeRequest[] = [];
  /** Notes on merge requests, in creation order. */
  readonly comments: GitLabNote[] = [];
  /** Every commit status posted, in order (GitLab keeps a history per name). */
  readonly statuses: GitLabStatus[] = [];
  /** Head commit of each branch; a branch not named gets a made-up SHA. */
  readonly heads = new Map<string, string>();
  /** When false, If-None-Match is ignored (200 every time), as on most of GitLab's API. */
  honourIfNoneMatch = true;
  #nextId = 1;

  constructor(options: { token?: string } = {}) {
    super();
    this.token = options.token ?? 'glpat-standin-token';
  }

  /** The API's base URL, `http://127.0.0.1:<port>/api/v4`. */
  get url(): string {
    return `${this.origin}/api/v4`;
  }

  headOf(branch: string): string {
    return this.heads.get(branch) ?? createHash('sha1').update(branch).digest('hex');
  }

  protected route(call: IncomingCall): Reply {
    if (call.headers['private-token'] !== this.token)
      return { status: 401, body: { message: '401 Unauthorized' } };
    const [api, version, projects, project, kind, ...rest] = call.segments;
    if (api !== 'api' || version !== 'v4' || projects !== 'projects' || !project) return notFound();
    if (call.method === 'POST' && kind === 'statuses' && rest.length === 1) {
      return this.#postStatus(project, rest[0], call.body);
    }
    const at = `${call.method} ${kind ?? ''}${rest.map((r) => (/^\d+$/.test(r) ? '/:n' : `/${r}`)).join('')}`;
    switch (at) {
      case 'POST merge_requests':
        return this.#createMergeRequest(project, call.body);
      case 'GET merge_requests':
        return this.#page(call, this.#listMergeRequests(project, call.url.searchParams));
      case 'PUT merge_requests/:n':
        return this.#editMergeRequest(project, Number(rest[0]), call.body);
      case 'GET merge_requests/:n/notes':
        return this.#withMergeRequest(project, rest[0], () =>
          this.#page(
            call,
            this.comments
              .filter((n) => n.project === project && n.mergeRequestIid === Number(rest[0]))
              .map(noteJson),
          ),
        );
      case 'POST merge_requests/:n/notes':
        return this.#withMergeRequest(project, rest[0], (mr) => this.#createNote(mr, call.body));
      case 'PUT merge_requests/:n/notes/:n':
        return this.#withMergeRequest(project, rest[0], (mr) =>
          this.#editNote(mr, Number(rest[2]), call.body),
        );
      default:
        return notFound();
    }
  }

  #postStatus(project: string, sha: string, body: any): Reply {
    if (!STATES.has(body?.state))
      return { status: 400, body: { message: 'state does not have a valid value' } };
    const name = typeof body.name === 'string' ? body.name : 'default';
    const latest = this.statuses.findLast((s) => s.project === project && s.sha === sha && s.name === name);
    if (latest && latest.state === body.state && UNFINISHED.has(latest.state)) {
      const via = body.state === 'pending' ? 'enqueue' : 'run';
      return {
        status: 400,
        body: {
          message: `Cannot transition status via :${via} from :${latest.state} (Reason(s): Status cannot transition via "${via}")`,
        },
      };
    }
    const status: GitLabStatus = {
      id: this.#nextId++,
      project,
      sha,
      name,
      state: body.state,
      target_url: body.target_url ?? null,
      description: body.description ?? null,
    };
    this.statuses.push(status);
    return { status: 201, body: { ...status, status: status.state } };
  }

  #createMergeRequest(project: string, body: any): Reply {
    if (!body?.source_branch || !body?.target_branch || !body?.title) {
      return { status: 400, body: { message: 'source_branch, target_branch, title are missing' } };
    }
    const open = this.pulls.find(
      (p) => p.project === project && p.state === 'opened' && p.source_branch === body.source_branch,
    );
    if (open) {
      return {
        status: 409,
        body: { message: [`Another open merge request already exists for this source branch: !${open.iid}`] },
      };
    }
    const iid = this.pulls.filter((p) => p.project === project).length + 1;
    const mr: GitLabMergeRequest = {
      id: this.#nextId++,
      iid,
      project,
      title: body.title,
      description: body.description ?? '',
      state: 'opened',
      source_branch: body.source_branch,
      target_branch: body.target_branch,
      sha: this.headOf(body.source_branch),
      web_url: `${this.origin}/${project}/-/merge_requests/${iid}`,
    };
    this.pulls.push(mr);
    return { status: 201, body: mergeRequestJson(mr) };
  }

  #listMergeRequests(project: string, query: URLSearchParams): unknown[] {
    const state = query.get('state');
    const source = query.get('source_branch');
    const target = query.get('target_branch');
    return this.pulls
      .filter(
        (p) =>
          p.project === project &&
          (!state || state === 'all' || p.state === state) &&
          (!source || p.source_branch === source) &&
          (!target || p.target_branch === target),
      )
      .reverse() // newest first, as GitLab orders by created_at desc
      .map(mergeRequestJson);
  }

  #editMergeRequest(project: string, iid: number, body: any): Reply {
    const mr = this.pulls.find((p) => p.project === project && p.iid === iid);
    if (!mr) return notFound('404 Not found');
    if (typeof body?.title === 'string') mr.title = body.title;
    if (typeof body?.description === 'string') mr.description = body.description;
    return { status: 200, body: mergeRequestJson(mr) };
  }

  #withMergeRequest(project: string, iid: string, then: (mr: GitLabMergeRequest) => Reply): Reply {
    const mr = this.pulls.find((p) => p.project === project && p.iid === Number(iid));
    return mr ? then(mr) : notFound('404 Not found');
  }

  #createNote(mr: GitLabMergeRequest, body: any): Reply {
    if (typeof body?.body !== 'string' || !body.body)
      return { status: 400, body: { message: 'body is missing' } };
    const note: GitLabNote = {
      id: this.#nextId++,
      project: mr.project,
      mergeRequestIid: mr.iid,
      body: body.body,
      system: false,
    };
    this.comments.push(note);
    return { status: 201, body: noteJson(note) };
  }

  #editNote(mr: GitLabMergeRequest, id: number, body: any): Reply {
    const note = this.comments.find(
      (n) => n.id === id && n.project === mr.project && n.mergeRequestIid === mr.iid,
    );
    if (!note) return notFound('404 Note Not Found');
    if (typeof body?.body !== 'string' || !body.body)
      return { status: 400, body: { message: 'body is missing' } };
    note.body = body.body;
    return { status: 200, body: noteJson(note) };
  }

  /** One page of `items` as GitLab answers it, with its paging headers and ETag. */
  #page(call: IncomingCall, items: unknown[]): Reply {
    const perPage = Math.min(100, Number(call.url.searchParams.get('per_page') ?? 20) || 20);
    const page = Math.max(1, Number(call.url.searchParams.get('page') ?? 1) || 1);
    const body = items.slice((page - 1) * perPage, page * perPage);
    const headers: Record<string, string> = {
      'x-page': String(page),
      'x-per-page': String(perPage),
      'x-total': String(items.length),
      'x-total-pages': String(Math.max(1, Math.ceil(items.length / perPage))),
      etag: weakEtag(body),
    };
    if (page * perPage < items.length) {
      const next = new URL(call.url);
      next.searchParams.set('page', String(page + 1));
      next.searchParams.set('per_page', String(perPage));
      headers['x-next-page'] = String(page + 1);
      headers.link = `<${next.href}>; rel="next"`;
    }
    if (this.honourIfNoneMatch && call.headers['if-none-match'] === headers.etag) {
      return { status: 304, headers: { etag: headers.etag } };
    }
    return { status: 200, headers, body };
  }
}

function notFound(message = '404 Project Not Found'): Reply {
  return { status: 404, body: { message } };
}

function mergeRequestJson(mr: GitLabMergeRequest): Record<string, unknown> {
  const { project: _project, ...rest } = mr;
  return rest;
}

function noteJson(note: GitLabNote): Record<string, unknown> {
  return { id: note.id, body: note.body, system: note.system, noteable_iid: note.mergeRequestIid };
}
