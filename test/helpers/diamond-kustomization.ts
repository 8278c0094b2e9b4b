/**
 * A "doubling diamond" kustomization: a few kilobytes of YAML that render 2^levels
 * ConfigMaps. Level i has two branches `a` and `b`, each a kustomization that adds a
 * nameSuffix to the whole of level i-1; so level 1 holds 2 objects, level 2 four, …, and
 * 13 levels hold 8,192 — the hostile input of issue 10 (a valid but heavy render).
 */
import fs from 'node:fs';
import path from 'node:path';

/** The diamond's files by path; its top kustomization is `kustomization.yaml`. */
export function diamondFiles(levels: number): Record<string, string> {
  const files: Record<string, string> = {
    'l0/kustomization.yaml': 'resources: [config.yaml]\n',
    'l0/config.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: leaf\ndata:\n  key: value\n',
    'kustomization.yaml': `resources: [l${levels}]\n`,
  };
  for (let i = 1; i <= levels; i++) {
    files[`l${i}/kustomization.yaml`] = 'resources: [a, b]\n';
    for (const branch of ['a', 'b'])
      files[`l${i}/${branch}/kustomization.yaml`] = `nameSuffix: -${branch}\nresources: [../../l${i - 1}]\n`;
  }
  return files;
}

/** Writes the diamond under `dir`; returns the number of objects it renders. */
export function writeDiamond(dir: string, levels: number): number {
  for (const [file, text] of Object.entries(diamondFiles(levels))) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return 2 ** levels;
}
