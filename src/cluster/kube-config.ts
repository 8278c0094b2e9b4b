/**
 * Loading the client configuration of the kube driver: a kubeconfig file (and context), the
 * in-cluster service account, or client-node's defaults (KUBECONFIG, ~/.kube/config).
 */
import { KubeConfig } from '@kubernetes/client-node';
import { CapstanError } from '../core/index.js';

export interface KubeConfigSource {
  /** a kubeconfig file; unset (and not inCluster): $KUBECONFIG, ~/.kube/config, then in-cluster */
  kubeconfig?: string;
  /** the context to use; default: the file's current-context */
  context?: string;
  /** the pod's service account (token, CA and namespace under /var/run/secrets/kubernetes.io) */
  inCluster?: boolean;
}

/** Loads and checks the configuration; throws CapstanError `KUBECONFIG_*` with the cause. */
export function loadKubeConfig(source: KubeConfigSource): KubeConfig {
  const kc = new KubeConfig();
  if (source.inCluster) {
    if (!process.env.KUBERNETES_SERVICE_HOST || !process.env.KUBERNETES_SERVICE_PORT) {
      throw new CapstanError(
        'KUBECONFIG_NOT_IN_CLUSTER',
        'in-cluster configuration asked for, but KUBERNETES_SERVICE_HOST/PORT are not set: is Capstan running in a pod?',
      );
    }
    kc.loadFromCluster();
  } else if (source.kubeconfig) {
    try {
      kc.loadFromFile(source.kubeconfig);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException)?.code;
      if (code === 'ENOENT' || code === 'EISDIR' || code === 'EACCES') {
        throw new CapstanError(
          'KUBECONFIG_NOT_FOUND',
          `${source.kubeconfig}: cannot read the kubeconfig (${code})`,
          { file: source.kubeconfig },
          e,
        );
      }
      throw new CapstanError(
        'KUBECONFIG_INVALID',
        `${source.kubeconfig}: not a valid kubeconfig: ${(e as Error)?.message ?? String(e)}`,
        { file: source.kubeconfig },
        e,
      );
    }
  } else {
    kc.loadFromDefault();
  }
  const where = source.kubeconfig ?? (source.inCluster ? 'in-cluster configuration' : 'default kubeconfig');
  if (source.context) {
    if (!kc.getContextObject(source.context)) {
      const known = kc.getContexts().map((c) => c.name);
      throw new CapstanError(
        'KUBECONFIG_CONTEXT_NOT_FOUND',
        `${where}: no context "${source.context}" (contexts: ${known.join(', ') || 'none'})`,
        { file: source.kubeconfig, context: source.context },
      );
    }
    kc.setCurrentContext(source.context);
  }
  if (!kc.getCurrentCluster()?.server) {
    throw new CapstanError(
      'KUBECONFIG_INVALID',
      `${where}: the context "${kc.getCurrentContext() ?? ''}" names no cluster with a server URL`,
      { file: source.kubeconfig },
    );
  }
  return kc;
}
