/**
 * Waiting on an application from the CLI (`app sync --wait`, `app wait`): poll its status
 * every 500 ms, print each change of the running operation, and decide from the status
 * alone whether it is done — the same judgement a script would make from `-o json`.
 */
import type { Application } from '../core/application.js';
import type { CapstanClient } from '../server/client.js';
import { sleep } from '../core/timers.js';
import { operationLine } from './app-view.js';
import { short } from './output.js';

export const POLL_INTERVAL_MS = 500;

export type Verdict = { done: false } | { done: true; ok: boolean; message: string };

const pending: Verdict = { done: false };

/**
 * Where a sync stands, given the `startedAt` of the operation before it was requested (a
 * different one is ours). Healthy and Synced at the operation's revision: done. The
 * operation Failed or rolled back, or the application Degraded once the objects are
 * applied: failed.
 */
export function syncVerdict(app: Application, before: string | undefined): Verdict {
  const status = app.status ?? {};
  const op = status.operationState;
  if (!op || op.startedAt === before) return pending;
  const name = app.metadata.name;
  if (op.phase === 'Failed' || op.phase === 'Error' || op.rolledBackTo) {
    const rolledBack = op.rolledBackTo ? ` (rolled back to ${short(op.rolledBackTo)})` : '';
    return { done: true, ok: false, message: `sync of ${name} failed${rolledBack}: ${op.message}` };
  }
  if (op.phase === 'Running') return pending;
  const health = status.health?.status;
  if (health === 'Degraded') {
    const why = status.health?.message ? `: ${status.health.message}` : '';
    return { done: true, ok: false, message: `${name} is Degraded${why}` };
  }
  const at = status.sync?.revision;
  if (health === 'Healthy' && status.sync?.status === 'Synced' && op.revision && at === op.revision)
    return { done: true, ok: true, message: `${name} is Healthy and Synced at ${short(at)}` };
  return pending;
}

/** `app wait`: Healthy (when `health`) and Synced (when `sync`); Degraded fails a health wait. */
export function waitVerdict(app: Application, want: { health: boolean; sync: boolean }): Verdict {
  const status = app.status ?? {};
  const name = app.metadata.name;
  const health = status.health?.status;
  if (want.health && health === 'Degraded') {
    const why = status.health?.message ? `: ${status.health.message}` : '';
    return { done: true, ok: false, message: `${name} is Degraded${why}` };
  }
  if ((want.health && health !== 'Healthy') || (want.sync && status.sync?.status !== 'Synced'))
    return pending;
  const parts = [want.health ? 'Healthy' : '', want.sync ? `Synced at ${short(status.sync?.revision)}` : ''];
  return { done: true, ok: true, message: `${name} is ${parts.filter(Boolean).join(' and ')}` };
}

/** What a progress line shows: the operation, and the application's sync and health. */
function progressLine(app: Application): string {
  const status = app.status ?? {};
  const op = status.operationState;
  const state = `[${status.sync?.status ?? 'Unknown'}, ${status.health?.status ?? 'Unknown'}]`;
  return op ? `${operationLine(op)} ${state}` : `waiting for the sync to start ${state}`;
}

/**
 * Polls until `verdict` is done or `timeoutMs` passes, printing each new progress line.
 * Returns the exit code: 0 done and ok, 1 failed or timed out.
 */
export async function pollUntilDone(
  client: CapstanClient,
  name: string,
  verdict: (app: Application) => Verdict,
  options: { timeoutMs: number; out: NodeJS.WritableStream; err: NodeJS.WritableStream; first?: Application },
): Promise<number> {
  const deadline = Date.now() + options.timeoutMs;
  let app = options.first ?? (await client.getApplication(name));
  let shown = '';
  for (;;) {
    const line = progressLine(app);
    if (line !== shown) options.out.write(`${line}\n`);
    shown = line;
    const v = verdict(app);
    if (v.done) {
      (v.ok ? options.out : options.err).write(v.ok ? `${v.message}\n` : `error: ${v.message}\n`);
      return v.ok ? 0 : 1;
    }
    if (Date.now() >= deadline) {
      options.err.write(`error: timed out after ${options.timeoutMs / 1000}s waiting for ${name}: ${line}\n`);
      return 1;
    }
    await sleep(Math.max(0, Math.min(POLL_INTERVAL_MS, deadline - Date.now())));
    app = await client.getApplication(name);
  }
}
