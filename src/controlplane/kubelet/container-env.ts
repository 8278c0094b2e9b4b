/**
 * The environment of a container process. Later sources win:
 *   base (runtime option, default PATH only) → HOSTNAME → PORT / CAPSTAN_PORT_* /
 *   CAPSTAN_VOLUME_* → literal `env[].value` (with $(VAR) expansion, as the kubelet does)
 *   → the values the caller resolved from configMapKeyRef / secretKeyRef / fieldRef.
 * The user's own `PORT` therefore overrides the one we set.
 */
import path from 'node:path';
import { expandVars } from './command.js';
import type { ContainerSpec } from './pod-spec.js';
import { portEnvName, volumeEnvName, type PortMapping } from './ports.js';

/** What `buildEnv` needs besides the container. */
export interface EnvInputs {
  base: Record<string, string>;
  podName: string;
  ports: readonly PortMapping[];
  volumes: Record<string, string>;
  resolved: Record<string, string>;
}

/** Builds the env, or returns an error message when a mounted volume was not prepared. */
export function buildEnv(
  c: ContainerSpec,
  input: EnvInputs,
): { env: Record<string, string> } | { error: string } {
  const env: Record<string, string> = { ...input.base, HOSTNAME: input.podName };
  const own = input.ports.filter((p) => p.container === c.name);
  if (own.length > 0) env.PORT = String(own[0].hostPort);
  // Containers of a pod share a network namespace in Kubernetes and reach each other on
  // localhost; here each port moved, so every named port of the pod is published.
  for (const p of input.ports) if (p.name) env[portEnvName(p.name)] ??= String(p.hostPort);
  for (const m of c.volumeMounts) {
    const dir = input.volumes[m.name];
    if (dir === undefined) {
      return { error: `volume "${m.name}" (mounted at ${m.mountPath}) has not been prepared on this node` };
    }
    env[volumeEnvName(m.name)] = m.subPath ? path.join(dir, m.subPath) : dir;
  }
  for (const e of c.env) {
    if (e.value !== undefined) env[e.name] = expandVars(e.value, env);
  }
  Object.assign(env, input.resolved);
  return { env };
}
