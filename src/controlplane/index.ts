/**
 * The embedded control plane: a durable store, a Kubernetes-compatible API (in process
 * and over HTTP), and the controllers that belong to the API itself (namespace
 * lifecycle, garbage collection, CRDs). Its only public face.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { startApiServer, type ApiHttpLogger } from './api/http/index.js';
import { builtinResourceTypes, resourceTypesFromCrd } from './api/kinds/index.js';
import { Registry } from './api/registry/registry.js';
import { TypeRegistry } from './api/registry/type-registry.js';
import { ControllerHost } from './controllers/controller-host.js';
import { CrdController } from './controllers/crd-controller.js';
import { deploymentController, replicaSetController } from './controllers/workload-controllers.js';
import { schedulerController } from './controllers/scheduler-controller.js';
import { EndpointsController } from './controllers/endpoints-controller.js';
import { endpointSliceController } from './controllers/endpointslice-controller.js';
import { IngressController } from './controllers/ingress-controller.js';
import { apiEventRecorder } from './controllers/event-sink.js';
import { cronJobController, jobController } from './controllers/batch-controllers.js';
import {
  hpaController,
  registryPodMetricsReader,
  type HpaControllerOptions,
} from './controllers/hpa-controller.js';
import { daemonSetController, statefulSetController } from './controllers/set-controllers.js';
import { disruptionController } from './controllers/disruption-controller.js';
import type { JsonObject, NodeConfig } from '../core/index.js';
import type { NodeAgent } from './node-agent/agent.js';
import { defaultNode, NodeAgents } from './node-agent/nodes.js';
import { GarbageCollector } from './controllers/garbage-collector.js';
import { NamespaceController } from './controllers/namespace-controller.js';
import { writeKubeconfig } from './kubeconfig.js';
import { openStore } from './store/index.js';
import { loadOrCreateServingCert } from './tls.js';
import { metricsResourceTypes, ResourceMetrics } from './metrics/index.js';
import type { Store } from './store/types.js';
import type { PodLogSource } from './api/http/pod-logs.js';

export type { Api, ApiWatchEvent, Gvr, ResourceType } from './api/types.js';
export { ApiError } from './api/errors.js';
export { kubeconfigYaml, writeKubeconfig } from './kubeconfig.js';
export type { NodeAgent } from './node-agent/agent.js';
export type { PodLogOptions, PodLogSource } from './api/http/pod-logs.js';

export interface ControlPlaneOptions {
  /** where the database, token and kubeconfig live */
  dataDir: string;
  /** serve HTTP (default true); false gives an in-process API only */
  http?: boolean;
  host?: string;
  /** 0 picks a free port */
  port?: number;
  /** bearer token; default: the one in dataDir/token, created on first start */
  token?: string;
  /** run the controllers, the scheduler and the node agent (pods as processes); default true */
  controllers?: boolean;
  /** how nodes that do not name a runtime run pods: `process` (default) or `simulated` (no processes) */
  runtime?: 'process' | 'simulated';
  /** the host port Ingresses are served on (default 0: a free port, reported as `ingressPort`) */
  ingressPort?: number;
  /**
   * simulated nodes: pods turn Ready after this long (unless the node sets `readyAfterMs`);
   * the default node, when simulated, takes `maxPods` pods (default 10,000)
   */
  simulated?: { readyAfterMs?: number; maxPods?: number };
  /** the nodes to run, each with its own agent; default: one node for this machine */
  nodes?: NodeConfig[];
  /** commands standing in for image entrypoints on every process node (first match wins) */
  imageCommands?: { pattern: string; command: string[] }[];
  /** the HorizontalPodAutoscaler controller: sync period, settings; `metrics` replaces the metrics.k8s.io reader (tests) */
  autoscaler?: Partial<Omit<HpaControllerOptions, 'events' | 'clock'>>;
  /** where the HTTP API reports unexpected errors (default: standard error) */
  logger?: ApiHttpLogger;
}

export interface ControlPlane {
  api: Registry;
  store: Store;
  /** the HTTP server's URL, when serving */
  url?: string;
  token: string;
  /** the kubeconfig file written for this control plane, when serving */
  kubeconfigPath?: string;
  /** PEM of the serving certificate (clients trust it as their CA) */
  caCert?: string;
  /** the host port Ingresses answer on, when the controllers run */
  ingressPort?: number;
  /** the node agents, one per node (`nodeName`, `runtime`); empty without the controllers */
  agents: readonly NodeAgent[];
  /** reads a container's log from the agent of the pod's node; unset without the controllers */
  podLogs?: PodLogSource;
  close(): Promise<void>;
}

const BOOTSTRAP_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** Starts the control plane; resolves once it serves. */
export async function startControlPlane(options: ControlPlaneOptions): Promise<ControlPlane> {
  fs.mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const token = options.token ?? loadOrCreateToken(options.dataDir);
  const store = openStore({ dataDir: options.dataDir });
  // metrics.k8s.io is computed on request from the runtimes of the node agents (`agents`,
  // set below once they run; none without the controllers)
  const metrics = new ResourceMetrics({ store, nodes: () => agents });
  const api = new Registry({
    store,
    types: new TypeRegistry(
      [...builtinResourceTypes(), ...metricsResourceTypes(metrics)],
      resourceTypesFromCrd,
    ),
  });
  const gc = new GarbageCollector(api);
  const namespaces = new NamespaceController(api);
  const crds = new CrdController(api);
  for (const name of BOOTSTRAP_NAMESPACES) {
    if (!store.get({ group: '', resource: 'namespaces', namespace: '', name })) {
      await api.create(
        { group: '', version: 'v1', resource: 'namespaces' },
        undefined,
        { metadata: { name } },
        { fieldManager: 'capstan' },
      );
    }
  }
  namespaces.start();
  crds.start();
  const controllers = new ControllerHost(api);
  let nodes: NodeAgents | undefined;
  /** one agent per node (each with `nodeName` and `runtime`); none without the controllers */
  let agents: readonly NodeAgent[] = [];
  let endpoints: EndpointsController | undefined;
  let ingress: IngressController | undefined;
  let ingressPort: number | undefined;
  let podLogs: PodLogSource | undefined;
  if (options.controllers !== false) {
    controllers.start(replicaSetController(api));
    controllers.start(deploymentController(api, apiEventRecorder(api, 'deployment-controller')));
    controllers.start(jobController(api));
    controllers.start(statefulSetController(api));
    controllers.start(daemonSetController(api));
    controllers.start(cronJobController(api, apiEventRecorder(api, 'cronjob-controller')));
    controllers.start(disruptionController(api, { events: apiEventRecorder(api, 'controllermanager') }));
    controllers.start(
      hpaController(api, {
        ...options.autoscaler,
        metrics: options.autoscaler?.metrics ?? registryPodMetricsReader(api),
        events: apiEventRecorder(api, 'horizontal-pod-autoscaler'),
      }),
    );
    // pods are scheduled only where a node agent runs them
    const runtime = options.runtime ?? 'process';
    nodes = new NodeAgents({
      registry: api,
      dataDir: options.dataDir,
      nodes: options.nodes ?? [defaultNode(runtime, options.simulated?.maxPods)],
      defaultRuntime: runtime,
      imageCommands: options.imageCommands,
      simulatedReadyAfterMs: options.simulated?.readyAfterMs,
    });
    agents = nodes.agents;
    await nodes.start();
    controllers.start(schedulerController(api, apiEventRecorder(api, 'default-scheduler')));
    for (const spec of nodes.controllers()) controllers.start(spec);
    const byNode = nodes;
    // from the agent of the pod's node (spec.nodeName)
    podLogs = (pod, o) => byNode.logs(pod, o);
    const resolvePort = (pod: JsonObject, containerPort: number) => byNode.hostPort(pod, containerPort);
    endpoints = new EndpointsController(api, resolvePort, {
      events: apiEventRecorder(api, 'service-controller'),
    });
    controllers.start(endpoints.spec());
    controllers.start(endpointSliceController(api, resolvePort));
    ingress = new IngressController(api, options.ingressPort ?? 0);
    ingressPort = await ingress.start();
    controllers.start(ingress.spec());
  }
  let server: Awaited<ReturnType<typeof startApiServer>> | undefined;
  let kubeconfigPath: string | undefined;
  let caCert: string | undefined;
  if (options.http !== false) {
    const host = options.host ?? '127.0.0.1';
    const tls = await loadOrCreateServingCert(options.dataDir, [host]);
    caCert = tls.cert;
    server = await startApiServer({
      api,
      token,
      host,
      port: options.port ?? 6443,
      tls,
      podLogs,
      logger: options.logger,
    });
    kubeconfigPath = path.join(options.dataDir, 'kubeconfig');
    writeKubeconfig(kubeconfigPath, { server: server.url, token, caCert });
  }
  let closing: Promise<void> | undefined;
  return {
    api,
    store,
    url: server?.url,
    token,
    kubeconfigPath,
    caCert,
    ingressPort,
    agents,
    ...(podLogs ? { podLogs } : {}),
    close() {
      closing ??= (async () => {
        await server?.close();
        await controllers.stop();
        await endpoints?.close();
        await ingress?.close();
        await nodes?.close();
        namespaces.close();
        gc.close();
        await store.close();
      })();
      return closing;
    },
  };
}

function loadOrCreateToken(dataDir: string): string {
  const file = path.join(dataDir, 'token');
  try {
    const t = fs.readFileSync(file, 'utf8').trim();
    if (t) return t;
  } catch {
    // first start
  }
  const t = randomBytes(32).toString('base64url');
  fs.writeFileSync(file, t + '\n', { mode: 0o600 });
  return t;
}
