/**
 * The workload of the crash test, shared by the writer child and the checking parent:
 * each writer performs a fixed sequence of steps, awaiting each, so after a crash its
 * committed steps are exactly the acknowledged ones, or those plus the one in flight.
 */
import type { StoreWrite } from '../../../src/controlplane/store/index.js';
import { cm, value } from './helpers.js';

/** The writes of step `s` of writer `w` in run `run`. */
export function stepWrites(run: string, w: number, s: number): StoreWrite[] {
  const base = `${run}-w${w}-${Math.floor(s / 4)}`;
  const data = { run, w, s };
  switch (s % 4) {
    case 0:
      return [{ op: 'create', key: cm(base), value: value(cm(base), data) }];
    case 1:
      return [{ op: 'update', key: cm(base), value: value(cm(base), data) }];
    case 2:
      return [
        { op: 'create', key: cm(`${base}-a`), value: value(cm(`${base}-a`), data) },
        { op: 'create', key: cm(`${base}-b`), value: value(cm(`${base}-b`), data) },
      ];
    default:
      return Math.floor(s / 4) % 2
        ? [{ op: 'delete', key: cm(base) }]
        : [{ op: 'update', key: cm(`${base}-a`), value: value(cm(`${base}-a`), data) }];
  }
}

/** What writer `w` of `run` should have stored after its first `steps` steps: name → (step, revision if known). */
export function expectedState(
  run: string,
  w: number,
  steps: number,
  revisions: number[][],
): Map<string, { s: number; revision?: number }> {
  const state = new Map<string, { s: number; revision?: number }>();
  for (let s = 0; s < steps; s++) {
    stepWrites(run, w, s).forEach((write, i) => {
      if (write.op === 'delete') state.delete(write.key.name);
      else state.set(write.key.name, { s, revision: revisions[s]?.[i] });
    });
  }
  return state;
}

/** The prefix of every object name writer `w` of `run` writes. */
export const writerPrefix = (run: string, w: number) => `${run}-w${w}-`;
