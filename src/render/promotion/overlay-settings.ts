/**
 * An overlay's effective `images:`, `replicas:` and configMapGenerator literals: its own
 * entries composed over those of its bases and components, in the order a build applies
 * them (kustomize/target.ts: resources and their bases first, then components, then the
 * kustomization's own transformers). Kustomizations are read through the renderer's loader,
 * so the same root restriction, cycle check and limits hold; no manifest is read.
 *
 * Two bases may disagree (one sets `shop:1.0`, the other `shop:2.0`): each value is kept
 * as an alternative, and the caller refuses a change whose value is not one. A base that
 * sets nothing for an image is assumed not to hold it (only a render could tell).
 */
import { CapstanError } from '../../core/errors.js';
import { loadChild, type Target } from '../kustomize/target.js';
import { parseLiteral } from '../kustomize/generators/sources.js';
import type { Kustomization } from '../kustomize/types.js';
import { compose, outputName, sameSetting, settingOfRule } from './image-settings.js';
import type { ImageSetting } from './types.js';

/** One value an overlay gives, and the kustomization file that gave it. */
export interface Sourced<T> {
  value: T;
  via: string;
}

export interface OverlaySettings {
  /** image name in the manifests → the distinct settings the chain gives it (one unless bases disagree) */
  images: Map<string, Sourced<ImageSetting>[]>;
  /** workload name → the distinct counts */
  replicas: Map<string, Sourced<number>[]>;
  /** configMapGenerator name → literal key → value (later generators win, as merge/replace do) */
  literals: Map<string, { values: Map<string, string>; via: string }>;
}

export const emptySettings = (): OverlaySettings => ({
  images: new Map(),
  replicas: new Map(),
  literals: new Map(),
});

/** What `t`'s bases and components give, before its own fields apply. */
export function inheritedSettings(t: Target): OverlaySettings {
  let state = emptySettings();
  for (const entry of t.k.resources ?? []) {
    const dir = t.loader.resolveDirectory(entry, 'resource');
    if (dir) state = mergeSettings(state, effectiveSettings(loadChild(t, dir, entry)));
  }
  for (const entry of t.k.components ?? []) {
    const dir = t.loader.resolveDirectory(entry, 'component');
    if (!dir) {
      throw new CapstanError('RENDER_FILE_NOT_FOUND', `${t.file}: component '${entry}' is not a directory`, {
        file: t.file,
        path: entry,
      });
    }
    // a component's transformers act on everything its parent has accumulated so far
    const component = loadChild(t, dir, entry);
    state = applyOwn(mergeSettings(state, inheritedSettings(component)), component.k, component.file);
  }
  return state;
}

/** What `t` gives: its inherited settings with its own fields applied. */
export function effectiveSettings(t: Target): OverlaySettings {
  return applyOwn(inheritedSettings(t), t.k, t.file);
}

/** `k`'s own replicas, images and generators applied to `state` (a new value). */
export function applyOwn(state: OverlaySettings, k: Kustomization, via: string): OverlaySettings {
  const out: OverlaySettings = {
    images: new Map(state.images),
    replicas: new Map(state.replicas),
    literals: new Map(state.literals),
  };
  for (const g of k.configMapGenerator ?? []) {
    if (g.name === undefined) continue; // the build refuses it with its own error
    const own = new Map<string, string>();
    for (const literal of g.literals ?? []) {
      const parsed = parseLiteral(String(literal));
      if (!('error' in parsed)) own.set(parsed.key, parsed.value);
    }
    const earlier = out.literals.get(g.name)?.values;
    const values = g.behavior === 'merge' && earlier ? new Map([...earlier, ...own]) : own;
    out.literals.set(g.name, { values, via });
  }
  // replicas before images, as run-transformers.ts applies them
  for (const r of k.replicas ?? []) out.replicas.set(String(r.name), [{ value: Number(r.count), via }]);
  for (const rule of k.images ?? []) applyImageRule(out.images, String(rule.name), settingOfRule(rule), via);
  return out;
}

/**
 * One `images:` entry: it acts on every image whose name, as earlier rules left it, is
 * `name`, and on images first named `name` that no earlier rule touched. (kustomize matches
 * the name as an unescaped regular expression; names are compared as text here, since a
 * name that matches others through a `.` is an accident nobody promotes on purpose.)
 */
function applyImageRule(
  images: Map<string, Sourced<ImageSetting>[]>,
  name: string,
  rule: ImageSetting,
  via: string,
): void {
  for (const [key, alternatives] of images) {
    if (!alternatives.some((a) => outputName(key, a.value) === name)) continue;
    images.set(
      key,
      dedupe(
        alternatives.map((a) =>
          outputName(key, a.value) === name ? { value: compose(a.value, rule), via } : a,
        ),
        sameSetting,
      ),
    );
  }
  if (!images.has(name)) images.set(name, [{ value: compose({}, rule), via }]);
}

/** Two bases' settings side by side (a diamond's shared base counts once). */
function mergeSettings(a: OverlaySettings, b: OverlaySettings): OverlaySettings {
  const join = <T>(
    x: Map<string, Sourced<T>[]>,
    y: Map<string, Sourced<T>[]>,
    same: (p: T, q: T) => boolean,
  ) => {
    const out = new Map(x);
    for (const [key, values] of y) out.set(key, dedupe([...(out.get(key) ?? []), ...values], same));
    return out;
  };
  return {
    images: join(a.images, b.images, sameSetting),
    replicas: join(a.replicas, b.replicas, (p, q) => p === q),
    literals: new Map([...a.literals, ...b.literals]),
  };
}

function dedupe<T>(values: Sourced<T>[], same: (p: T, q: T) => boolean): Sourced<T>[] {
  return values.filter((v, i) => values.findIndex((w) => same(w.value, v.value)) === i);
}
