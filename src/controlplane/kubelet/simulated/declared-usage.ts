/**
 * The resource usage a simulated pod claims, so the metrics API (and an HPA over it) has
 * something to report without processes. Two annotations, each either
 *   - one quantity: the pod's total, spread evenly over its app containers
 *     (`capstan.dev/simulated-cpu: 250m` on a pod with two containers → 125m each), or
 *   - `name=quantity` pairs: per container (`web=200m,sidecar=50m`); containers not named
 *     use nothing.
 * A container reports its share only while it runs; init containers never (they complete
 * at once here). No annotation, or a value that does not parse, means zero, as elsewhere
 * in annotations.ts: the pod itself is valid and a real runtime would run it. The values
 * are read again on every sync, so a test changes the load by updating the pod.
 */
import { isJsonObject, parseQuantity, type JsonObject } from '../../../core/index.js';

/** CPU, e.g. `250m` or `web=200m,sidecar=50m`. */
export const SIMULATED_CPU_ANNOTATION = 'capstan.dev/simulated-cpu';
/** Memory (working set), e.g. `64Mi` or `web=48Mi,sidecar=16Mi`. */
export const SIMULATED_MEMORY_ANNOTATION = 'capstan.dev/simulated-memory';

/** One declared resource: a pod total, or amounts by container name. */
type Declared = { total: number } | { byContainer: Map<string, number> };

/** What a pod declares, in nano-cores and bytes. */
export interface DeclaredUsage {
  cpu: Declared;
  memory: Declared;
}

const NONE: Declared = { total: 0 };

/** A quantity scaled to an integer unit (1e9 per core; 1 per byte); undefined if invalid. */
function amount(text: string, perUnit: number): number | undefined {
  try {
    const v = Math.round(parseQuantity(text.trim()) * perUnit);
    return Number.isFinite(v) && v >= 0 ? v : undefined;
  } catch {
    return undefined;
  }
}

function parseDeclared(value: unknown, perUnit: number): Declared {
  if (typeof value !== 'string' || value.trim() === '') return NONE;
  if (!value.includes('=')) {
    const total = amount(value, perUnit);
    return total === undefined ? NONE : { total };
  }
  const byContainer = new Map<string, number>();
  for (const part of value.split(',')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    const name = part.slice(0, eq).trim();
    const v = eq > 0 ? amount(part.slice(eq + 1), perUnit) : undefined;
    if (!name || v === undefined) return NONE;
    byContainer.set(name, v);
  }
  return { byContainer };
}

/** Reads the usage annotations of `pod`. */
export function readDeclaredUsage(pod: JsonObject): DeclaredUsage {
  const meta = isJsonObject(pod.metadata) ? pod.metadata : {};
  const ann = isJsonObject(meta.annotations) ? meta.annotations : {};
  return {
    cpu: parseDeclared(ann[SIMULATED_CPU_ANNOTATION], 1e9),
    memory: parseDeclared(ann[SIMULATED_MEMORY_ANNOTATION], 1),
  };
}

/**
 * The share of `containers[index]` (the pod's app containers, in spec order). An even
 * spread gives the remainder to the first containers so the shares add up to the total:
 * 100m over three containers is 33333334n, 33333333n, 33333333n.
 */
function shareOf(d: Declared, containers: readonly string[], index: number): number {
  if ('byContainer' in d) return d.byContainer.get(containers[index]) ?? 0;
  const n = containers.length;
  return Math.floor(d.total / n) + (index < d.total % n ? 1 : 0);
}

/** The declared CPU (nano-cores) and memory (bytes) of one app container. */
export function declaredShare(
  declared: DeclaredUsage,
  containers: readonly string[],
  name: string,
): { cpuNanoCores: number; memoryBytes: number } {
  const index = containers.indexOf(name);
  if (index < 0) return { cpuNanoCores: 0, memoryBytes: 0 };
  return {
    cpuNanoCores: shareOf(declared.cpu, containers, index),
    memoryBytes: shareOf(declared.memory, containers, index),
  };
}
