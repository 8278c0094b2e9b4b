/**
 * Reading the sync annotations of one object: its wave, its hook phases and delete
 * policies, its sync options. A value Capstan cannot read is refused with an error that
 * names the object, the annotation and what to write instead, rather than ignored as
 * Argo CD does: a typo in a hook or wave would otherwise change the order silently.
 */
import { CapstanError, type KubeObject } from '../../core/index.js';
import {
  HOOK_ANNOTATION,
  HOOK_DELETE_POLICY_ANNOTATION,
  SYNC_OPTIONS_ANNOTATION,
  SYNC_WAVE_ANNOTATION,
} from '../annotations.js';
import type { HookDeletePolicy, HookPhase } from './types.js';

const HOOK_PHASES: readonly HookPhase[] = ['PreSync', 'Sync', 'PostSync', 'SyncFail'];
const DELETE_POLICIES: readonly HookDeletePolicy[] = ['BeforeHookCreation', 'HookSucceeded', 'HookFailed'];
/** Argo CD's `Skip`: the object is in Git but neither applied nor pruned. */
const SKIP = 'Skip';

function annotation(obj: KubeObject, name: string): string | undefined {
  return obj.metadata.annotations?.[name];
}

function csv(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

// Go's strconv.Atoi syntax (what Argo CD parses the wave with): an optional sign and
// decimal digits, nothing around them.
const INTEGER = /^[+-]?[0-9]+$/;

/** Parses a wave annotation's value; undefined when it is not a (safe) integer. */
export function parseWave(value: string): number | undefined {
  if (!INTEGER.test(value)) return undefined;
  const wave = Number(value);
  return Number.isSafeInteger(wave) ? wave : undefined;
}

/**
 * The object's wave: the integer in `capstan.dev/sync-wave`, 0 without it. `what` names
 * the object in the error (`Deployment shop/web (object #3)`).
 */
export function readWave(obj: KubeObject, what: string): number {
  const value = annotation(obj, SYNC_WAVE_ANNOTATION);
  if (value === undefined) return 0;
  const wave = parseWave(value);
  if (wave === undefined) {
    throw new CapstanError(
      'SYNC_INVALID_WAVE',
      `${what}: annotation ${SYNC_WAVE_ANNOTATION} is ${JSON.stringify(value)}, not an integer; ` +
        `write a whole number such as "-1", "0" or "5"`,
      { object: what, annotation: SYNC_WAVE_ANNOTATION, value },
    );
  }
  return wave;
}

/** The wave of a live object: as `readWave`, but 0 for an unreadable value (it is only deleted). */
export function readLiveWave(obj: KubeObject): number {
  const value = annotation(obj, SYNC_WAVE_ANNOTATION);
  return (value === undefined ? undefined : parseWave(value)) ?? 0;
}

export type HookMarking = { kind: 'none' } | { kind: 'skip' } | { kind: 'hook'; phases: HookPhase[] };

/** Whether the object is a hook (and for which phases, in phase order), skipped, or neither. */
export function readHook(obj: KubeObject, what: string): HookMarking {
  const value = annotation(obj, HOOK_ANNOTATION);
  if (value === undefined) return { kind: 'none' };
  const entries = csv(value);
  const refuse = (reason: string): never => {
    throw new CapstanError(
      'SYNC_INVALID_HOOK',
      `${what}: annotation ${HOOK_ANNOTATION} is ${JSON.stringify(value)}: ${reason}`,
      { object: what, annotation: HOOK_ANNOTATION, value },
    );
  };
  if (entries.length === 0) refuse(`name a phase: ${HOOK_PHASES.join(', ')} (or ${SKIP})`);
  if (entries.includes(SKIP)) {
    if (entries.length > 1) refuse(`${SKIP} cannot be combined with a phase`);
    return { kind: 'skip' };
  }
  for (const entry of entries) {
    if (!(HOOK_PHASES as readonly string[]).includes(entry)) {
      refuse(`${JSON.stringify(entry)} is not a phase; use ${HOOK_PHASES.join(', ')} or ${SKIP}`);
    }
  }
  return { kind: 'hook', phases: HOOK_PHASES.filter((p) => entries.includes(p)) };
}

/** A hook's delete policies, in a fixed order; `BeforeHookCreation` when none is given (as Argo CD). */
export function readDeletePolicies(obj: KubeObject, what: string): HookDeletePolicy[] {
  const value = annotation(obj, HOOK_DELETE_POLICY_ANNOTATION);
  const entries = value === undefined ? [] : csv(value);
  for (const entry of entries) {
    if (!(DELETE_POLICIES as readonly string[]).includes(entry)) {
      throw new CapstanError(
        'SYNC_INVALID_HOOK_DELETE_POLICY',
        `${what}: annotation ${HOOK_DELETE_POLICY_ANNOTATION} is ${JSON.stringify(value)}: ` +
          `${JSON.stringify(entry)} is not a delete policy; use ${DELETE_POLICIES.join(', ')}`,
        { object: what, annotation: HOOK_DELETE_POLICY_ANNOTATION, value },
      );
    }
  }
  if (entries.length === 0) return ['BeforeHookCreation'];
  return DELETE_POLICIES.filter((p) => entries.includes(p));
}

/** Whether the object's sync options hold `Prune=false`. */
export function pruneDisabled(obj: KubeObject): boolean {
  const value = annotation(obj, SYNC_OPTIONS_ANNOTATION);
  return value !== undefined && csv(value).includes('Prune=false');
}
