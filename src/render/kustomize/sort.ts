/**
 * Output order (kustomize's SortOrderTransformer). `legacy` (the default) ranks kinds so
 * that what others depend on comes first — Namespaces, CRDs, RBAC, ConfigMaps, Services,
 * then workloads — and webhook configurations last; `fifo` keeps the build's own order.
 */
import { CapstanError } from '../../core/errors.js';
import { gvkOf, type Gvk } from '../../core/object.js';
import { LEGACY_ORDER_FIRST, LEGACY_ORDER_LAST } from './builtin-config/index.js';
import type { Resource, SortOptions } from './types.js';

const gvkSortString = (g: Gvk) => `${g.group || '~G'}_${g.version || '~V'}_${g.kind || '~K'}`;

/** Returns the resources in the order `options` asks for (legacy when unset). */
export function sortResources(
  resources: Resource[],
  options: SortOptions | undefined,
  source: string,
): Resource[] {
  const order = options?.order ?? 'legacy';
  if (order !== 'legacy' && order !== 'fifo') {
    throw new CapstanError(
      'RENDER_KUSTOMIZATION_INVALID',
      `${source}: sortOptions.order must be legacy or fifo, got '${order}'`,
      {
        file: source,
      },
    );
  }
  if (order === 'fifo') {
    if (options?.legacySortOptions) {
      throw new CapstanError(
        'RENDER_KUSTOMIZATION_INVALID',
        `${source}: sortOptions.legacySortOptions is set but the order is 'fifo', not 'legacy'`,
        { file: source },
      );
    }
    return resources;
  }
  const first = options?.legacySortOptions
    ? (options.legacySortOptions.orderFirst ?? [])
    : LEGACY_ORDER_FIRST;
  const last = options?.legacySortOptions ? (options.legacySortOptions.orderLast ?? []) : LEGACY_ORDER_LAST;
  const rank = new Map<string, number>();
  first.forEach((k, i) => rank.set(k, i - first.length));
  last.forEach((k, i) => rank.set(k, i + 1));

  const keyed = resources.map((res) => {
    const gvk = gvkOf(res.obj);
    const g = gvk.group || '[noGrp]';
    const v = gvk.version || '[noVer]';
    return {
      res,
      gvk,
      rank: rank.get(gvk.kind) ?? 0,
      gvkKey: gvkSortString(gvk),
      // kyaml's Gvk.String() is kind.version.group
      idKey: `${gvk.kind}.${v}.${g}|${res.obj.metadata.namespace || '~X'}|${res.obj.metadata.name || '~N'}`,
    };
  });
  keyed.sort((a, b) => {
    const sameGvk =
      a.gvk.group === b.gvk.group && a.gvk.version === b.gvk.version && a.gvk.kind === b.gvk.kind;
    if (!sameGvk) {
      if (a.rank !== b.rank) return a.rank - b.rank;
      // kustomize puts a core Namespace after other groups' Namespace kinds
      if (
        a.gvk.kind === 'Namespace' &&
        b.gvk.kind === 'Namespace' &&
        (a.gvk.group === '' || b.gvk.group === '')
      ) {
        return cmp(b.gvkKey, a.gvkKey);
      }
      return cmp(a.gvkKey, b.gvkKey);
    }
    return cmp(a.idKey, b.idKey);
  });
  return keyed.map((k) => k.res);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
