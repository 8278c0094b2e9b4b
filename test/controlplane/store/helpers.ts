/** Shared fixtures for the store tests: temp data dirs, keys, values and event collectors. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { JsonObject } from '../../../src/core/index.js';
import type {
  Store,
  StoreEvent,
  StoreKey,
  StorePrefix,
  WatchOptions,
} from '../../../src/controlplane/store/index.js';

/** A fresh directory under the OS temp dir (the store creates `data/` inside it). */
export function tempDataDir(label: string): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `capstan-store-${label}-`));
  return path.join(root, 'data');
}

/** Removes a directory made by `tempDataDir`. */
export function removeDataDir(dataDir: string): void {
  fs.rmSync(path.dirname(dataDir), { recursive: true, force: true });
}

export const configmaps: StorePrefix = { group: '', resource: 'configmaps' };
export const deployments: StorePrefix = { group: 'apps', resource: 'deployments' };

/** A configmap key (namespace `default` unless given). */
export function cm(name: string, namespace = 'default'): StoreKey {
  return { group: '', resource: 'configmaps', namespace, name };
}

/** A minimal object for a key, with some data. */
export function value(key: StoreKey, data: JsonObject = {}): JsonObject {
  const metadata: JsonObject = { name: key.name };
  if (key.namespace) metadata.namespace = key.namespace;
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata, data };
}

/** Collects a watch's events; `until(n)` resolves once n have arrived. */
export function collect(store: Store, prefix: StorePrefix, options: WatchOptions = {}) {
  const events: StoreEvent[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  const watch = store.watch(prefix, options, (e) => {
    events.push(e);
    for (const w of waiters.filter((w) => events.length >= w.n)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  });
  return {
    events,
    watch,
    until(n: number): Promise<void> {
      if (events.length >= n) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ n, resolve }));
    },
  };
}

/** Yields to the event loop `turns` times (lets queued flushes and deliveries run). */
export async function settle(turns = 3): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((r) => setImmediate(r));
}
