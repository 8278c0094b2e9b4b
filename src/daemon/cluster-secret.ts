/**
 * A destination cluster registered as a Secret in the daemon's control plane, in the
 * namespace `capstan-system` and labelled `capstan.dev/cluster` (as Argo CD keeps its
 * clusters in labelled Secrets). Its data is one of:
 *
 *   name, server, token, [caData], [insecure: "true"]   an API server and a bearer token
 *   name, kubeconfig, [context]                           a kubeconfig's text
 *
 * `caData` is the CA's PEM (or that PEM in base64, as a kubeconfig's
 * certificate-authority-data). `name` may be left out: the Secret's own name is used.
 */
import { CapstanError, CLUSTER_SECRET_LABEL, IN_PROCESS_CLUSTER, type KubeObject } from '../core/index.js';
import type { ClusterRegistration } from './api.js';

/** Where cluster Secrets live in the daemon's control plane. */
export const CLUSTER_SECRET_NAMESPACE = 'capstan-system';

const CLUSTER_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** The Secret `add()` writes for a cluster: `cluster-<name>`. */
export function clusterSecretName(name: string): string {
  return `cluster-${name}`;
}

/** Throws CapstanError `CLUSTER_REGISTRATION_INVALID` when `reg` cannot describe a cluster. */
export function checkRegistration(reg: ClusterRegistration, where = 'cluster registration'): void {
  const fail = (message: string): never => {
    throw new CapstanError('CLUSTER_REGISTRATION_INVALID', `${where}: ${message}`, {
      name: reg.name,
    });
  };
  if (typeof reg.name !== 'string' || reg.name.length > 63 || !CLUSTER_NAME.test(reg.name))
    fail(`invalid name ${JSON.stringify(reg.name)}: lowercase letters, digits and '-' (e.g. prod-eu)`);
  if (reg.name === IN_PROCESS_CLUSTER)
    fail(`"${IN_PROCESS_CLUSTER}" is the daemon's own control plane; choose another name`);
  if ('kubeconfig' in reg) {
    if ('server' in reg || 'token' in reg) fail('give either kubeconfig or server and token, not both');
    if (typeof reg.kubeconfig !== 'string' || !reg.kubeconfig.trim()) fail('kubeconfig is empty');
    return;
  }
  if (typeof reg.server !== 'string' || !/^https?:\/\/[^/]/.test(reg.server))
    fail(`server must be a URL such as https://10.0.0.1:6443`);
  if (typeof reg.token !== 'string' || !reg.token) fail('token is required with server');
}

/** The registration a cluster Secret holds; throws `CLUSTER_REGISTRATION_INVALID` naming the Secret and field. */
export function registrationFromSecret(secret: KubeObject): ClusterRegistration {
  const where = secretWhere(secret);
  const data = readData(secret, where);
  const name = data.name ?? secret.metadata.name ?? '';
  let reg: ClusterRegistration;
  if (data.kubeconfig !== undefined) {
    reg = { name, kubeconfig: data.kubeconfig, ...(data.context ? { context: data.context } : {}) };
  } else {
    if (data.server === undefined || data.token === undefined) {
      throw new CapstanError(
        'CLUSTER_REGISTRATION_INVALID',
        `${where}: give data.server and data.token (and data.caData), or data.kubeconfig`,
        { secret: secret.metadata.name },
      );
    }
    if (data.insecure !== undefined && data.insecure !== 'true' && data.insecure !== 'false') {
      throw new CapstanError(
        'CLUSTER_REGISTRATION_INVALID',
        `${where}: data.insecure must be "true" or "false"`,
        { secret: secret.metadata.name },
      );
    }
    reg = {
      name,
      server: data.server,
      token: data.token,
      ...(data.caData ? { caData: data.caData } : {}),
      ...(data.insecure === 'true' ? { insecure: true } : {}),
    };
  }
  checkRegistration(reg, where);
  return reg;
}

/** `Secret capstan-system/cluster-prod`, for messages. */
export function secretWhere(secret: KubeObject): string {
  return `Secret ${secret.metadata.namespace ?? ''}/${secret.metadata.name ?? ''}`;
}

/** The cluster name a Secret registers (`data.name`, else its own name), even when the rest is unusable. */
export function secretClusterName(secret: KubeObject): string {
  try {
    return readData(secret, '').name ?? secret.metadata.name ?? '';
  } catch {
    return secret.metadata.name ?? '';
  }
}

/** The labelled Secret that registers `reg`. */
export function secretForRegistration(reg: ClusterRegistration): KubeObject {
  const data: Record<string, string> =
    'kubeconfig' in reg
      ? { name: reg.name, kubeconfig: reg.kubeconfig, ...(reg.context ? { context: reg.context } : {}) }
      : {
          name: reg.name,
          server: reg.server,
          token: reg.token,
          ...(reg.caData ? { caData: reg.caData } : {}),
          ...(reg.insecure ? { insecure: 'true' } : {}),
        };
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: clusterSecretName(reg.name),
      namespace: CLUSTER_SECRET_NAMESPACE,
      labels: { [CLUSTER_SECRET_LABEL]: 'true' },
    },
    type: 'Opaque',
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  };
}

/** The Secret's data decoded (`stringData` is folded into `data` by the API server). */
function readData(secret: KubeObject, where: string): Record<string, string | undefined> {
  const raw = secret.data;
  const out: Record<string, string> = {};
  if (raw === undefined || raw === null) return out;
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw new CapstanError('CLUSTER_REGISTRATION_INVALID', `${where}: data must be a mapping`, {
      secret: secret.metadata.name,
    });
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value !== 'string') continue;
    const text = Buffer.from(value, 'base64').toString('utf8');
    if (text.trim()) out[key] = key === 'kubeconfig' || key === 'caData' ? text : text.trim();
  }
  return out;
}
