/**
 * Host ports for container ports. Containers here share the host's network, so every
 * declared containerPort gets its own free loopback port (or the container's `hostPort`
 * when set), kept for the pod's lifetime so restarts and probes see the same port.
 */
import net from 'node:net';
import type { ContainerSpec } from './pod-spec.js';

/** One declared container port and the host port it was given. */
export interface PortMapping {
  container: string;
  name?: string;
  containerPort: number;
  protocol: string;
  hostPort: number;
}

function listenFree(): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

/**
 * Allocates host ports for all ports of `containers`. All probe sockets stay open until
 * every port is chosen, so two ports of one pod can never be handed the same number.
 */
export async function allocatePorts(containers: readonly ContainerSpec[]): Promise<PortMapping[]> {
  const held: net.Server[] = [];
  const out: PortMapping[] = [];
  try {
    for (const c of containers) {
      for (const p of c.ports) {
        let hostPort = p.hostPort;
        if (!hostPort) {
          const server = await listenFree();
          held.push(server);
          hostPort = (server.address() as net.AddressInfo).port;
        }
        out.push({
          container: c.name,
          name: p.name,
          containerPort: p.containerPort,
          protocol: p.protocol,
          hostPort,
        });
      }
    }
  } finally {
    await Promise.all(held.map((s) => new Promise((r) => s.close(r))));
  }
  return out;
}

/** `http-metrics` → `CAPSTAN_PORT_HTTP_METRICS`. */
export function portEnvName(name: string): string {
  return `CAPSTAN_PORT_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** `data-dir` → `CAPSTAN_VOLUME_DATA_DIR`. */
export function volumeEnvName(name: string): string {
  return `CAPSTAN_VOLUME_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/**
 * The host port a probe should dial for `port` (a number or a port name) of `container`:
 * a declared containerPort maps to its host port, an undeclared number is dialled as is.
 */
export function hostPortFor(
  ports: readonly PortMapping[],
  container: string,
  port: number | string,
): number | undefined {
  const own = ports.filter((p) => p.container === container);
  if (typeof port === 'string' && !/^\d+$/.test(port)) {
    return (own.find((p) => p.name === port) ?? ports.find((p) => p.name === port))?.hostPort;
  }
  const n = Number(port);
  return (own.find((p) => p.containerPort === n) ?? ports.find((p) => p.containerPort === n))?.hostPort ?? n;
}
