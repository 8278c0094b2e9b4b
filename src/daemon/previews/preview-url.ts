/**
 * Where a preview answers: the host of its first Ingress rule (with the port the Ingress
 * reports in its status, as the embedded control plane's Ingress listener does), else the
 * host port its first Service is published on by the embedded control plane (the
 * `capstan.dev/proxy-ports` annotation of its Endpoints, `http=34567`), else the Service's
 * name. The objects are the preview Application's own, read from its destination cluster.
 */
import type { Application, JsonObject, KubeObject } from '../../core/index.js';
import type { Cluster } from '../../cluster/index.js';

/** Written on Endpoints by the embedded control plane's endpoints controller: `name=hostPort,…`. */
const PROXY_PORTS_ANNOTATION = 'capstan.dev/proxy-ports';

export interface ServiceEndpoints {
  service: KubeObject;
  endpoints?: KubeObject;
}

const obj = (v: unknown): JsonObject =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as JsonObject) : {};
const list = (v: unknown): JsonObject[] => (Array.isArray(v) ? v.map(obj) : []);

/** The URL from the objects read (pure). */
export function urlOf(
  ingresses: readonly KubeObject[],
  services: readonly ServiceEndpoints[],
): string | undefined {
  for (const ingress of ingresses) {
    const host = list(obj(ingress.spec).rules)
      .map((r) => r.host)
      .find((h): h is string => typeof h === 'string' && h !== '');
    const lb = list(obj(obj(ingress.status).loadBalancer).ingress)[0] ?? {};
    const port = list(lb.ports)[0]?.port;
    const at =
      host ?? (typeof lb.ip === 'string' ? lb.ip : typeof lb.hostname === 'string' ? lb.hostname : undefined);
    if (at) return `http://${at}${typeof port === 'number' && port !== 80 ? `:${port}` : ''}/`;
  }
  for (const { service, endpoints } of services) {
    const published = endpoints?.metadata.annotations?.[PROXY_PORTS_ANNOTATION];
    const port = published?.split(',')[0]?.split('=')[1];
    if (port) {
      const lb = list(obj(obj(service.status).loadBalancer).ingress)[0];
      return `http://${typeof lb?.ip === 'string' ? lb.ip : '127.0.0.1'}:${port}/`;
    }
  }
  const first = services[0]?.service.metadata;
  return first ? `Service ${first.namespace}/${first.name}` : undefined;
}

/** Reads the preview's Ingresses and Services (from its status' resources) and gives its URL. */
export async function previewURL(app: Application, cluster: Cluster): Promise<string | undefined> {
  const resources = app.status?.resources ?? [];
  const ingresses: KubeObject[] = [];
  const services: ServiceEndpoints[] = [];
  for (const r of resources) {
    if (r.kind === 'Ingress' && r.group === 'networking.k8s.io') {
      const ingress = await cluster.get({
        apiVersion: `networking.k8s.io/${r.version}`,
        kind: 'Ingress',
        namespace: r.namespace,
        name: r.name,
      });
      if (ingress) ingresses.push(ingress);
    } else if (r.kind === 'Service' && !r.group) {
      const service = await cluster.get({
        apiVersion: 'v1',
        kind: 'Service',
        namespace: r.namespace,
        name: r.name,
      });
      if (!service) continue;
      const endpoints = await cluster.get({
        apiVersion: 'v1',
        kind: 'Endpoints',
        namespace: r.namespace,
        name: r.name,
      });
      services.push({ service, ...(endpoints ? { endpoints } : {}) });
    }
  }
  return urlOf(ingresses, services);
}
