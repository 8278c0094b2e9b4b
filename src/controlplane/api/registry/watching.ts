/**
 * Watches as kube-apiserver serves them: optional initial ADDED events for the current
 * state, then every change in order; an object that starts or stops matching the
 * selectors arrives as ADDED or DELETED; bookmarks carry the last delivered
 * resourceVersion, so a client resuming from one misses nothing.
 */
import { setRepeatingTimer, type JsonObject } from '../../../core/index.js';
import type { Store, StoreEvent, StoreWatch } from '../../store/types.js';
import { ApiError, badRequest } from '../errors.js';
import type { ApiWatch, ApiWatchEvent, ResourceType, WatchOptions } from '../types.js';
import { asVersion } from './convert.js';
import type { LabelFilter } from './label-filter.js';
import { apiVersionOf } from './type-registry.js';

const BOOKMARK_EVERY_MS = 60_000;

export function startWatch(
  store: Store,
  type: ResourceType,
  namespace: string | undefined,
  options: WatchOptions,
  labels: LabelFilter,
  fields: (o: JsonObject) => boolean,
  onEvent: (e: ApiWatchEvent) => void,
): ApiWatch {
  const prefix = {
    group: type.group,
    resource: type.resource,
    namespace: type.namespaced ? namespace : undefined,
  };
  const matches = (o: JsonObject | undefined) => o !== undefined && labels.matches(o) && fields(o);
  const rvText = options.resourceVersion;
  let from: number;
  let initial: JsonObject[] = [];
  if (rvText === undefined || rvText === '' || rvText === '0' || options.sendInitialEvents) {
    // the initial state costs what a list does: the label index narrows it (see Registry.list)
    const listed = store.list(prefix, { labelEquals: labels.equalities });
    initial = listed.items.map((o) => o.value).filter(matches);
    from = listed.revision;
  } else {
    from = Number(rvText);
    if (!Number.isInteger(from) || from < 0)
      throw badRequest(`invalid resource version: ${JSON.stringify(rvText)}`);
  }
  let stopped = false;
  let lastRv = from;
  const emit = (e: ApiWatchEvent) => {
    if (stopped) return;
    try {
      onEvent(e);
    } catch {
      // the consumer's failure is its own; the watch goes on for the others
    }
  };
  let inner: StoreWatch;
  try {
    inner = store.watch(prefix, { fromRevision: from }, (e: StoreEvent) => {
      lastRv = e.revision;
      const before = e.previous;
      const after = e.type === 'DELETED' ? undefined : e.value;
      const was = matches(before);
      const is = matches(after);
      if (e.type === 'ADDED' && is) emit({ type: 'ADDED', object: asVersion(type, e.value) });
      else if (e.type === 'DELETED' && was) emit({ type: 'DELETED', object: asVersion(type, e.value) });
      else if (e.type === 'MODIFIED') {
        if (was && is) emit({ type: 'MODIFIED', object: asVersion(type, e.value) });
        else if (is) emit({ type: 'ADDED', object: asVersion(type, e.value) });
        else if (was) emit({ type: 'DELETED', object: asVersion(type, e.value) });
      }
    });
  } catch (e) {
    if ((e as { reason?: string }).reason === 'Expired') {
      throw new ApiError(
        410,
        'Expired',
        `too old resource version: ${from} (${store.oldestWatchableRevision})`,
      );
    }
    throw e;
  }
  const bookmark = (extra?: Record<string, string>) =>
    emit({
      type: 'BOOKMARK',
      object: {
        kind: type.kind,
        apiVersion: apiVersionOf(type),
        metadata: { resourceVersion: String(lastRv), ...(extra ? { annotations: extra } : {}) },
      },
    });
  if (initial.length > 0 || options.sendInitialEvents) {
    queueMicrotask(() => {
      // the closures of a watch share one scope: drop the list, or every long-lived watch
      // keeps the versions of the objects it started with
      const listed = initial;
      initial = [];
      for (const o of listed) emit({ type: 'ADDED', object: asVersion(type, o) });
      if (options.sendInitialEvents && options.allowWatchBookmarks)
        bookmark({ 'k8s.io/initial-events-end': 'true' });
    });
  }
  const timer = options.allowWatchBookmarks
    ? setRepeatingTimer(() => bookmark(), BOOKMARK_EVERY_MS)
    : undefined;
  timer?.unref();
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      if (timer) clearInterval(timer);
      inner.stop();
    },
  };
}
