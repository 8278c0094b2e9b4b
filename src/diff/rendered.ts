/**
 * The difference between two renders of one environment, before and after a change to its
 * files (a promotion's edit, a pull request): for each object, its YAML before against its
 * YAML after, in unified format, Secret values masked. Unlike `unifiedDiff`, nothing here
 * is live: both sides are what Git renders, so API defaults and other managers never show.
 */
import { idOf, idString, stringifyYaml, type KubeObject } from '../core/index.js';
import { diffLines, hunks } from './line-diff.js';
import { maskSecretValues } from './mask.js';

export interface RenderedObjectDiff {
  /** `apps/v1 Deployment shop/web` */
  object: string;
  change: 'added' | 'removed' | 'changed';
  /** the unified diff, headed `--- before` / `+++ after` */
  diff: string;
}

const yamlLines = (obj: KubeObject | undefined) =>
  obj ? stringifyYaml(obj).replace(/\n$/, '').split('\n') : [];

function title(obj: KubeObject): string {
  const ns = obj.metadata?.namespace;
  return `${obj.apiVersion} ${obj.kind} ${ns ? `${ns}/` : ''}${obj.metadata?.name ?? ''}`;
}

/** The objects that differ between the two renders, in the order of `after` then the removed ones. */
export function renderedDiff(before: KubeObject[], after: KubeObject[], context = 3): RenderedObjectDiff[] {
  const earlier = new Map(before.map((o) => [idString(idOf(o)), o]));
  const out: RenderedObjectDiff[] = [];
  const add = (old: KubeObject | undefined, now: KubeObject | undefined) => {
    const [a, b] = maskSecretValues([old, now]);
    const hs = hunks(diffLines(yamlLines(a), yamlLines(b)), context);
    if (hs.length === 0) return;
    const lines = ['--- before', '+++ after'];
    for (const h of hs) lines.push(h.header, ...h.edits.map((e) => `${e.op}${e.line}`));
    out.push({
      object: title((now ?? old)!),
      change: !old ? 'added' : !now ? 'removed' : 'changed',
      diff: lines.join('\n') + '\n',
    });
  };
  for (const obj of after) {
    const id = idString(idOf(obj));
    add(earlier.get(id), obj);
    earlier.delete(id);
  }
  for (const obj of earlier.values()) add(obj, undefined);
  return out;
}
