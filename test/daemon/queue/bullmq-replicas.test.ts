/**
 * Several daemon processes on one Redis: the BullMQ queue's per-application exclusivity must
 * hold across processes, not just within one. Each replica is a real child process
 * (bullmq-replica.ts) that writes start/end timestamps of every sync to a file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { BullMqSyncQueue, type SyncPriority } from '../../../src/daemon/queue/index.js';
import { eventually } from '../../helpers/eventually.js';
import {
  REDIS_SKIP_REASON,
  redisServerPath,
  startRedisServer,
  type RedisServer,
} from '../../helpers/redis-server.js';
import { idle, req } from './sync-queue.contract.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const replicaScript = path.join(here, 'bullmq-replica.ts');

interface Record {
  replica: string;
  phase: 'start' | 'end';
  app: string;
  revision: string;
  attempt: number;
  start: number;
  end?: number;
}

let redis: RedisServer | undefined;
let dir: string;

/** Starts one replica process and resolves once it prints "ready". */
function startReplica(name: string, queueName: string, env: NodeJS.ProcessEnv = {}): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', replicaScript], {
    cwd: path.resolve(here, '../../..'),
    env: {
      ...process.env,
      REDIS_URL: redis!.url,
      QUEUE_NAME: queueName,
      OUT_FILE: path.join(dir, `${queueName}-${name}.jsonl`),
      REPLICA: name,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d) => String(d).includes('ready') && resolve(child));
    child.once('exit', (code) =>
      reject(new Error(`replica ${name} exited (${code}) before ready: ${stderr}`)),
    );
  });
}

function records(queueName: string, ...replicas: string[]): Record[] {
  return replicas.flatMap((r) => {
    let text = '';
    try {
      text = readFileSync(path.join(dir, `${queueName}-${r}.jsonl`), 'utf8');
    } catch {
      return [];
    }
    return text
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record);
  });
}

async function stop(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  return exited;
}

if (redisServerPath()) {
  test.before(async () => {
    redis = await startRedisServer();
    dir = mkdtempSync(path.join(os.tmpdir(), 'capstan-replicas-'));
  });
  test.after.always(async () => {
    await redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test.serial(
    'two replicas on one Redis never run one app twice at once, and sync every last revision',
    async (t) => {
      const queueName = 'replicas';
      const replicas = await Promise.all([startReplica('A', queueName), startReplica('B', queueName)]);
      t.teardown(() => Promise.all(replicas.map(stop)));
      const producer = new BullMqSyncQueue({ redisUrl: redis!.url, queueName });
      t.teardown(() => producer.close());

      const apps = ['a0', 'a1', 'a2', 'a3', 'a4', 'a5'];
      const priorities: SyncPriority[] = ['poll', 'webhook', 'manual'];
      const rounds = 30;
      for (let r = 0; r < rounds; r++) {
        // Interleaved, as webhooks for several repositories arrive.
        for (const [i, app] of apps.entries())
          await producer.enqueue(req(app, `r${r}`, priorities[(r + i) % 3]));
      }
      const last = `r${rounds - 1}`;
      await eventually(() => {
        const ended = records(queueName, 'A', 'B').filter((x) => x.phase === 'end');
        return apps.every((app) => ended.some((x) => x.app === app && x.revision === last));
      }, 60_000);
      await idle(producer);

      const ends = records(queueName, 'A', 'B').filter((x) => x.phase === 'end');
      const starts = records(queueName, 'A', 'B').filter((x) => x.phase === 'start');
      t.is(starts.length, ends.length, 'every sync that started ended');
      for (const app of apps) {
        const runs = ends.filter((x) => x.app === app).sort((x, y) => x.start - y.start || x.end! - y.end!);
        for (let i = 1; i < runs.length; i++) {
          const [prev, next] = [runs[i - 1], runs[i]];
          t.true(
            next.start >= prev.end!,
            `${app}: ${next.replica} started ${next.revision} at ${next.start} before ${prev.replica} ended ${prev.revision} at ${prev.end}`,
          );
        }
        t.is(runs.at(-1)!.revision, last, `${app}: the last sync is of the last revision`);
      }
      const byReplica = new Map<string, number>();
      for (const x of ends) byReplica.set(x.replica, (byReplica.get(x.replica) ?? 0) + 1);
      t.log(`${apps.length * rounds} requests gave ${ends.length} syncs:`, Object.fromEntries(byReplica));
      t.true(ends.length <= apps.length * rounds);
      t.deepEqual([...byReplica.keys()].sort(), ['A', 'B'], 'both replicas took work');
      t.deepEqual(await Promise.all(replicas.map(stop)), [0, 0]);
    },
  );

  test.serial(
    'a replica killed mid-sync: its request runs on another replica once its lock expires',
    async (t) => {
      const queueName = 'killed';
      const fast = { LOCK_TTL_MS: '1000', SWEEP_EVERY_MS: '300' };
      const a = await startReplica('A', queueName, { ...fast, HANG_REVISION: 'r1' });
      t.teardown(() => stop(a));
      const producer = new BullMqSyncQueue({ redisUrl: redis!.url, queueName });
      t.teardown(() => producer.close());
      await producer.enqueue(req('z', 'r1', 'manual'));
      await eventually(() => records(queueName, 'A').some((x) => x.phase === 'start' && x.revision === 'r1'));
      const b = await startReplica('B', queueName, fast);
      t.teardown(() => stop(b));
      a.kill('SIGKILL');
      await eventually(
        () => records(queueName, 'B').some((x) => x.phase === 'end' && x.revision === 'r1'),
        60_000,
      );
      const onB = records(queueName, 'B').filter((x) => x.app === 'z');
      t.like(onB[0], { revision: 'r1', attempt: 1 }, 'handed over as it was, not counted as a failure');
      await idle(producer);
      t.is(await stop(b), 0);
    },
  );
} else {
  test.skip(`BullMqSyncQueue replicas: ${REDIS_SKIP_REASON}`, () => {});
}
