/** Test helpers: a real control plane in a temp directory, and clients for it. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import https from 'node:https';
import * as k8s from '@kubernetes/client-node';
import { startControlPlane, type ControlPlane } from '../../src/controlplane/index.js';

export interface TestControlPlane {
  cp: ControlPlane;
  dataDir: string;
  kc: k8s.KubeConfig;
  kubeconfigPath: string;
  close(): Promise<void>;
}

/** Starts a control plane on a free loopback port with its own data directory. */
export async function startTestControlPlane(
  dataDir?: string,
  options: { controllers?: boolean } = {},
): Promise<TestControlPlane> {
  const dir = dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-cp-'));
  const cp = await startControlPlane({
    dataDir: dir,
    port: 0,
    token: 'test-token',
    controllers: options.controllers,
  });
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(cp.kubeconfigPath!);
  return {
    cp,
    dataDir: dir,
    kc,
    kubeconfigPath: cp.kubeconfigPath!,
    async close() {
      await cp.close();
    },
  };
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

export { eventually } from '../helpers/eventually.js';

export const hasKubectl = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;

/** A raw HTTPS request to the control plane (trusting its certificate); the token only when given. */
export function rawRequest(
  env: TestControlPlane,
  method: string,
  urlPath: string,
  options: { token?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  const url = new URL(urlPath, env.cp.url);
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      {
        method,
        ca: env.cp.caCert,
        headers: {
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          ...(options.body ? { 'content-type': 'application/json' } : {}),
          ...options.headers,
        },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      },
    );
    req.on('error', reject);
    if (options.body) req.write(options.body);
    req.end();
  });
}
