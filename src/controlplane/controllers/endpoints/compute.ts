/**
 * The Endpoints of a Service, computed from its pods as the endpoints controller does:
 * pods in the Service's namespace whose labels match its selector and that have an IP;
 * ready pods go to `addresses`, the others to `notReadyAddresses`; terminating pods are
 * left out. `publishNotReadyAddresses` lists every such pod, terminating ones included, as
 * ready (endpoints_controller.go, ShouldPodBeInEndpoints). With the process runtime every
 * pod listens on its own host port, so pods are grouped into subsets by their resolved port
 * numbers. The pod selection and port resolution here are shared with the EndpointSlices.
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

/**
 * Whether the Service has a selector (Services without one keep hand-made Endpoints);
 * ExternalName Services never get endpoints (https://issues.k8s.io/105986).
 */
export function selectsPods(service: JsonObject): boolean {
  const spec = service.spec as JsonObject | undefined;
  return (
    isJsonObject(spec?.selector) && Object.keys(spec.selector).length > 0 && spec.type !== 'ExternalName'
  );
}

/** spec.publishNotReadyAddresses: every selected pod counts as ready. */
export function publishesNotReady(service: JsonObject): boolean {
  return (service.spec as JsonObject | undefined)?.publishNotReadyAddresses === true;
}

/**
 * The pods of `service`: same namespace, labels matching its selector, an IP, not finished;
 * terminating ones only with `includeTerminating` (ShouldPodBeInEndpoints).
 */
export function selectedPods(
  service: JsonObject,
  pods: readonly JsonObject[],
  includeTerminating: boolean,
): JsonObject[] {
  const selector = ((service.spec as JsonObject | undefined)?.selector ?? {}) as Record<string, string>;
  const ns = (service.metadata as JsonObject).namespace;
  return pods.filter((pod) => {
    const meta = pod.metadata as JsonObject;
    if (meta.namespace !== ns || (meta.deletionTimestamp && !includeTerminating)) return false;
    if (!labelsMatch(selector, meta.labels as Record<string, string> | undefined)) return false;
    const status = pod.status as JsonObject | undefined;
    if (typeof status?.podIP !== 'string' || status.podIP === '') return false;
    return status.phase !== 'Succeeded' && status.phase !== 'Failed';
  });
}

/**
 * The ports of `service` on `pod`: {name?, port, protocol, appProtocol?} per Service port
 * whose target port the pod has, resolved to where the pod is reached. `undefined` when the
 * Service has ports and none of them resolves (the pod is left out).
 */
export function podPorts(
  service: JsonObject,
  pod: JsonObject,
  resolve: PortResolver = identity,
): JsonObject[] | undefined {
  const spec = (service.spec ?? {}) as JsonObject;
  const servicePorts = ((spec.ports ?? []) as JsonObject[]).filter((p) => typeof p.port === 'number');
  const ports: JsonObject[] = [];
  for (const sp of servicePorts) {
    const cp = containerPortFor(pod, sp.targetPort, sp.port as number);
    if (cp === undefined) continue;
    const port: JsonObject = { port: resolve(pod, cp), protocol: (sp.protocol as string) ?? 'TCP' };
    if (typeof sp.name === 'string' && sp.name !== '') port.name = sp.name;
    if (typeof sp.appProtocol === 'string') port.appProtocol = sp.appProtocol;
    ports.push(port);
  }
  return ports.length === 0 && servicePorts.length > 0 ? undefined : ports;
}

/** The `subsets` of the Service's Endpoints. */
export function endpointSubsets(
  service: JsonObject,
  pods: readonly JsonObject[],
  resolve: PortResolver = identity,
): JsonObject[] {
  const ns = (service.metadata as JsonObject).namespace;
  const publishAll = publishesNotReady(service);
  const groups = new Map<string, { ports: JsonObject[]; ready: JsonObject[]; notReady: JsonObject[] }>();
  for (const pod of selectedPods(service, pods, publishAll)) {
    const meta = pod.metadata as JsonObject;
    const ip = (pod.status as JsonObject).podIP as string;
    const ports = podPorts(service, pod, resolve);
    if (!ports) continue;
    const key = JSON.stringify(ports);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { ports, ready: [], notReady: [] }));
    const address: JsonObject = {
      ip,
      targetRef: { kind: 'Pod', namespace: ns as string, name: meta.name as string, uid: meta.uid as string },
    };
    const nodeName = (pod.spec as JsonObject | undefined)?.nodeName;
    if (typeof nodeName === 'string') address.nodeName = nodeName;
    (publishAll || isPodReady(pod) ? group.ready : group.notReady).push(address);
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
