/**
 * The Endpoints of a Service, computed from its pods as the endpoints controller does:
 * pods in the Service's namespace whose labels match its selector and that have an IP;
 * ready pods go to `addresses`, the others to `notReadyAddresses`; terminating pods are
 * left out. With the process runtime every pod listens on its own host port, so pods are
 * grouped into subsets by their resolved port numbers.
 */
import { isJsonObject, type JsonObject, type JsonValue } from '../../../core/index.js';

/** Maps a pod's containerPort to the port it is reached on (the process runtime's host port). */
export type PortResolver = (pod: JsonObject, containerPort: number) => number;

const identity: PortResolver = (_pod, port) => port;

function labelsMatch(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  const keys = Object.keys(selector);
  return keys.length > 0 && keys.every((k) => labels?.[k] === selector[k]);
}

export function isPodReady(pod: JsonObject): boolean {
  const conds = (pod.status as { conditions?: Array<{ type?: string; status?: string }> } | undefined)
    ?.conditions;
  return conds?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** The containerPort a Service targetPort names on this pod (a number, or a port name). */
function containerPortFor(
  pod: JsonObject,
  targetPort: JsonValue | undefined,
  port: number,
): number | undefined {
  if (targetPort === undefined || targetPort === null) return port;
  if (typeof targetPort === 'number') return targetPort;
  if (/^\d+$/.test(String(targetPort))) return Number(targetPort);
  const containers = ((pod.spec as JsonObject | undefined)?.containers ?? []) as JsonObject[];
  for (const c of containers) {
    for (const p of (c.ports ?? []) as JsonObject[]) {
      if (p.name === targetPort && typeof p.containerPort === 'number') return p.containerPort;
    }
  }
  return undefined;
}

/** Whether the Service has a selector (Services without one keep hand-made Endpoints). */
export function selectsPods(service: JsonObject): boolean {
  const selector = (service.spec as JsonObject | undefined)?.selector;
  return isJsonObject(selector) && Object.keys(selector).length > 0;
}

/** The `subsets` of the Service's Endpoints. */
export function endpointSubsets(
  service: JsonObject,
  pods: readonly JsonObject[],
  resolve: PortResolver = identity,
): JsonObject[] {
  const spec = (service.spec ?? {}) as JsonObject;
  const selector = (spec.selector ?? {}) as Record<string, string>;
  const ns = (service.metadata as JsonObject).namespace;
  const servicePorts = ((spec.ports ?? []) as JsonObject[]).filter((p) => typeof p.port === 'number');
  const groups = new Map<string, { ports: JsonObject[]; ready: JsonObject[]; notReady: JsonObject[] }>();
  for (const pod of pods) {
    const meta = pod.metadata as JsonObject;
    if (meta.namespace !== ns || meta.deletionTimestamp) continue;
    if (!labelsMatch(selector, meta.labels as Record<string, string> | undefined)) continue;
    const ip = (pod.status as JsonObject | undefined)?.podIP;
    if (typeof ip !== 'string' || ip === '') continue;
    const phase = (pod.status as JsonObject | undefined)?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') continue;
    const ports: JsonObject[] = [];
    for (const sp of servicePorts) {
      const cp = containerPortFor(pod, sp.targetPort, sp.port as number);
      if (cp === undefined) continue;
      const port: JsonObject = { port: resolve(pod, cp), protocol: (sp.protocol as string) ?? 'TCP' };
      if (typeof sp.name === 'string' && sp.name !== '') port.name = sp.name;
      if (typeof sp.appProtocol === 'string') port.appProtocol = sp.appProtocol;
      ports.push(port);
    }
    if (ports.length === 0 && servicePorts.length > 0) continue;
    const key = JSON.stringify(ports);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { ports, ready: [], notReady: [] }));
    const address: JsonObject = {
      ip,
      targetRef: { kind: 'Pod', namespace: ns as string, name: meta.name as string, uid: meta.uid as string },
    };
    const nodeName = (pod.spec as JsonObject | undefined)?.nodeName;
    if (typeof nodeName === 'string') address.nodeName = nodeName;
    (isPodReady(pod) ? group.ready : group.notReady).push(address);
  }
  const byName = (a: JsonObject, b: JsonObject) =>
    String((a.targetRef as JsonObject).name).localeCompare(String((b.targetRef as JsonObject).name));
  return [...groups.values()].map((g) => {
    const subset: JsonObject = { ports: g.ports };
    if (g.ready.length) subset.addresses = g.ready.sort(byName);
    if (g.notReady.length) subset.notReadyAddresses = g.notReady.sort(byName);
    return subset;
  });
}

/** The ready backends of one Service port (for the proxy), from computed subsets. */
export function readyBackends(
  subsets: readonly JsonObject[],
  portName: string | undefined,
): Array<{ host: string; port: number }> {
  const out: Array<{ host: string; port: number }> = [];
  for (const s of subsets) {
    const port =
      ((s.ports ?? []) as JsonObject[]).find((p) => (p.name ?? undefined) === portName) ??
      (s.ports as JsonObject[])[0];
    if (!port) continue;
    for (const a of (s.addresses ?? []) as JsonObject[])
      out.push({ host: String(a.ip), port: Number(port.port) });
  }
  return out;
}
