/**
 * The disruption controller (kube-controller-manager's pkg/controller/disruption): for each
 * PodDisruptionBudget it finds the pods its selector picks in its namespace, works out how
 * many are expected and must stay healthy (disruption/), and writes the status the eviction
 * API and health checks read — the counts, `disruptionsAllowed`, `observedGeneration` and
 * the DisruptionAllowed condition. When the budget cannot be computed (a selector that does
 * not compile, a controller whose scale cannot be found) it fails safe: no disruptions,
 * DisruptionAllowed False/SyncFailed with the cause.
 */
import type { JsonObject } from '../../core/index.js';
import type { EventRecorder, ReconcileResult } from '../../runtime/index.js';
import { formatLabelSelector, selectorMatches } from '../api/kinds/apps/label-selector.js';
import type { Registry } from '../api/registry/registry.js';
import { keyOf, splitKey, type ControllerSpec } from './controller-host.js';
import { writeStatus } from './controller-util.js';
import {
  budgetStatus,
  countHealthyPods,
  disruptedPodMap,
  expectedPods,
  failedStatus,
  podsSelectedBy,
  registryScaleFinder,
  type ExpectedPods,
  type Pod,
  type PodDisruptionBudget,
  type PodDisruptionBudgetStatus,
} from './disruption/index.js';

const PDBS = { group: 'policy', version: 'v1', resource: 'poddisruptionbudgets' };
const MANAGER = 'disruption-controller';

export interface DisruptionControllerOptions {
  /** Events on budgets: no pods, pods without a controller, a count that cannot be worked out */
  events?: EventRecorder;
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export function disruptionController(
  registry: Registry,
  options: DisruptionControllerOptions = {},
): ControllerSpec {
  const findScale = registryScaleFinder(registry);
  const budgetsIn = (namespace: string): JsonObject[] =>
    registry.store.list({ group: PDBS.group, resource: PDBS.resource, namespace }).items.map((o) => o.value);
  const namespaceOf = (obj: JsonObject) => String((obj.metadata as JsonObject).namespace ?? '');

  /** The budgets whose selector picks this pod (a pod that changed labels is looked up before and after). */
  const budgetsSelecting = (pod: JsonObject): string[] =>
    budgetsIn(namespaceOf(pod))
      .filter((b) =>
        selectorMatches((b.spec as JsonObject | undefined)?.selector, (pod.metadata as JsonObject).labels),
      )
      .map(keyOf);

  /** The status the budget should have now, or a thrown cause; events as upstream's trySync. */
  function compute(found: JsonObject, namespace: string, now: Date) {
    const pdb = found as unknown as PodDisruptionBudget;
    const all = registry.store.list({ group: '', resource: 'pods', namespace }).items.map((o) => o.value);
    let pods: Pod[];
    try {
      pods = podsSelectedBy(pdb, all as unknown as Pod[]);
    } catch (e) {
      options.events?.event(found, 'Warning', 'NoPods', `Failed to get pods: ${message(e)}`);
      throw e;
    }
    if (pods.length === 0) options.events?.event(found, 'Normal', 'NoPods', 'No matching pods found');
    let expected: ExpectedPods;
    try {
      expected = expectedPods(pdb, pods, findScale);
    } catch (e) {
      const why = `Failed to calculate the number of expected pods: ${message(e)}`;
      options.events?.event(found, 'Warning', 'CalculateExpectedPodCountFailed', why);
      throw e;
    }
    if (expected.unmanagedPods.length > 0) {
      options.events?.event(
        found,
        'Warning',
        'UnmanagedPods',
        `Pods selected by this PodDisruptionBudget (selector: ${formatLabelSelector(pdb.spec.selector as JsonObject)}) ` +
          'were found to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may ' +
          'result in undefined behavior. To account for these pods please set ".spec.minAvailable" field of the PDB ' +
          'to an integer value.',
      );
    }
    const { disruptedPods, recheckAt } = disruptedPodMap(pdb, pods, now);
    const counts = {
      currentHealthy: countHealthyPods(pods, disruptedPods),
      desiredHealthy: expected.desiredHealthy,
      expectedCount: expected.expectedCount,
      disruptedPods,
    };
    return { status: budgetStatus(pdb, counts, now), recheckAt };
  }

  return {
    name: MANAGER,
    primary: { group: PDBS.group, resource: PDBS.resource },
    watches: [
      { group: PDBS.group, resource: PDBS.resource, keys: (o) => [keyOf(o)] },
      { group: '', resource: 'pods', keys: budgetsSelecting },
      // Upstream reads the scales only when a budget or pod changes; looking again when a
      // workload changes lets a scaled Deployment's budget follow at once, and a budget
      // that failed for want of a controller recover when it appears.
      ...['deployments', 'replicasets', 'statefulsets'].map((resource) => ({
        group: 'apps',
        resource,
        keys: (o: JsonObject) => budgetsIn(namespaceOf(o)).map(keyOf),
      })),
    ],
    async reconcile(key): Promise<ReconcileResult> {
      const { namespace, name } = splitKey(key);
      const found = registry.store.get({
        group: PDBS.group,
        resource: PDBS.resource,
        namespace,
        name,
      })?.value;
      if (!found) return;
      const now = registry.now();
      let status: PodDisruptionBudgetStatus;
      let recheckAt: number | undefined;
      try {
        ({ status, recheckAt } = compute(found, namespace, now));
      } catch (e) {
        status = failedStatus(found as unknown as PodDisruptionBudget, message(e), now);
      }
      await writeStatus(registry, PDBS, namespace, name, status, MANAGER);
      // an evicted pod that is still not being deleted stops counting as gone at recheckAt
      return recheckAt === undefined ? undefined : { requeueAfter: recheckAt - now.getTime() };
    },
  };
}
