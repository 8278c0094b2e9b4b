/**
 * The request handler Capstan gives @gitbeaker/rest's resources (its documented seam,
 * `requesterFn`), over Node's fetch. Gitbeaker's own handler is not used because it retries
 * 429 and 502 ten times a few milliseconds apart, ignoring Retry-After and `ratelimit-reset`,
 * which withRetries (retry.ts) then multiplies; and it cannot send If-None-Match. This one
 * makes exactly one HTTP call, throws an error holding the status, headers and GitLab's
 * message (never the request, which carries the token), and answers conditional lists from
 * EtagPages.
 */
import {
  createRequesterFn,
  type FormattedResponse,
  type RequesterType,
  type ResourceOptions,
} from '@gitbeaker/requester-utils';
import type { EtagPages, PageTally } from './etag-pages.js';

/** An HTTP answer of 400 or more, in the shape describeFailure (http-failure.ts) reads. */
export class GitLabHttpError extends Error {
  readonly status: number;
  readonly response: { headers: Headers; data: { message?: string } };

  constructor(status: number, headers: Headers, message: string | undefined) {
    super(`GitLab answered ${status}${message ? `: ${message}` : ''}`);
    this.name = 'GitLabHttpError';
    this.status = status;
    this.response = { headers, data: { message } };
  }
}

/** Conditional GETs for one listing: where pages are kept, and the tally of this listing. */
export interface Conditional {
  pages: EtagPages;
  tally: PageTally;
}

interface HandlerOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | FormData;
  searchParams?: string;
  prefixUrl?: string;
  signal?: AbortSignal;
}

/** A `requesterFn` for gitbeaker's resources; with `conditional`, its GETs are conditional. */
export function gitlabRequester(conditional?: Conditional): (options: ResourceOptions) => RequesterType {
  return createRequesterFn(
    async (_resource, options) => options,
    (endpoint, options) => request(endpoint, (options ?? {}) as HandlerOptions, conditional),
  );
}

async function request(endpoint: string, options: HandlerOptions, conditional?: Conditional) {
  const base = options.prefixUrl?.endsWith('/') ? options.prefixUrl : `${options.prefixUrl ?? ''}/`;
  const url = new URL(endpoint, base);
  url.search = options.searchParams ?? '';
  const method = options.method ?? 'GET';
  const useEtag = conditional !== undefined && method === 'GET';
  const headers = { ...options.headers, ...(useEtag ? conditional.pages.conditionFor(url.href) : {}) };
  let response: Response;
  try {
    response = await fetch(url, { method, headers, body: options.body, signal: options.signal });
  } catch (e) {
    // gitbeaker's query timeout aborts the call: a network failure worth another try
    if (e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError')) {
      throw Object.assign(new Error('GitLab did not answer in time'), { code: 'ETIMEDOUT' });
    }
    throw e;
  }
  if (useEtag) conditional.tally.pages++;
  if (response.status === 304 && useEtag) {
    const kept = conditional.pages.kept(url.href);
    if (kept) {
      conditional.tally.notModified++;
      return { body: kept.body, headers: kept.headers, status: 200 } as FormattedResponse;
    }
  }
  const body = await readBody(response);
  if (!response.ok) throw new GitLabHttpError(response.status, response.headers, messageOf(body));
  const plainHeaders = Object.fromEntries(response.headers.entries());
  if (useEtag) conditional.pages.keep(url.href, response.headers.get('etag'), body, plainHeaders);
  return { body, headers: plainHeaders, status: response.status } as FormattedResponse;
}

async function readBody(response: Response): Promise<any> {
  if (response.status === 204 || response.status === 304) return null;
  const text = await response.text();
  if ((response.headers.get('content-type') ?? '').includes('json') && text) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

/** GitLab's words: `{"message": "404 Not found"}`, `{"message": {"title": ["is missing"]}}`, `{"error": "…"}`. */
function messageOf(body: unknown): string | undefined {
  if (typeof body === 'string') return body.trim().slice(0, 300) || undefined;
  if (typeof body !== 'object' || body === null) return undefined;
  const said = (body as Record<string, unknown>).message ?? (body as Record<string, unknown>).error;
  if (said === undefined) return undefined;
  return (typeof said === 'string' ? said : JSON.stringify(said)).slice(0, 300);
}
