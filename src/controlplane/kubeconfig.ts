/** A kubeconfig for the embedded control plane, so kubectl and client libraries reach it. */
import fs from 'node:fs';
import path from 'node:path';
import { stringifyYaml } from '../core/index.js';

export interface KubeconfigOptions {
  server: string;
  token: string;
  /** PEM of the certificate authority that signed the server's certificate */
  caCert?: string;
  /** cluster, user and context name (default `capstan`) */
  name?: string;
}

export function kubeconfigYaml(options: KubeconfigOptions): string {
  const name = options.name ?? 'capstan';
  return stringifyYaml({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name,
        cluster: {
          server: options.server,
          ...(options.caCert
            ? { 'certificate-authority-data': Buffer.from(options.caCert).toString('base64') }
            : {}),
        },
      },
    ],
    users: [{ name, user: { token: options.token } }],
    contexts: [{ name, context: { cluster: name, user: name, namespace: 'default' } }],
    'current-context': name,
    preferences: {},
  });
}

/** Writes the kubeconfig with mode 0600 (it holds the token), atomically. */
export function writeKubeconfig(file: string, options: KubeconfigOptions): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, kubeconfigYaml(options), { mode: 0o600 });
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, file);
}
