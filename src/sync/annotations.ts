/**
 * The labels and annotations Capstan reads and writes on objects, in one place. They
 * mirror Argo CD's (`argocd.argoproj.io/sync-wave` → `capstan.dev/sync-wave`, …) so that
 * its users know them.
 */

/** On every object an application applies: the application's name (for listing and pruning). */
export const APP_LABEL = 'capstan.dev/app';
/**
 * On every object an application applies: `<app>:<group>/<kind>:<namespace>/<name>`. An
 * object carrying the label but another id was copied, not applied (and is never pruned).
 */
export const TRACKING_ANNOTATION = 'capstan.dev/tracking-id';
/** Integer, default 0: lower waves are applied, and must be healthy, before higher ones. */
export const SYNC_WAVE_ANNOTATION = 'capstan.dev/sync-wave';
/** `PreSync`, `Sync`, `PostSync`, `SyncFail` (comma-separated for several): the object is a hook. */
export const HOOK_ANNOTATION = 'capstan.dev/hook';
/** `BeforeHookCreation` (default), `HookSucceeded`, `HookFailed` (comma-separated). */
export const HOOK_DELETE_POLICY_ANNOTATION = 'capstan.dev/hook-delete-policy';
/** Comma-separated options: `Prune=false` keeps the object when Git drops it. */
export const SYNC_OPTIONS_ANNOTATION = 'capstan.dev/sync-options';

/** The tracking id of an object of `app`. */
export function trackingId(
  app: string,
  obj: { apiVersion: string; kind: string; metadata: { name?: string; namespace?: string } },
): string {
  const slash = obj.apiVersion.indexOf('/');
  const group = slash < 0 ? '' : obj.apiVersion.slice(0, slash);
  return `${app}:${group}/${obj.kind}:${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`;
}
