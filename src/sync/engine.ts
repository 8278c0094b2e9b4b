/**
 * One sync of one application, start to end, in one call: the resumable steps of
 * operation.ts driven by a loop that reads health again every `pollMs`. For callers that
 * can afford to wait (tests, the CLI); the daemon drives the steps itself.
 */
import { setTimer, type KubeObject } from '../core/index.js';
import { continueSync, startSync } from './operation.js';
import type { SyncOptions, SyncResult } from './options.js';

export type { SyncEvent, SyncOptions, SyncResult, SyncedResource } from './options.js';
export { planAgainstLive } from './against-live.js';

export async function syncApplication(
  app: string,
  desired: KubeObject[],
  options: SyncOptions,
): Promise<SyncResult> {
  let step = await startSync(app, desired, options);
  while (!step.done) {
    await pause(options.pollMs ?? 500, options.signal);
    step = await continueSync(step.operation, options);
  }
  return step.result;
}

/** Resolves after `ms`; rejects with the signal's reason as soon as it aborts. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  signal?.throwIfAborted();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimer(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
