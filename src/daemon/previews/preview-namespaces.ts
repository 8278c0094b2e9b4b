/**
 * Each preview's namespace on its destination cluster. The reconciler's CreateNamespace
 * never deletes what it created (a namespace may hold what others put there), so the
 * namespace is created here first, labelled with its PreviewSet, and deleted here once
 * the preview's Application is gone — found by that label, so a restart in between
 * leaves nothing behind.
 */
import { PREVIEW_SET_LABEL, PULL_REQUEST_LABEL } from '../../core/index.js';
import type { Cluster } from '../../cluster/index.js';
import { PREVIEW_FIELD_MANAGER } from './preview-store.js';

const namespaceRef = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', name });

/** Creates the preview's namespace when it is missing. */
export async function ensurePreviewNamespace(
  cluster: Cluster,
  name: string,
  set: string,
  number: number,
): Promise<void> {
  if (await cluster.get(namespaceRef(name))) return;
  await cluster.apply(
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name, labels: { [PREVIEW_SET_LABEL]: set, [PULL_REQUEST_LABEL]: String(number) } },
    },
    { fieldManager: PREVIEW_FIELD_MANAGER },
  );
}

/**
 * Deletes the namespaces of `set` whose preview Application does not exist (any more);
 * returns their names. `exists` says whether a preview Application of that name exists.
 */
export async function sweepPreviewNamespaces(
  cluster: Cluster,
  set: string,
  exists: (name: string) => boolean,
): Promise<string[]> {
  const namespaces = await cluster.list('v1', 'Namespace', { labelSelector: `${PREVIEW_SET_LABEL}=${set}` });
  const gone: string[] = [];
  for (const ns of namespaces) {
    const name = ns.metadata.name!;
    if (exists(name) || ns.metadata.deletionTimestamp) continue;
    await cluster.delete(namespaceRef(name));
    gone.push(name);
  }
  return gone;
}
