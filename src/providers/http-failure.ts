/**
 * What went wrong with one API call, whatever client made it. Each maintained client throws
 * its own shape: @octokit/rest a RequestError (`status`, `response.headers`, `response.data`),
 * @gitbeaker/rest an error whose `cause.response` is the fetch Response, gitea-js the Response
 * itself; fetch fails with a TypeError whose `cause` carries the socket error's `code`.
 */

/** Response headers as the clients hand them over: a fetch `Headers` or a plain object. */
export type HeaderBag = { get(name: string): string | null } | Record<string, unknown>;

export type CallFailure =
  | { kind: 'http'; status: number; headers: HeaderBag; detail?: string }
  | { kind: 'network'; code: string }
  | { kind: 'other' };

/** Socket and DNS errors worth another try (the API may be back in a moment). */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** One header's value, case-insensitively, from either shape. */
export function headerOf(headers: HeaderBag | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof headers.get === 'function') {
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  }
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined || value === null) continue;
    return Array.isArray(value) ? String(value[0]) : String(value);
  }
  return undefined;
}

type Loose = Record<string, any> | undefined;

function asObject(value: unknown): Loose {
  return typeof value === 'object' && value !== null ? (value as Record<string, any>) : undefined;
}

/** A Response-like value: a numeric status and headers. */
function responseOf(value: unknown): { status: number; headers: HeaderBag; body?: unknown } | undefined {
  const r = asObject(value);
  if (!r || typeof r.status !== 'number' || !asObject(r.headers)) return undefined;
  return { status: r.status, headers: r.headers as HeaderBag, body: r.data ?? r.error ?? r.body };
}

/** The provider's own words about a failure (`{"message": …}` on GitHub, Gitea, GitLab), if any. */
function detailOf(...candidates: unknown[]): string | undefined {
  for (const c of candidates) {
    const o = asObject(c);
    const text = typeof c === 'string' ? c : (o?.message ?? o?.error?.message ?? o?.error);
    if (typeof text === 'string' && text.trim()) return text.trim().slice(0, 300);
  }
  return undefined;
}

/** Sorts a thrown value into an HTTP answer, a network failure, or anything else. */
export function describeFailure(error: unknown): CallFailure {
  const e = asObject(error);
  if (!e) return { kind: 'other' };
  // fetch fails with TypeError('fetch failed') and the socket error as cause; Octokit wraps
  // that once more in a RequestError with status 500 and no response, so look at causes first.
  for (let c: Loose = e, depth = 0; c && depth < 4; c = asObject(c.cause), depth++) {
    if (typeof c.code === 'string' && NETWORK_CODES.has(c.code)) return { kind: 'network', code: c.code };
  }
  for (let c: Loose = e, depth = 0; c && depth < 4; c = asObject(c.cause), depth++) {
    if (c instanceof TypeError && c.message === 'fetch failed')
      return { kind: 'network', code: 'FETCH_FAILED' };
  }
  // @octokit/request-error: status on the error, headers on its response; gitea-js throws
  // the fetch Response itself, its parsed body as `error`.
  if (typeof e.status === 'number' && e.status >= 400) {
    const response = asObject(e.response);
    const headers = (response?.headers ?? e.headers ?? {}) as HeaderBag;
    return { kind: 'http', status: e.status, headers, detail: detailOf(response?.data, e.error) };
  }
  // A Response carried as `response` or `cause.response` (gitbeaker).
  for (const candidate of [e.response, asObject(e.cause)?.response]) {
    const response = responseOf(candidate);
    if (response && response.status >= 400) {
      return {
        kind: 'http',
        status: response.status,
        headers: response.headers,
        detail: detailOf(response.body, asObject(e.cause)?.description),
      };
    }
  }
  return { kind: 'other' };
}
