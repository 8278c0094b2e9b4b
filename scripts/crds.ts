/**
 * Writes manifests/crds/*.yaml from the CRDs the daemon installs (src/daemon/crds.ts), so
 * the published files are never edited by hand. Run with `npm run crds`; a test fails when
 * the files are stale.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { crdManifests } from '../src/daemon/crds.js';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'manifests', 'crds');
fs.mkdirSync(dir, { recursive: true });
for (const { file, text } of crdManifests()) {
  fs.writeFileSync(path.join(dir, file), text);
  console.log(`wrote ${path.relative(process.cwd(), path.join(dir, file))}`);
}
