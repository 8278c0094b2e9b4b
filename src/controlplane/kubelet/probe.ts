/**
 * One probe attempt, as pkg/kubelet/prober does it: httpGet succeeds on a status in
 * [200, 400) (certificates are not verified), tcpSocket on an accepted connection, exec on
 * exit code 0. Each attempt is bounded by timeoutSeconds; a timeout is a failure.
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { spawn } from 'node:child_process';
import type { Clock } from './clock.js';
import type { ProbeSpec } from './pod-spec.js';

/** Where and how a probe runs: the container's host ports, env and working directory. */
export interface ProbeTarget {
  /** Resolves a probe port (number or port name) to the host port to dial. */
  hostPort(port: number | string): number | undefined;
  env: Record<string, string>;
  cwd: string;
}

/** The outcome of one attempt; `message` says why it failed. */
export interface ProbeOutcome {
  ok: boolean;
  message?: string;
}

// The kubelet identifies itself this way; some apps special-case it.
const USER_AGENT = 'kube-probe/1.31';

function httpProbe(
  h: Extract<ProbeSpec['handler'], { kind: 'httpGet' }>,
  port: number,
  timeoutMs: number,
  clock: Clock,
): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    const lib = h.scheme === 'HTTPS' ? https : http;
    const headers: Record<string, string> = { 'User-Agent': USER_AGENT, Accept: '*/*' };
    for (const [k, v] of h.headers) headers[k] = v;
    const req = lib.request(
      {
        host: h.host ?? '127.0.0.1',
        port,
        path: h.path.startsWith('/') ? h.path : `/${h.path}`,
        method: 'GET',
        headers,
        rejectUnauthorized: false,
        agent: false,
      },
      (res) => {
        res.resume();
        const code = res.statusCode ?? 0;
        finish(
          code >= 200 && code < 400
            ? { ok: true }
            : { ok: false, message: `HTTP probe failed with statuscode: ${code}` },
        );
      },
    );
    const timer = clock.setTimeout(() => {
      finish({
        ok: false,
        message: `Get "${h.scheme.toLowerCase()}://127.0.0.1:${port}${h.path}": context deadline exceeded`,
      });
      req.destroy();
    }, timeoutMs);
    let done = false;
    function finish(o: ProbeOutcome): void {
      if (done) return;
      done = true;
      clock.clearTimeout(timer);
      resolve(o);
    }
    req.on('error', (e) => finish({ ok: false, message: e.message }));
    req.end();
  });
}

function tcpProbe(host: string, port: number, timeoutMs: number, clock: Clock): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const timer = clock.setTimeout(
      () => finish({ ok: false, message: `dial tcp ${host}:${port}: i/o timeout` }),
      timeoutMs,
    );
    let done = false;
    function finish(o: ProbeOutcome): void {
      if (done) return;
      done = true;
      clock.clearTimeout(timer);
      socket.destroy();
      resolve(o);
    }
    socket.once('connect', () => finish({ ok: true }));
    socket.once('error', (e) => finish({ ok: false, message: e.message }));
  });
}

function execProbe(
  command: string[],
  target: ProbeTarget,
  timeoutMs: number,
  clock: Clock,
): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    if (command.length === 0) return resolve({ ok: false, message: 'exec probe has no command' });
    const child = spawn(command[0], command.slice(1), {
      cwd: target.cwd,
      env: target.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    // Like the kubelet, keep only the first 10 KiB of output for the failure message.
    const keep = (b: Buffer) => {
      if (output.length < 10_240) output += b.toString('utf8');
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = clock.setTimeout(() => {
      child.kill('SIGKILL');
      finish({ ok: false, message: `command timed out after ${timeoutMs / 1000}s` });
    }, timeoutMs);
    let done = false;
    function finish(o: ProbeOutcome): void {
      if (done) return;
      done = true;
      clock.clearTimeout(timer);
      resolve(o);
    }
    child.once('error', (e) => finish({ ok: false, message: e.message }));
    child.once('close', (code) =>
      finish(
        code === 0
          ? { ok: true }
          : { ok: false, message: output.trim().slice(0, 10_240) || `exit code ${code}` },
      ),
    );
  });
}

/** Runs one attempt of `probe` against `target`. Never throws. */
export async function runProbe(probe: ProbeSpec, target: ProbeTarget, clock: Clock): Promise<ProbeOutcome> {
  const timeoutMs = Math.max(1, probe.timeoutSeconds * 1000);
  const h = probe.handler;
  switch (h.kind) {
    case 'httpGet': {
      const port = target.hostPort(h.port);
      if (!port) return { ok: false, message: `port ${String(h.port)} is not a port of this container` };
      return httpProbe(h, port, timeoutMs, clock);
    }
    case 'tcpSocket': {
      const port = target.hostPort(h.port);
      if (!port) return { ok: false, message: `port ${String(h.port)} is not a port of this container` };
      return tcpProbe(h.host ?? '127.0.0.1', port, timeoutMs, clock);
    }
    case 'exec':
      return execProbe(h.command, target, timeoutMs, clock);
    default:
      return { ok: false, message: `probe handler "${h.name}" is not supported by the process runtime` };
  }
}
