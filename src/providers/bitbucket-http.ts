/**
 * HTTP for Bitbucket Cloud's REST API 2.0 over Node's fetch: Atlassian publishes no Node
 * client for it, and the community `bitbucket` package (node-bitbucket) is unofficial and
 * generated from an old copy of the API description; Capstan needs five calls, so it makes them
 * itself. One call = one request (withRetries retries); errors hold the status, headers and
 * Bitbucket's message, never the request (which carries the token). Paged lists follow `next`
 * only on the API's own origin, so the token is never sent elsewhere.
 * https://developer.atlassian.com/cloud/bitbucket/rest/intro/#pagination
 */
import type { EtagPages, PageTally } from './etag-pages.js';
import { providerError } from './errors.js';

/** No single call may hang a sync's feedback longer than this. */
const REQUEST_TIMEOUT_MS = 30_000;

/** An HTTP answer of 400 or more, in the shape describeFailure (http-failure.ts) reads. */
export class BitbucketHttpError extends Error {
  readonly status: number;
  readonly response: { headers: Headers; data: { message?: string } };

  constructor(status: number, headers: Headers, message: string | undefined) {
    super(`Bitbucket answered ${status}${message ? `: ${message}` : ''}`);
    this.name = 'BitbucketHttpError';
    this.status = status;
    this.response = { headers, data: { message } };
  }
}

/** One page of a Bitbucket list. */
interface Page<T> {
  values?: T[];
  next?: string;
}

export class BitbucketHttp {
  readonly #origin: string;
  readonly #token: string;

  constructor(apiUrl: string, token: string) {
    this.#origin = new URL(apiUrl).origin;
    this.#token = token;
  }

  /** Sends one request with a JSON body (if any) and returns the JSON answer. */
  async send<T>(method: string, url: string, body?: unknown): Promise<T> {
    const { json } = await this.#fetch(method, url, body);
    return json as T;
  }

  /**
   * Every value of a paged list from `url` on. With `conditional`, each page is asked with
   * If-None-Match and a 304 is answered from the kept page.
   */
  async all<T>(url: string, conditional?: { pages: EtagPages; tally: PageTally }): Promise<T[]> {
    const values: T[] = [];
    for (let next: string | undefined = url; next;) {
      if (new URL(next).origin !== this.#origin) {
        throw providerError(
          'PROVIDER_BAD_RESPONSE',
          `bitbucket: the next page of a list is on another host (${new URL(next).origin}); the token is not sent there`,
          { provider: 'bitbucket' },
        );
      }
      const page: Page<T> = await (conditional
        ? this.#conditionalPage<T>(next, conditional)
        : this.send('GET', next));
      values.push(...(page.values ?? []));
      next = page.next;
    }
    return values;
  }

  async #conditionalPage<T>(
    url: string,
    { pages, tally }: { pages: EtagPages; tally: PageTally },
  ): Promise<Page<T>> {
    const { status, json, headers } = await this.#fetch('GET', url, undefined, pages.conditionFor(url));
    tally.pages++;
    const kept = pages.kept(url);
    if (status === 304 && kept) {
      tally.notModified++;
      return kept.body as Page<T>;
    }
    pages.keep(url, headers.get('etag'), json, {});
    return json as Page<T>;
  }

  async #fetch(method: string, url: string, body?: unknown, extra: Record<string, string> = {}) {
    const headers: Record<string, string> = {
      accept: 'application/json',
      authorization: `Bearer ${this.#token}`,
      ...extra,
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (e) {
      if (e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError')) {
        throw Object.assign(new Error('Bitbucket did not answer in time'), { code: 'ETIMEDOUT' });
      }
      throw e;
    }
    const text = response.status === 204 || response.status === 304 ? '' : await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = text;
    }
    if (response.status >= 400)
      throw new BitbucketHttpError(response.status, response.headers, messageOf(json));
    return { status: response.status, json, headers: response.headers };
  }
}

/** Bitbucket's words: `{"type": "error", "error": {"message": "…", "fields": {"url": ["…"]}}}`. */
function messageOf(body: unknown): string | undefined {
  if (typeof body === 'string') return body.trim().slice(0, 300) || undefined;
  const error = (body as { error?: { message?: unknown; fields?: unknown } } | undefined)?.error;
  if (!error || typeof error.message !== 'string') return undefined;
  const fields = error.fields ? ` ${JSON.stringify(error.fields)}` : '';
  return `${error.message}${fields}`.slice(0, 300);
}
