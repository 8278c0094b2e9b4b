/**
 * The EndpointSlices of a Service, as kube-controller-manager's endpointslice controller
 * computes them (staging/src/k8s.io/endpointslice: utils.go podToEndpoint, reconciler.go):
 * one endpoint per selected pod (terminating ones too, flagged), grouped by their resolved
 * port lists, at most 100 endpoints per slice. Pure: `planSlices` turns what should be and
 * the slices that exist into creates, updates and deletes, moving as few endpoints as it
 * can — an endpoint stays in the slice that already lists it.
 *
 * Worked example (max 100): 250 pods on one port list and no slices → 3 creates (100, 100,
 * 50). Then 10 pods go away from the first slice and 5 new ones arrive: the first slice
 * drops the 10 and takes the 5 (95), nothing else changes.
 */
import { isDeepStrictEqual } from 'node:util';
import { isJsonObject, type JsonObject, type JsonValue } from '../../../core/index.js';
import { isPodReady, podPorts, publishesNotReady, selectedPods, type PortResolver } from './compute.js';

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
export const MANAGED_BY = 'endpointslice-controller.k8s.io';
export const HEADLESS_LABEL = 'service.kubernetes.io/headless';
/** kube-controller-manager's --max-endpoints-per-slice default */
export const MAX_ENDPOINTS_PER_SLICE = 100;

/** Endpoints that share one port list. */
export interface EndpointGroup {
  ports: JsonObject[];
  endpoints: JsonObject[];
}

export interface SlicePlan {
  /** new slices (metadata.generateName set) */
  create: JsonObject[];
  /** changed copies of existing slices */
  update: JsonObject[];
  delete: JsonObject[];
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const RESERVED = new Set([SERVICE_NAME_LABEL, MANAGED_BY_LABEL, HEADLESS_LABEL]);

const metaOf = (o: JsonObject) => (o.metadata ?? {}) as JsonObject;
const objects = (v: JsonValue | undefined): JsonObject[] => (Array.isArray(v) ? v.filter(isJsonObject) : []);

function ipv4Addresses(pod: JsonObject): string[] {
  const status = (pod.status ?? {}) as JsonObject;
  const ips = objects(status.podIPs).map((p) => String(p.ip));
  if (ips.length === 0 && typeof status.podIP === 'string') ips.push(status.podIP);
  return ips.filter((ip) => IPV4.test(ip));
}

/** utils.go podToEndpoint: ready never says true for a terminating pod, unless publishNotReadyAddresses. */
export function podEndpoint(service: JsonObject, pod: JsonObject): JsonObject {
  const meta = metaOf(pod);
  const spec = (pod.spec ?? {}) as JsonObject;
  const serving = isPodReady(pod);
  const terminating = Boolean(meta.deletionTimestamp);
  const endpoint: JsonObject = {
    addresses: ipv4Addresses(pod),
    conditions: { ready: publishesNotReady(service) || (serving && !terminating), serving, terminating },
  };
  // ShouldSetHostname: the pod names this Service as its subdomain
  if (typeof spec.hostname === 'string' && spec.hostname !== '' && spec.subdomain === metaOf(service).name)
    endpoint.hostname = spec.hostname;
  if (typeof spec.nodeName === 'string' && spec.nodeName !== '') endpoint.nodeName = spec.nodeName;
  endpoint.targetRef = {
    kind: 'Pod',
    namespace: String(meta.namespace),
    name: String(meta.name),
    uid: String(meta.uid ?? ''),
  };
  return endpoint;
}

function slicePort(p: JsonObject): JsonObject {
  const port: JsonObject = {
    name: typeof p.name === 'string' ? p.name : '',
    port: p.port ?? null,
    protocol: p.protocol ?? 'TCP',
  };
  if (typeof p.appProtocol === 'string') port.appProtocol = p.appProtocol;
  return port;
}

const byPodName = (a: JsonObject, b: JsonObject) =>
  String((a.targetRef as JsonObject | undefined)?.name ?? '').localeCompare(
    String((b.targetRef as JsonObject | undefined)?.name ?? ''),
  );

/** What the slices of `service` should list: its pods' endpoints, grouped by resolved ports. */
export function desiredEndpoints(
  service: JsonObject,
  pods: readonly JsonObject[],
  resolve?: PortResolver,
): EndpointGroup[] {
  const groups = new Map<string, EndpointGroup>();
  for (const pod of selectedPods(service, pods, true)) {
    const ports = podPorts(service, pod, resolve);
    const endpoint = podEndpoint(service, pod);
    if (!ports || (endpoint.addresses as string[]).length === 0) continue;
    const sliced = ports.map(slicePort);
    const key = portsKey(sliced);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { ports: sliced, endpoints: [] }));
    group.endpoints.push(endpoint);
  }
  for (const g of groups.values()) g.endpoints.sort(byPodName);
  return [...groups.values()];
}

/** setEndpointSliceLabels: the Service's own labels, then the reserved ones. */
export function sliceLabels(service: JsonObject): Record<string, string> {
  const meta = metaOf(service);
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries((meta.labels ?? {}) as Record<string, string>))
    if (!RESERVED.has(k)) labels[k] = v;
  const clusterIP = (service.spec as JsonObject | undefined)?.clusterIP;
  if (clusterIP === 'None' || clusterIP === undefined || clusterIP === '') labels[HEADLESS_LABEL] = '';
  labels[SERVICE_NAME_LABEL] = String(meta.name);
  labels[MANAGED_BY_LABEL] = MANAGED_BY;
  return labels;
}

/** Whether a slice is one this controller keeps for the Service named `name`. */
export function isManagedSliceOf(slice: JsonObject, name: string): boolean {
  const labels = (metaOf(slice).labels ?? {}) as Record<string, string>;
  return labels[MANAGED_BY_LABEL] === MANAGED_BY && labels[SERVICE_NAME_LABEL] === name;
}

function portsKey(ports: readonly JsonObject[]): string {
  return JSON.stringify(
    ports.map((p) => [p.name ?? '', p.port ?? null, p.protocol ?? 'TCP', p.appProtocol ?? null]),
  );
}

function endpointKey(e: JsonObject): string {
  const ref = (e.targetRef ?? {}) as JsonObject;
  return JSON.stringify([ref.uid ?? '', ref.name ?? '', e.addresses ?? []]);
}

function ownedBy(slice: JsonObject, uid: JsonValue | undefined): boolean {
  return objects(metaOf(slice).ownerReferences).some(
    (r) => r.uid === uid && r.kind === 'Service' && r.apiVersion === 'v1',
  );
}

function newSlice(service: JsonObject, ports: JsonObject[], endpoints: JsonObject[]): JsonObject {
  const meta = metaOf(service);
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      generateName: `${String(meta.name)}-`,
      namespace: String(meta.namespace),
      labels: sliceLabels(service),
      ownerReferences: [
        {
          apiVersion: 'v1',
          kind: 'Service',
          name: String(meta.name),
          uid: String(meta.uid),
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    addressType: 'IPv4',
    endpoints,
    ports,
  };
}

/**
 * From the wanted groups and the Service's existing slices, the writes that make them agree.
 * With no endpoints at all one empty placeholder slice (no ports) remains, as upstream keeps.
 */
export function planSlices(
  service: JsonObject,
  groups: readonly EndpointGroup[],
  existing: readonly JsonObject[],
  max = MAX_ENDPOINTS_PER_SLICE,
): SlicePlan {
  const plan: SlicePlan = { create: [], update: [], delete: [] };
  const uid = metaOf(service).uid;
  const labels = sliceLabels(service);
  const unused = new Set<JsonObject>();
  for (const s of existing) {
    if (ownedBy(s, uid) && s.addressType === 'IPv4') unused.add(s);
    else plan.delete.push(s); // a former Service of that name's, or another family's
  }
  const empty = groups.every((g) => g.endpoints.length === 0);
  const wanted = empty ? [{ ports: [], endpoints: [] }] : groups.filter((g) => g.endpoints.length > 0);
  for (const group of wanted) {
    const key = portsKey(group.ports);
    const candidates = [...unused].filter((s) => portsKey(objects(s.ports)) === key);
    for (const s of candidates) unused.delete(s);
    const byKey = new Map(group.endpoints.map((e) => [endpointKey(e), e]));
    const placed = new Set<string>();
    // endpoints stay where they are listed (with fresh conditions), then fill free room
    const kept = candidates.map((slice) => {
      const endpoints: JsonObject[] = [];
      for (const e of objects(slice.endpoints)) {
        const k = endpointKey(e);
        const now = byKey.get(k);
        if (now && !placed.has(k) && endpoints.length < max) {
          placed.add(k);
          endpoints.push(now);
        }
      }
      return { slice, endpoints };
    });
    const rest = group.endpoints.filter((e) => !placed.has(endpointKey(e)));
    for (const k of kept) while (k.endpoints.length < max && rest.length > 0) k.endpoints.push(rest.shift()!);
    for (let i = 0; i < rest.length; i += max)
      plan.create.push(newSlice(service, group.ports, rest.slice(i, i + max)));
    let placeholder = empty && plan.create.length === 0;
    for (const { slice, endpoints } of kept) {
      if (endpoints.length === 0 && !placeholder) {
        plan.delete.push(slice);
        continue;
      }
      placeholder = false;
      endpoints.sort(byPodName);
      const sliceLabelsNow = metaOf(slice).labels ?? {};
      if (isDeepStrictEqual(slice.endpoints ?? [], endpoints) && isDeepStrictEqual(sliceLabelsNow, labels))
        continue;
      const next = structuredClone(slice);
      next.endpoints = endpoints;
      (next.metadata as JsonObject).labels = { ...labels };
      plan.update.push(next);
    }
    if (placeholder) plan.create.push(newSlice(service, [], []));
  }
  plan.delete.push(...unused);
  return plan;
}
