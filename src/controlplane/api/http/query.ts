/** Query parameters of resource requests, parsed and checked as kube-apiserver does. */
import { isJsonObject, type JsonValue } from '../../../core/index.js';
import { badRequest } from '../errors.js';
import type { DeleteOptions, ListOptions, WatchOptions, WriteOptions } from '../types.js';

/** Go's strconv.ParseBool, which the real server's parameter codec uses. */
function parseBool(name: string, value: string): boolean {
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False', ''].includes(value)) return false;
  throw badRequest(`invalid value for ${name}: "${value}" is not a boolean`);
}

function parseInteger(name: string, value: string): number {
  if (!/^-?\d+$/.test(value)) throw badRequest(`invalid value for ${name}: "${value}" is not an integer`);
  return Number(value);
}

const str = (q: URLSearchParams, name: string) => q.get(name) ?? undefined;

function bool(q: URLSearchParams, name: string): boolean | undefined {
  const v = q.get(name);
  return v === null ? undefined : parseBool(name, v);
}

function int(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  return v === null || v === '' ? undefined : parseInteger(name, v);
}

/** `dryRun=All` is the only value Kubernetes defines; anything else is refused. */
function dryRun(values: readonly string[]): boolean | undefined {
  if (values.length === 0) return undefined;
  for (const v of values) {
    if (v !== 'All') throw badRequest(`Invalid dryRun value: "${v}", valid values are: All`);
  }
  return true;
}

/** True for `?watch=true` (or 1, …). */
export function isWatch(q: URLSearchParams): boolean {
  return bool(q, 'watch') ?? false;
}

export function listOptions(q: URLSearchParams): ListOptions {
  const options: ListOptions = {};
  const labelSelector = str(q, 'labelSelector');
  const fieldSelector = str(q, 'fieldSelector');
  const limit = int(q, 'limit');
  const cont = str(q, 'continue');
  const resourceVersion = str(q, 'resourceVersion');
  if (labelSelector) options.labelSelector = labelSelector;
  if (fieldSelector) options.fieldSelector = fieldSelector;
  if (limit !== undefined) {
    if (limit < 0) throw badRequest(`invalid value for limit: ${limit} must be non-negative`);
    if (limit > 0) options.limit = limit;
  }
  if (cont) options.continue = cont;
  if (resourceVersion !== undefined) options.resourceVersion = resourceVersion;
  return options;
}

export function watchOptions(q: URLSearchParams): WatchOptions {
  const { labelSelector, fieldSelector, resourceVersion } = listOptions(q);
  const options: WatchOptions = {};
  if (labelSelector) options.labelSelector = labelSelector;
  if (fieldSelector) options.fieldSelector = fieldSelector;
  if (resourceVersion !== undefined) options.resourceVersion = resourceVersion;
  const timeoutSeconds = int(q, 'timeoutSeconds');
  if (timeoutSeconds !== undefined && timeoutSeconds > 0) options.timeoutSeconds = timeoutSeconds;
  const bookmarks = bool(q, 'allowWatchBookmarks');
  if (bookmarks !== undefined) options.allowWatchBookmarks = bookmarks;
  const initial = bool(q, 'sendInitialEvents');
  if (initial !== undefined) options.sendInitialEvents = initial;
  return options;
}

const fieldValidations = ['Strict', 'Warn', 'Ignore'] as const;

export function writeOptions(q: URLSearchParams): WriteOptions {
  const options: WriteOptions = {};
  if (dryRun(q.getAll('dryRun'))) options.dryRun = true;
  const fieldManager = str(q, 'fieldManager');
  if (fieldManager) options.fieldManager = fieldManager;
  const force = bool(q, 'force');
  if (force !== undefined) options.force = force;
  const validation = str(q, 'fieldValidation');
  if (validation) {
    const known = fieldValidations.find((v) => v === validation);
    if (!known) {
      throw badRequest(
        `invalid fieldValidation directive: ${validation}, valid values are: Strict, Warn, Ignore`,
      );
    }
    options.fieldValidation = known;
  }
  return options;
}

const propagationPolicies = ['Foreground', 'Background', 'Orphan'] as const;

function propagation(value: JsonValue | undefined): DeleteOptions['propagationPolicy'] {
  if (value === undefined || value === null || value === '') return undefined;
  const known = propagationPolicies.find((p) => p === value);
  if (!known) {
    throw badRequest(
      `invalid propagationPolicy: ${String(value)}, valid values are: Foreground, Background, Orphan`,
    );
  }
  return known;
}

/**
 * Delete options from the query and from an optional DeleteOptions body; the body wins,
 * as it is the newer, typed form clients such as kubectl send.
 */
export function deleteOptions(q: URLSearchParams, body: JsonValue | undefined): DeleteOptions {
  const options: DeleteOptions = {};
  if (dryRun(q.getAll('dryRun'))) options.dryRun = true;
  const policy = propagation(str(q, 'propagationPolicy'));
  if (policy) options.propagationPolicy = policy;
  const grace = int(q, 'gracePeriodSeconds');
  if (grace !== undefined) options.gracePeriodSeconds = grace;
  if (body === undefined || body === null) return options;
  if (!isJsonObject(body)) throw badRequest('the request body must be a DeleteOptions object');
  if (Array.isArray(body.dryRun) && dryRun(body.dryRun.map(String))) options.dryRun = true;
  const bodyPolicy = propagation(body.propagationPolicy);
  if (bodyPolicy) options.propagationPolicy = bodyPolicy;
  if (typeof body.gracePeriodSeconds === 'number') options.gracePeriodSeconds = body.gracePeriodSeconds;
  if (isJsonObject(body.preconditions)) {
    const { uid, resourceVersion } = body.preconditions;
    options.preconditions = {};
    if (typeof uid === 'string') options.preconditions.uid = uid;
    if (typeof resourceVersion === 'string') options.preconditions.resourceVersion = resourceVersion;
  }
  return options;
}
