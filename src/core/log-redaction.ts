/**
 * What the logger does to every record before it is written: no credential reaches a log,
 * whatever a caller passes. Text loses URL user info (redactText), secret-looking query
 * parameters and Authorization values; a field whose name says it holds a secret
 * (`token`, `webhookSecret`, `password`, …) is replaced whole.
 *
 * A walk of our own rather than pino's `redact` paths: those name exact paths, and what must
 * be caught here is any field whose name ends in a secret word, at any depth, and any
 * string that embeds a credential.
 */
import { redactText } from './redact-url.js';

export const REDACTED = '***';

// `webhookSecret`, `bearerToken`, `api_key`; not `secretName` or `tokenFile`, which name a secret's place
const SECRET_FIELD = /(token|secret|password|passwd|authorization|api[-_]?key|credentials?|cookie)$/i;
// `?access_token=…`, `&sig=…`, `&X-Amz-Signature=…`
const SECRET_QUERY = /([?&][\w.-]*(?:token|secret|password|key|sig|signature)[\w.-]*=)[^&#\s"']+/gi;
// `Bearer eyJhb…`: a credential has a digit somewhere, which keeps prose ("Basic authentication") intact
const AUTH_VALUE = /\b(Bearer|Basic)\s+(?=[\w.~+/=-]*\d)[\w.~+/=-]{8,}/gi;
// deeper than any record a caller writes on purpose; the rest would only be noise
const MAX_DEPTH = 6;

/** Free text fit for a log: no URL user info, secret query parameter or Authorization value. */
export function redactLogText(text: string): string {
  return redactText(text).replace(SECRET_QUERY, `$1${REDACTED}`).replace(AUTH_VALUE, `$1 ${REDACTED}`);
}

/** A copy of a record's fields with every string redacted and secret-named fields replaced. */
export function redactLogFields(fields: object): Record<string, unknown> {
  return redactObject(fields, 0);
}

function redactObject(obj: object, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj)) {
    out[key] =
      SECRET_FIELD.test(key) && value !== undefined && value !== null && value !== ''
        ? REDACTED
        : redactValue(value, depth + 1);
  }
  return out;
}

function redactValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return redactLogText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > MAX_DEPTH) return '[nested too deep]';
  if (value instanceof Error) return errorFields(value, depth);
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return redactValue((value as { toJSON(): unknown }).toJSON(), depth + 1);
  }
  return redactObject(value, depth);
}

/** An error as pino's serializer shows one (type, message, stack), plus Capstan's code and data. */
function errorFields(err: Error, depth: number): Record<string, unknown> {
  const e = err as Error & { code?: unknown; data?: unknown };
  const out: Record<string, unknown> = { type: e.name, message: redactLogText(e.message) };
  if (e.code !== undefined) out.code = e.code;
  if (e.data !== undefined) out.data = redactValue(e.data, depth + 1);
  if (e.stack) out.stack = redactLogText(e.stack);
  if (e.cause !== undefined) out.cause = redactValue(e.cause, depth + 1);
  return out;
}
