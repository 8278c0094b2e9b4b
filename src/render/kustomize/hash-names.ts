/**
 * kustomize's HashTransformer: generated objects that ask for it get their content hash
 * appended to the name (`app-config` → `app-config-7g2h5bk9mt`). Run once at the end of
 * the build, after every prefix and suffix; a `transformers:` entry may run it earlier
 * too, and then the names carry two hashes, as with kustomize.
 */
import { contentHashSuffix } from './generators/index.js';
import { storePreviousId } from './ids.js';
import type { Resource } from './types.js';

export function addContentHashes(resources: readonly Resource[]): void {
  for (const res of resources) {
    if (!res.generated?.hash) continue;
    const suffix = contentHashSuffix(res.obj);
    storePreviousId(res);
    res.obj.metadata.name = `${res.obj.metadata.name}-${suffix}`;
  }
}
