/**
 * A "doubling diamond" kustomization: a few kilobytes of YAML that render
 * leaves × 2^levels ConfigMaps. Level 0 holds `leaves` ConfigMaps; level i has two
 * branches `a` and `b`, each a kustomization that adds a nameSuffix to the whole of level
 * i-1. 13 levels of one leaf are the hostile input of issue 10 (8,192 objects, over the
 * default render limits); 10 levels of 8 leaves render as many objects within them.
 */
import fs from 'node:fs';
import path from 'node:path';

/** The diamond's files by path; its top kustomization is `kustomization.yaml`. */
export function diamondFiles(levels: number, leaves = 1): Record<string, string> {
  const leaf = (i: number) =>
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: leaf${i || ''}\ndata:\n  key: value\n`;
  const files: Record<string, string> = {
    'l0/kustomization.yaml': 'resources: [config.yaml]\n',
    'l0/config.yaml': Array.from({ length: leaves }, (_, i) => leaf(i)).join('---\n'),
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
export function writeDiamond(dir: string, levels: number, leaves = 1): number {
  for (const [file, text] of Object.entries(diamondFiles(levels, leaves))) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return leaves * 2 ** levels;
}
