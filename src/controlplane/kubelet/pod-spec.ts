/**
 * Typed views of the parts of a Pod the kubelet reads. The API server has validated and
 * defaulted the object, but the runtime is also fed hand-written pods in tests, so every
 * accessor tolerates missing fields and applies the Kubernetes defaults itself.
 */
import { isJsonObject, type JsonObject, type JsonValue } from '../../core/index.js';

/** One `ports[]` entry of a container. */
export interface ContainerPortSpec {
  name?: string;
  containerPort: number;
  protocol: string;
  hostPort?: number;
}

/** A probe with the API defaults applied (seconds may be fractions: tests use them). */
export interface ProbeSpec {
  handler:
    | {
        kind: 'httpGet';
        path: string;
        port: number | string;
        host?: string;
        scheme: string;
        headers: Array<[string, string]>;
      }
    | { kind: 'tcpSocket'; port: number | string; host?: string }
    | { kind: 'exec'; command: string[] }
    | { kind: 'unsupported'; name: string };
  initialDelaySeconds: number;
  periodSeconds: number;
  timeoutSeconds: number;
  successThreshold: number;
  failureThreshold: number;
  terminationGracePeriodSeconds?: number;
}

/** The fields of a container the process runtime uses. */
export interface ContainerSpec {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  workingDir?: string;
  env: Array<{ name: string; value?: string }>;
  ports: ContainerPortSpec[];
  volumeMounts: Array<{ name: string; mountPath: string; subPath?: string }>;
  startupProbe?: ProbeSpec;
  readinessProbe?: ProbeSpec;
  livenessProbe?: ProbeSpec;
  /** The raw container, hashed to notice spec changes (the kubelet restarts on a new hash). */
  raw: JsonObject;
}

export type RestartPolicy = 'Always' | 'OnFailure' | 'Never';

/** The pod-level fields the runtime uses. */
export interface PodSpecView {
  uid: string;
  name: string;
  namespace: string;
  restartPolicy: RestartPolicy;
  terminationGracePeriodSeconds: number;
  initContainers: ContainerSpec[];
  containers: ContainerSpec[];
  readinessGates: string[];
}

const obj = (v: JsonValue | undefined): JsonObject => (isJsonObject(v) ? v : {});
const arr = (v: JsonValue | undefined): JsonValue[] => (Array.isArray(v) ? v : []);
const str = (v: JsonValue | undefined): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: JsonValue | undefined, dflt: number): number => (typeof v === 'number' ? v : dflt);
const strings = (v: JsonValue | undefined): string[] | undefined =>
  Array.isArray(v) ? v.map((x) => String(x)) : undefined;
const portRef = (v: JsonValue | undefined): number | string =>
  typeof v === 'number' || typeof v === 'string' ? v : 0;

/** Reads a probe, defaulting as the API server does (period 10, timeout 1, thresholds 1/3). */
export function parseProbe(v: JsonValue | undefined): ProbeSpec | undefined {
  if (!isJsonObject(v)) return undefined;
  let handler: ProbeSpec['handler'];
  if (isJsonObject(v.httpGet)) {
    const h = v.httpGet;
    handler = {
      kind: 'httpGet',
      path: str(h.path) ?? '/',
      port: portRef(h.port),
      host: str(h.host),
      scheme: (str(h.scheme) ?? 'HTTP').toUpperCase(),
      headers: arr(h.httpHeaders).map((x) => [String(obj(x).name ?? ''), String(obj(x).value ?? '')]),
    };
  } else if (isJsonObject(v.tcpSocket)) {
    handler = { kind: 'tcpSocket', port: portRef(v.tcpSocket.port), host: str(v.tcpSocket.host) };
  } else if (isJsonObject(v.exec)) {
    handler = { kind: 'exec', command: strings(v.exec.command) ?? [] };
  } else {
    handler = { kind: 'unsupported', name: Object.keys(v).find((k) => isJsonObject(v[k])) ?? 'none' };
  }
  const grace = v.terminationGracePeriodSeconds;
  return {
    handler,
    initialDelaySeconds: num(v.initialDelaySeconds, 0),
    periodSeconds: num(v.periodSeconds, 10),
    timeoutSeconds: num(v.timeoutSeconds, 1),
    successThreshold: num(v.successThreshold, 1),
    failureThreshold: num(v.failureThreshold, 3),
    ...(typeof grace === 'number' ? { terminationGracePeriodSeconds: grace } : {}),
  };
}

/** Reads one container. */
export function parseContainer(v: JsonValue): ContainerSpec {
  const c = obj(v);
  return {
    name: str(c.name) ?? '',
    image: str(c.image) ?? '',
    command: strings(c.command),
    args: strings(c.args),
    workingDir: str(c.workingDir),
    env: arr(c.env).map((e) => ({ name: String(obj(e).name ?? ''), value: str(obj(e).value) })),
    ports: arr(c.ports).map((p) => {
      const o = obj(p);
      return {
        name: str(o.name),
        containerPort: num(o.containerPort, 0),
        protocol: str(o.protocol) ?? 'TCP',
        ...(typeof o.hostPort === 'number' && o.hostPort > 0 ? { hostPort: o.hostPort } : {}),
      };
    }),
    volumeMounts: arr(c.volumeMounts).map((m) => ({
      name: String(obj(m).name ?? ''),
      mountPath: String(obj(m).mountPath ?? ''),
      subPath: str(obj(m).subPath) || undefined,
    })),
    startupProbe: parseProbe(c.startupProbe),
    readinessProbe: parseProbe(c.readinessProbe),
    livenessProbe: parseProbe(c.livenessProbe),
    raw: c,
  };
}

/** Reads a Pod object into the view the runtime works from. */
export function parsePod(pod: JsonObject): PodSpecView {
  const meta = obj(pod.metadata);
  const spec = obj(pod.spec);
  const policy = str(spec.restartPolicy);
  return {
    uid: str(meta.uid) ?? '',
    name: str(meta.name) ?? '',
    namespace: str(meta.namespace) ?? 'default',
    restartPolicy: policy === 'OnFailure' || policy === 'Never' ? policy : 'Always',
    terminationGracePeriodSeconds: num(spec.terminationGracePeriodSeconds, 30),
    initContainers: arr(spec.initContainers).map(parseContainer),
    containers: arr(spec.containers).map(parseContainer),
    readinessGates: arr(spec.readinessGates)
      .map((g) => str(obj(g).conditionType))
      .filter((t): t is string => !!t),
  };
}
