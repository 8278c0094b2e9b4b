/**
 * Turning what an API server says (an HTTP code and a meta/v1 Status, or an ApiError in
 * process) into a ClusterError whose message names the object at fault.
 */
import { isJsonObject, type JsonValue } from '../core/index.js';
import { ClusterError } from './types.js';

/** `Deployment default/web`, `Namespace team-a`, or `Deployment` for a request on the whole kind. */
export function describe(kind: string, namespace: string | undefined, name?: string): string {
  if (!name) return namespace ? `${kind} in namespace ${namespace}` : kind;
  return namespace ? `${kind} ${namespace}/${name}` : `${kind} ${name}`;
}

// https://github.com/kubernetes/apimachinery/blob/master/pkg/api/errors/errors.go (reasonForError)
const REASON_BY_STATUS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  410: 'Gone',
  413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

export type Cause = { field?: string; message?: string; reason?: string };

/**
 * A ClusterError from a Status (or any body) and its HTTP code. `what` names the object;
 * the Status message follows it. A body that is not a Status (a proxy's HTML page) is
 * reduced to the code's reason.
 */
export function fromStatus(what: string, status: number, body: JsonValue | undefined, cause?: unknown) {
  const s = isJsonObject(body) && body.kind === 'Status' ? body : undefined;
  const code = typeof s?.code === 'number' && s.code > 0 ? s.code : status;
  const reason =
    (typeof s?.reason === 'string' && s.reason) || REASON_BY_STATUS[code] || `Status${code || 'Unknown'}`;
  const message = (typeof s?.message === 'string' && s.message) || `the server answered ${code} ${reason}`;
  const details = isJsonObject(s?.details) ? s.details : undefined;
  const causes: Cause[] = Array.isArray(details?.causes)
    ? details.causes.filter(isJsonObject).map((c) => {
        const out: Cause = {};
        if (typeof c.field === 'string') out.field = c.field;
        if (typeof c.message === 'string') out.message = c.message;
        if (typeof c.reason === 'string') out.reason = c.reason;
        return out;
      })
    : [];
  return new ClusterError(reason, code, `${what}: ${message}`, causes, cause);
}

/** The API server could not be reached at all: no HTTP status (0). */
export function unreachable(server: string, what: string, cause: unknown): ClusterError {
  const why = withoutUrlSecrets(cause instanceof Error ? cause.message : String(cause));
  return new ClusterError(
    'Unreachable',
    0,
    `${what}: cannot reach the Kubernetes API server at ${server}: ${why}`,
    [],
    cause,
  );
}

/** An object that names no namespace, of a namespaced kind. */
export function namespaceRequired(what: string): ClusterError {
  return new ClusterError('Invalid', 422, `${what}: metadata.namespace is required for this kind`, [
    {
      field: 'metadata.namespace',
      reason: 'FieldValueRequired',
      message: 'Required value: the kind is namespaced',
    },
  ]);
}

/** An object without metadata.name (server-side apply needs one; generateName is not enough). */
export function nameRequired(what: string): ClusterError {
  return new ClusterError('Invalid', 422, `${what}: metadata.name is required`, [
    { field: 'metadata.name', reason: 'FieldValueRequired', message: 'Required value: name is required' },
  ]);
}

/** A kind the server does not serve (a CRD not installed, or not yet established). */
export function kindNotServed(what: string, apiVersion: string, kind: string): ClusterError {
  return new ClusterError(
    'NotFound',
    404,
    `${what}: the server does not serve kind ${kind} in ${apiVersion}; is its CustomResourceDefinition installed?`,
  );
}

/**
 * Whether a watch may be tried again after this error: the server was busy, unreachable or
 * failed; not when it refused (Forbidden, NotFound, BadRequest), which only a person fixes.
 */
export function isTransient(e: ClusterError): boolean {
  return e.status === 0 || e.status === 429 || e.status >= 500;
}

/** Removes credentials, query and fragment from a URL before it goes into a message. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    u.search = '';
    u.hash = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(invalid URL)';
  }
}

/** A message with every URL in it reduced by `safeUrl` (no credentials, no query). */
export function withoutUrlSecrets(message: string): string {
  return message.replace(/\bhttps?:\/\/[^\s'",]+/g, (url) => safeUrl(url));
}

/** A cluster whose pods' logs cannot be read: nothing runs its pods (or serves their logs). */
export function logsUnavailable(cluster: string, what: string): ClusterError {
  return new ClusterError(
    'LogsUnavailable',
    501,
    `${what}: logs are not available on cluster ${cluster}: no node agent serves them`,
  );
}
