/**
 * Lets a test end, stall and expire the control plane's watches, in process and over HTTP
 * alike: it wraps the Registry's `watch`, which the HTTP server calls too. Only watches of
 * the namespaces a test names are touched, so tests that run at the same time do not meet.
 */
import { ApiError, type Api, type ApiWatchEvent } from '../../src/controlplane/index.js';
import type { JsonObject } from '../../src/core/index.js';

interface Live {
  namespace: string | undefined;
  suspended: boolean;
  onEvent: (e: ApiWatchEvent) => void;
  stop: () => void;
}

export interface WatchControl {
  /** how many watches were opened in `namespace` */
  opened(namespace: string): number;
  /** the namespace's watches stay open but deliver nothing, like a stalled connection */
  suspend(namespace: string): void;
  /** the server ends the namespace's watches with an ERROR event carrying `status` */
  end(namespace: string, status: JsonObject): void;
  /** the next watch opened in `namespace` from a resourceVersion fails with 410 Expired */
  expireNext(namespace: string): void;
}

export function status(code: number, reason: string, message: string): JsonObject {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code, reason, message };
}

export function controlWatches(api: Api): WatchControl {
  const original = api.watch.bind(api);
  const live = new Set<Live>();
  const opened = new Map<string, number>();
  const expire = new Set<string>();
  api.watch = (gvr, namespace, options, onEvent) => {
    const ns = namespace ?? '';
    if (expire.has(ns) && options.resourceVersion && options.resourceVersion !== '0') {
      expire.delete(ns);
      throw new ApiError(410, 'Expired', `too old resource version: ${options.resourceVersion}`);
    }
    const entry: Live = { namespace, suspended: false, onEvent, stop: () => {} };
    const inner = original(gvr, namespace, options, (e) => {
      if (!entry.suspended) onEvent(e);
    });
    opened.set(ns, (opened.get(ns) ?? 0) + 1);
    entry.stop = () => {
      live.delete(entry);
      inner.stop();
    };
    live.add(entry);
    return { stop: () => entry.stop() };
  };
  const of = (ns: string) => [...live].filter((w) => w.namespace === ns);
  return {
    opened: (ns) => opened.get(ns) ?? 0,
    suspend(ns) {
      for (const w of of(ns)) w.suspended = true;
    },
    end(ns, s) {
      for (const w of of(ns)) {
        w.onEvent({ type: 'ERROR', object: s });
        w.stop();
      }
    },
    expireNext(ns) {
      expire.add(ns);
    },
  };
}
