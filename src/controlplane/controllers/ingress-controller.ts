/**
 * Serves Ingresses on one host port: the Ingresses of the default IngressClass (one
 * annotated `ingressclass.kubernetes.io/is-default-class: "true"`, or whose controller is
 * `capstan.dev/ingress`), and those naming no class. Routes go to the ready endpoints of
 * the backend Service; each served Ingress reports `127.0.0.1` and the port in its status.
 */
import { isDeepStrictEqual } from 'node:util';
import type { JsonObject } from '../../core/index.js';
import type { ReconcileResult } from '../../runtime/index.js';
import type { Registry } from '../api/registry/registry.js';
import { IngressRouter, type Route } from '../proxy/index.js';
import type { ControllerSpec } from './controller-host.js';
import { readyBackends } from './endpoints/compute.js';

const INGRESSES = { group: 'networking.k8s.io', version: 'v1', resource: 'ingresses' };
export const CAPSTAN_INGRESS_CONTROLLER = 'capstan.dev/ingress';
const ALL = 'all';

export class IngressController {
  private readonly router: IngressRouter;
  private port = 0;

  constructor(
    private readonly registry: Registry,
    port: number,
  ) {
    this.router = new IngressRouter({ port });
  }

  async start(): Promise<number> {
    this.port = await this.router.start();
    return this.port;
  }

  close(): Promise<void> {
    return this.router.close();
  }

  spec(): ControllerSpec {
    const all = () => [ALL];
    return {
      name: 'ingress-controller',
      primary: { group: 'networking.k8s.io', resource: 'ingressclasses' },
      watches: [
        { group: 'networking.k8s.io', resource: 'ingresses', keys: all },
        { group: 'networking.k8s.io', resource: 'ingressclasses', keys: all },
        { group: '', resource: 'services', keys: all },
        { group: '', resource: 'endpoints', keys: all },
      ],
      workers: 1,
      reconcile: () => this.sync(),
    };
  }

  private served(ingress: JsonObject, classes: JsonObject[]): boolean {
    const className = (ingress.spec as JsonObject | undefined)?.ingressClassName;
    const isOurs = (c: JsonObject) =>
      ((c.metadata as JsonObject).annotations as Record<string, string> | undefined)?.[
        'ingressclass.kubernetes.io/is-default-class'
      ] === 'true' || (c.spec as JsonObject | undefined)?.controller === CAPSTAN_INGRESS_CONTROLLER;
    if (typeof className !== 'string' || className === '') return true;
    const cls = classes.find((c) => (c.metadata as JsonObject).name === className);
    return cls !== undefined && isOurs(cls);
  }

  private backendsFor(
    namespace: string,
    backend: JsonObject | undefined,
  ): () => Array<{ host: string; port: number }> {
    const service = backend?.service as JsonObject | undefined;
    if (!service) return () => [];
    const name = String(service.name);
    const want = (service.port ?? {}) as { number?: number; name?: string };
    return () => {
      const svc = this.registry.store.get({ group: '', resource: 'services', namespace, name })?.value;
      const ep = this.registry.store.get({ group: '', resource: 'endpoints', namespace, name })?.value;
      if (!svc || !ep) return [];
      const port = (((svc.spec as JsonObject).ports ?? []) as JsonObject[]).find(
        (p) =>
          (want.number !== undefined && p.port === want.number) ||
          (want.name !== undefined && p.name === want.name),
      );
      if (!port) return [];
      return readyBackends(
        (ep.subsets ?? []) as JsonObject[],
        typeof port.name === 'string' && port.name ? port.name : undefined,
      );
    };
  }

  private async sync(): Promise<ReconcileResult> {
    const classes = this.registry.store
      .list({ group: 'networking.k8s.io', resource: 'ingressclasses' })
      .items.map((o) => o.value);
    const ingresses = this.registry.store
      .list({ group: 'networking.k8s.io', resource: 'ingresses' })
      .items.map((o) => o.value)
      .filter((i) => !(i.metadata as JsonObject).deletionTimestamp && this.served(i, classes));
    const routes: Route[] = [];
    for (const ing of ingresses) {
      const ns = String((ing.metadata as JsonObject).namespace);
      const spec = (ing.spec ?? {}) as JsonObject;
      for (const rule of (spec.rules ?? []) as JsonObject[]) {
        for (const p of ((rule.http as JsonObject | undefined)?.paths ?? []) as JsonObject[]) {
          routes.push({
            host: typeof rule.host === 'string' ? rule.host : undefined,
            path: typeof p.path === 'string' ? p.path : '/',
            pathType: p.pathType === 'Exact' ? 'Exact' : 'Prefix',
            backends: this.backendsFor(ns, p.backend as JsonObject),
          });
        }
      }
      if (spec.defaultBackend) {
        routes.push({
          path: '/',
          pathType: 'Prefix',
          backends: this.backendsFor(ns, spec.defaultBackend as JsonObject),
        });
      }
    }
    this.router.setRoutes(routes);
    for (const ing of ingresses) {
      const status = {
        loadBalancer: { ingress: [{ ip: '127.0.0.1', ports: [{ port: this.port, protocol: 'TCP' }] }] },
      };
      if (isDeepStrictEqual(ing.status ?? {}, status)) continue;
      const meta = ing.metadata as JsonObject;
      await this.registry
        .update(
          INGRESSES,
          String(meta.namespace),
          String(meta.name),
          { ...ing, status },
          { subresource: 'status', fieldManager: 'ingress-controller' },
        )
        .catch(() => undefined);
    }
  }
}
