/**
 * A private redis-server for tests: its own port and temporary directory, no persistence,
 * stopped (and its directory removed) by `stop()` or when the test process exits.
 *
 *   const redis = await startRedisServer();   // throws if redis-server is not installed
 *   … new BullMqSyncQueue({ redisUrl: redis.url }) …
 *   await redis.stop();
 *
 * Tests that need it declare themselves with `redisServerPath() ? test : test.skip`, so a
 * machine without redis-server skips them with a message instead of failing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface RedisServer {
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** The server's working directory (removed by `stop`). */
  readonly dir: string;
  readonly process: ChildProcess;
  /** Stops the server and removes its directory; idempotent. */
  stop(): Promise<void>;
}

/** Why the Redis tests are skipped on this machine; shown in the skipped test's title. */
export const REDIS_SKIP_REASON =
  'redis-server not found ($REDIS_SERVER, PATH, /usr/bin, /usr/local/bin): skipped';

/** The redis-server binary: `$REDIS_SERVER`, else the first on the PATH or in the usual places; undefined if none. */
export function redisServerPath(): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/bin', '/usr/local/bin', '/usr/sbin'];
  const candidates = [
    process.env.REDIS_SERVER,
    ...dirs.filter(Boolean).map((d) => path.join(d, 'redis-server')),
  ];
  for (const c of candidates) {
    if (!c) continue;
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * A port nobody listens on right now. redis-server cannot be told `--port 0`, so bind port 0,
 * read what the kernel chose and close; another process could take it in between, which
 * `startRedisServer` handles by retrying.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Starts a redis-server on a free port of 127.0.0.1 in a new temporary directory. */
export async function startRedisServer(): Promise<RedisServer> {
  const bin = redisServerPath();
  if (!bin) throw new Error(REDIS_SKIP_REASON);
  let lastError: unknown;
  for (let tries = 0; tries < 5; tries++) {
    const port = await freePort();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'capstan-redis-'));
    try {
      return await launch(bin, port, dir);
    } catch (e) {
      lastError = e;
      rmSync(dir, { recursive: true, force: true });
    }
  }
  throw new Error(`could not start redis-server: ${String(lastError)}`);
}

function launch(bin: string, port: number, dir: string): Promise<RedisServer> {
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    'no',
    '--daemonize',
    'no',
    '--protected-mode',
    'yes',
    '--loglevel',
    'warning',
  ];
  const child = spawn(bin, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  let stopping: Promise<void> | undefined;
  const server: RedisServer = {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    process: child,
    stop() {
      stopping ??= (async () => {
        process.removeListener('exit', killOnExit);
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
          await exited;
          clearTimeout(timer);
        }
        rmSync(dir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };

  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', (e) => {
      process.removeListener('exit', killOnExit);
      reject(e);
    });
    void exited.then(() => reject(new Error(`redis-server exited during start-up: ${output.trim()}`)));
    // Ready when it answers on the port *as this process* (another program may have taken
    // the port between freePort and the bind, and then ours exits): simpler and more robust
    // than matching log lines, which depend on the version and log level.
    const deadline = Date.now() + 10_000;
    const poll = () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      serverPid(port)
        .then((pid) =>
          pid === child.pid ? Promise.resolve() : Promise.reject(new Error(`port ${port} is taken`)),
        )
        .then(
          () => resolve(server),
          () => {
            if (Date.now() > deadline) {
              void server.stop();
              reject(new Error(`redis-server did not answer on port ${port} within 10 s: ${output.trim()}`));
            } else setTimeout(poll, 25);
          },
        );
    };
    poll();
  });
}

/** The process id of the Redis server answering on `port` (`INFO server`, over a raw socket). */
function serverPid(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let reply = '';
    socket.setTimeout(1000, () => socket.destroy(new Error('timeout')));
    socket.on('error', reject);
    socket.on('connect', () => socket.write('INFO server\r\n'));
    socket.on('data', (d) => {
      reply += d.toString();
      const m = /process_id:(\d+)/.exec(reply);
      if (m) {
        socket.end();
        resolve(Number(m[1]));
      } else if (reply.startsWith('-')) {
        socket.end();
        reject(new Error(reply.trim()));
      }
    });
  });
}
