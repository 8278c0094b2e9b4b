/**
 * Loading the client configuration of the kube driver: a kubeconfig file or text (and
 * context), the in-cluster service account, an API server URL with a bearer token (and CA),
 * or client-node's defaults (KUBECONFIG, ~/.kube/config).
 */
import fs from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import { CapstanError } from '../core/index.js';
import { safeUrl } from './errors.js';

export interface KubeConfigSource {
  /** a kubeconfig file; unset (and not inCluster): $KUBECONFIG, ~/.kube/config, then in-cluster */
  kubeconfig?: string;
  /** the context to use; default: the file's current-context */
  context?: string;
  /** the pod's service account (token, CA and namespace under /var/run/secrets/kubernetes.io) */
  inCluster?: boolean;
  /** a kubeconfig's text rather than its file (a registered cluster's Secret) */
  kubeconfigData?: string;
  /** the API server's URL, reached with `token` or `tokenFile` (instead of a kubeconfig) */
  server?: string;
  /** the bearer token for `server` */
  token?: string;
  /** a file holding the bearer token for `server`, read again as it rotates */
  tokenFile?: string;
  /** PEM of the CA that signed `server`'s certificate (base64 of the PEM is accepted too) */
  caData?: string;
  /** a file holding that PEM */
  caFile?: string;
  /** skip checking `server`'s certificate */
  insecure?: boolean;
}

/** Which of the mutually exclusive ways of saying where the server is `source` uses. */
function sourcesGiven(source: KubeConfigSource): string[] {
  return [
    source.kubeconfig !== undefined && 'kubeconfig',
    source.kubeconfigData !== undefined && 'kubeconfigData',
    source.inCluster && 'inCluster',
    source.server !== undefined && 'server',
  ].filter((s): s is string => typeof s === 'string');
}

/** A KubeConfig of one cluster and one user: `server` with a bearer token (and CA). */
function loadFromServer(kc: KubeConfig, source: KubeConfigSource & { server: string }): void {
  const where = `cluster ${safeUrl(source.server)}`;
  if ((source.token === undefined) === (source.tokenFile === undefined)) {
    throw new CapstanError('KUBECONFIG_INVALID', `${where}: give exactly one of token or tokenFile`, {
      server: safeUrl(source.server),
    });
  }
  if (!/^https?:\/\//.test(source.server)) {
    throw new CapstanError(
      'KUBECONFIG_INVALID',
      `${where}: the server must be a URL such as https://10.0.0.1:6443`,
      { server: safeUrl(source.server) },
    );
  }
  if (source.tokenFile !== undefined) kc.addAuthenticator(new TrimmedTokenFile());
  kc.loadFromClusterAndUser(
    {
      name: 'capstan-destination',
      server: source.server,
      skipTLSVerify: source.insecure === true,
      ...(source.caData !== undefined ? { caData: caDataBase64(source.caData) } : {}),
      ...(source.caFile !== undefined ? { caFile: source.caFile } : {}),
    },
    {
      name: 'capstan-destination',
      ...(source.tokenFile !== undefined
        ? { authProvider: { name: TOKEN_FILE_PROVIDER, config: { file: source.tokenFile } } }
        : { token: source.token }),
    },
  );
}

const TOKEN_FILE_PROVIDER = 'capstan-token-file';
/** How long a token read from a file is used before the file is read again (as client-go does). */
const TOKEN_FILE_REREAD_MS = 60_000;

type Authenticator = Parameters<KubeConfig['addAuthenticator']>[0];

/**
 * A bearer token read from a file, trimmed, and read again each minute so a rotated token is
 * picked up. client-node's own `tokenFile` provider sends the file as it is, and a token
 * file written by hand usually ends with a newline, which no HTTP header may carry.
 */
class TrimmedTokenFile implements Authenticator {
  private token = '';
  private readAt = -Infinity;

  isAuthProvider(user: Parameters<Authenticator['isAuthProvider']>[0]): boolean {
    return user.authProvider?.name === TOKEN_FILE_PROVIDER;
  }

  async applyAuthentication(
    user: Parameters<Authenticator['applyAuthentication']>[0],
    opts: Parameters<Authenticator['applyAuthentication']>[1],
  ): Promise<void> {
    if (Date.now() - this.readAt > TOKEN_FILE_REREAD_MS) {
      this.token = (await fs.promises.readFile(user.authProvider.config.file as string, 'utf8')).trim();
      this.readAt = Date.now();
    }
    opts.headers = { ...opts.headers, Authorization: `Bearer ${this.token}` };
  }
}

/** client-node wants a kubeconfig's `certificate-authority-data`: the PEM in base64. */
function caDataBase64(ca: string): string {
  return ca.includes('-----BEGIN') ? Buffer.from(ca).toString('base64') : ca.replace(/\s+/g, '');
}

/** Loads and checks the configuration; throws CapstanError `KUBECONFIG_*` with the cause. */
export function loadKubeConfig(source: KubeConfigSource): KubeConfig {
  const kc = new KubeConfig();
  const given = sourcesGiven(source);
  if (given.length > 1) {
    throw new CapstanError('KUBECONFIG_INVALID', `give one of ${given.join(', ')}, not several`, {
      given,
    });
  }
  if (source.server !== undefined) {
    loadFromServer(kc, { ...source, server: source.server });
  } else if (source.kubeconfigData !== undefined) {
    try {
      kc.loadFromString(source.kubeconfigData);
    } catch (e) {
      // only the parser's reason and line: its full message quotes the text, which holds credentials
      const { name, reason, mark, message } = e as Error & { reason?: string; mark?: { line?: number } };
      const why =
        name === 'YAMLException'
          ? `${reason ?? 'not YAML'}${mark?.line !== undefined ? ` (line ${mark.line + 1})` : ''}`
          : message;
      throw new CapstanError('KUBECONFIG_INVALID', `not a valid kubeconfig: ${why}`);
    }
  } else if (source.inCluster) {
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
  const where =
    source.kubeconfig ??
    (source.inCluster
      ? 'in-cluster configuration'
      : source.kubeconfigData !== undefined
        ? 'the kubeconfig given'
        : source.server !== undefined
          ? `cluster ${safeUrl(source.server)}`
          : 'default kubeconfig');
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
