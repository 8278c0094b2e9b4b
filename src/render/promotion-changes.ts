/**
 * What a promotion changes (issue 12, "Environments and promotion", step 2): given a
 * source and a target overlay of one repository, the edits of the target's own
 * kustomization that make it run what the source runs — image names, tags and digests
 * from the overlays' effective `images:`, and, when asked, `replicas:` counts and named
 * configMapGenerator literals. Nothing else: an image, count or literal only the target
 * sets is left alone (it may belong to something only the target runs).
 *
 * Pure: it reads the kustomization files through the renderer's loader (root restriction,
 * symlinks, cycles and limits as in a render) and no manifest.
 */
import path from 'node:path';
import { newBuildContext } from './kustomize/build.js';
import { RootedLoader } from './kustomize/loader.js';
import { loadTarget, type Target } from './kustomize/target.js';
import type { Image } from './kustomize/types.js';
import { resolveSource } from './root.js';
import { promoteError } from './promotion/errors.js';
import { imageSetters, type ImageSetter } from './promotion/image-setters.js';
import { entryAfterChange, outputName, sameSetting, settingOfRule } from './promotion/image-settings.js';
import {
  applyOwn,
  effectiveSettings,
  inheritedSettings,
  type OverlaySettings,
  type Sourced,
} from './promotion/overlay-settings.js';
import type { ImageSetting, PromotionChange, PromotionInclude } from './promotion/types.js';

export type { ImageSetting, PromotionChange, PromotionInclude } from './promotion/types.js';
export { describeChange } from './promotion/describe.js';

export interface PromotionChangesOptions {
  include?: PromotionInclude;
  /** paths in messages are relative to this (default: the repository root) */
  displayRoot?: string;
}

export interface PromotionChanges {
  /** exactly the differences, in the source's order: images, then replicas, then literals */
  changes: PromotionChange[];
  /** the target's kustomization file, relative to the repository root with `/` (the file to edit) */
  file: string;
  /** the same file as an absolute real path */
  absolutePath: string;
}

/**
 * The changes that make `targetDir` run what `sourceDir` runs. Both directories are
 * overlays of the repository at `repoRoot` (relative paths are taken from it). Throws
 * RENDER_* for a kustomization that does not load, PROMOTE_* when the answer is not one
 * value or cannot be written in the target's own kustomization (see promotion/errors.ts).
 */
export function promotionChanges(
  repoRoot: string,
  sourceDir: string,
  targetDir: string,
  options: PromotionChangesOptions = {},
): PromotionChanges {
  const displayRoot = options.displayRoot ?? repoRoot;
  const source = loadOverlay(repoRoot, sourceDir, displayRoot);
  const target = loadOverlay(repoRoot, targetDir, displayRoot);
  if (source.loader.dir === target.loader.dir) {
    throw promoteError(
      'PROMOTE_INVALID_ARGUMENT',
      target.file,
      'the source and the target are the same overlay',
    );
  }
  refuseImagesSetElsewhere(source, target);

  const sourceSettings = effectiveSettings(source);
  const inherited = inheritedSettings(target);
  const targetSettings = applyOwn(inherited, target.k, target.file);
  const changes: PromotionChange[] = [
    ...imageChanges(sourceSettings, targetSettings, inherited, source.file, target),
    ...(options.include?.replicas
      ? replicaChanges(sourceSettings, targetSettings, source.file, target.file)
      : []),
    ...literalChanges(
      sourceSettings,
      targetSettings,
      options.include?.configMapLiterals ?? [],
      source,
      target,
    ),
  ];
  const realRoot = resolveSource(repoRoot, repoRoot, displayRoot).repoRoot;
  const absolutePath = path.join(target.loader.dir, target.fileName);
  return { changes, file: path.relative(realRoot, absolutePath).split(path.sep).join('/'), absolutePath };
}

function loadOverlay(repoRoot: string, dir: string, displayRoot: string): Target {
  const real = resolveSource(path.resolve(repoRoot, dir), repoRoot, displayRoot);
  const ctx = newBuildContext(real.repoRoot, { displayRoot });
  return loadTarget(new RootedLoader(real.dir, ctx), []);
}

/**
 * Patches, replacements and plugins that set images in either overlay: the promotion
 * would miss them (a replacement or plugin overrides `images:`; a patch that differs
 * between the overlays is a difference `images:` does not carry).
 */
function refuseImagesSetElsewhere(source: Target, target: Target): void {
  const setters = (t: Target) => imageSetters(t.k, t.file, (p) => t.loader.readFile(p));
  const fromSource = setters(source);
  const fromTarget = setters(target);
  const opaque = [...fromSource, ...fromTarget].find((s) => s.kind !== 'patch');
  if (opaque) {
    throw promoteError(
      'PROMOTE_IMAGE_SET_ELSEWHERE',
      opaque.where,
      `a ${opaque.kind === 'plugin' ? 'transformer plugin' : 'replacement'} sets container images, which a promotion (an edit of images:) cannot follow; set the image with an images: entry instead`,
    );
  }
  const written = (list: ImageSetter[]) => list.flatMap((s) => s.images).sort();
  const a = written(fromSource);
  const b = written(fromTarget);
  if (a.join('\n') !== b.join('\n')) {
    const odd = [...fromSource, ...fromTarget].find((s) =>
      s.images.some((i) => !a.includes(i) || !b.includes(i)),
    );
    throw promoteError(
      'PROMOTE_IMAGE_SET_ELSEWHERE',
      odd?.where ?? target.file,
      `a patch sets image ${odd?.images.find((i) => !a.includes(i) || !b.includes(i)) ?? ''} and the other overlay's patches do not set the same images; a promotion edits only images:, so move the image into an images: entry`,
    );
  }
}

function single<T>(
  values: Sourced<T>[] | undefined,
  what: string,
  file: string,
  show: (v: T) => string,
): T | undefined {
  if (values === undefined || values.length === 0) return undefined;
  if (values.length > 1) {
    throw promoteError(
      'PROMOTE_AMBIGUOUS',
      file,
      `its bases disagree on ${what}: ${values.map((v) => `${v.via} gives ${show(v.value)}`).join(', ')}; set it in the overlay itself`,
    );
  }
  return values[0]!.value;
}

const showSetting = (s: ImageSetting) => JSON.stringify(s);

function imageChanges(
  source: OverlaySettings,
  target: OverlaySettings,
  inherited: OverlaySettings,
  sourceFile: string,
  t: Target,
): PromotionChange[] {
  const changes: PromotionChange[] = [];
  const rules: Image[] = [...(t.k.images ?? [])];
  /** entry name → the image key whose change edits it */
  const edited = new Map<string, string>();
  for (const [key, values] of source.images) {
    const to = single(values, `image ${key}`, sourceFile, showSetting);
    if (to === undefined || Object.keys(to).length === 0) continue;
    const from = single(target.images.get(key), `image ${key}`, t.file, showSetting) ?? {};
    if (sameSetting(from, to)) continue;
    const names = [
      ...new Set((inherited.images.get(key) ?? [{ value: {} }]).map((v) => outputName(key, v.value))),
    ];
    if (names.length > 1) {
      throw promoteError(
        'PROMOTE_AMBIGUOUS',
        t.file,
        `its bases rename image ${key} differently (${names.join(', ')})`,
      );
    }
    const name = names[0]!;
    const at = rules.map((r, i) => (String(r.name) === name ? i : -1)).filter((i) => i >= 0);
    if (at.length > 1) {
      throw promoteError(
        'PROMOTE_KUSTOMIZATION_UNEDITABLE',
        t.file,
        `images: has ${at.length} entries named ${name}; keep one`,
      );
    }
    const current = at.length ? settingOfRule(rules[at[0]!]!) : undefined;
    const entry = entryAfterChange(current, from, to);
    const earlier = edited.get(name);
    if (earlier !== undefined) {
      // images first named `shop` and `ghcr.io/acme/shop` both reach the entry
      // ghcr.io/acme/shop once a base renames the first: one edit must serve both
      if (sameSetting(entry, current!)) continue;
      throw promoteError(
        'PROMOTE_AMBIGUOUS',
        t.file,
        `images ${earlier} and ${key} both take their setting from the images: entry ${name}, and the source runs them differently`,
      );
    }
    edited.set(name, key);
    if (at.length) rules[at[0]!] = { name, ...entry };
    else rules.push({ name, ...entry });
    changes.push({ kind: 'image', name, from, to });
  }
  // the edited entries, applied over what the bases give, must give every image the
  // source's setting and leave the others as they were
  const after = applyOwn(inherited, { ...t.k, images: rules }, t.file).images;
  for (const key of new Set([...source.images.keys(), ...target.images.keys()])) {
    const want = source.images.get(key)?.[0]?.value;
    const expected =
      want && Object.keys(want).length > 0 ? [want] : (target.images.get(key) ?? []).map((v) => v.value);
    const got = (after.get(key) ?? []).map((v) => v.value);
    const same = got.length === expected.length && got.every((g) => expected.some((e) => sameSetting(e, g)));
    if (!same) {
      const before = (target.images.get(key) ?? []).map((v) => showSetting(v.value)).join(' or ') || '{}';
      throw promoteError(
        'PROMOTE_UNREPRESENTABLE',
        t.file,
        `no edit of this file's images: gives image ${key} what the source runs (${expected.map(showSetting).join(' or ')}) without changing other images: its bases give ${before}; set the image in each overlay rather than in a base`,
      );
    }
  }
  return changes;
}

function replicaChanges(
  source: OverlaySettings,
  target: OverlaySettings,
  sourceFile: string,
  file: string,
): PromotionChange[] {
  const changes: PromotionChange[] = [];
  for (const [name, values] of source.replicas) {
    const to = single(values, `replicas of ${name}`, sourceFile, String)!;
    const from = single(target.replicas.get(name), `replicas of ${name}`, file, String);
    if (from !== to) changes.push({ kind: 'replicas', name, from, to });
  }
  return changes;
}

function literalChanges(
  source: OverlaySettings,
  target: OverlaySettings,
  generators: readonly string[],
  s: Target,
  t: Target,
): PromotionChange[] {
  const changes: PromotionChange[] = [];
  for (const generator of generators) {
    if (generator === '')
      throw promoteError('PROMOTE_INVALID_ARGUMENT', t.file, 'a configMapLiterals name is empty');
    const want = source.literals.get(generator);
    if (!want) {
      throw promoteError(
        'PROMOTE_INVALID_ARGUMENT',
        s.file,
        `neither it nor its bases have a configMapGenerator named ${generator}`,
      );
    }
    const have = target.literals.get(generator);
    if (!have) {
      throw promoteError(
        'PROMOTE_UNREPRESENTABLE',
        t.file,
        `neither it nor its bases have a configMapGenerator named ${generator} to take the source's literals; add one first`,
      );
    }
    for (const [key, to] of want.values) {
      const from = have.values.get(key);
      if (from !== to) changes.push({ kind: 'configMapLiteral', generator, key, from, to });
    }
  }
  return changes;
}
