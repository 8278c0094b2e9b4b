import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import Database from 'better-sqlite3';
import { openStore, type Store } from '../../../src/controlplane/store/index.js';
import { expectedState, writerPrefix } from './crash-model.js';
import { configmaps, removeDataDir, tempDataDir } from './helpers.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const WRITERS = 12;

/** Acknowledged steps of one run: per writer, the revisions of each step in order. */
type Acks = number[][][];

/** Runs the writer child until it has acknowledged `kill` steps, then SIGKILLs it. */
function runUntilKilled(dataDir: string, run: string, kill: number): Promise<Acks> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(here, 'crash-writer.ts'), dataDir, run, String(WRITERS)],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    let lines = 0;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      lines += chunk.split('\n').length - 1;
      if (lines >= kill) child.kill('SIGKILL');
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (signal !== 'SIGKILL') return reject(new Error(`writer exited (${code}) before the kill: ${err}`));
      const acks: Acks = Array.from({ length: WRITERS }, () => []);
      // Only whole lines: each is one write(2) of less than PIPE_BUF, so none is torn.
      for (const line of out.split('\n').slice(0, -1)) {
        const [w, s, revs] = line.split(' ');
        const mine = acks[Number(w)];
        if (Number(s) !== mine.length)
          return reject(new Error(`writer ${w} acknowledged step ${s} out of order`));
        mine.push(revs.split(',').map(Number));
      }
      resolve(acks);
    });
  });
}

function integrityCheck(dataDir: string): string {
  const db = new Database(path.join(dataDir, 'capstan.db'));
  try {
    return String(db.pragma('integrity_check', { simple: true }));
  } finally {
    db.close();
  }
}

/** Checks that the store holds every acknowledged step of a run, and at most one more per writer. */
function verifyRun(t: import('ava').ExecutionContext, store: Store, run: string, acks: Acks): number {
  let inFlightCommitted = 0;
  const objects = store.list(configmaps).items;
  for (let w = 0; w < WRITERS; w++) {
    const prefix = writerPrefix(run, w);
    const actual = new Map(
      objects
        .filter((o) => o.key.name.startsWith(prefix))
        .map((o) => [o.key.name, { s: (o.value.data as { s: number }).s, revision: o.revision }]),
    );
    const acked = acks[w].length;
    const matches = [acked, acked + 1].filter((steps) => {
      const expected = expectedState(run, w, steps, acks[w]);
      if (expected.size !== actual.size) return false;
      for (const [name, e] of expected) {
        const a = actual.get(name);
        if (!a || a.s !== e.s) return false;
        if (e.revision !== undefined && a.revision !== e.revision) return false;
      }
      return true;
    });
    t.true(matches.length > 0, `${run} writer ${w}: store matches ${acked} or ${acked + 1} steps`);
    if (!matches.includes(acked)) inFlightCommitted++;
  }
  return inFlightCommitted;
}

test('every acknowledged write survives SIGKILL at several moments; revisions stay consistent', async (t) => {
  const dataDir = tempDataDir('crash');
  openStore({ dataDir }).close();
  const runs: { run: string; acks: Acks }[] = [];
  let revisionAtOpen = 0;
  for (const [i, kill] of [1, 60, 700, 2500].entries()) {
    const run = `r${i}`;
    const acks = await runUntilKilled(dataDir, run, kill);
    runs.push({ run, acks });
    const revisions = acks.flat(2);
    t.true(revisions.length >= kill);
    t.is(new Set(revisions).size, revisions.length, `${run}: acknowledged revisions are distinct`);
    t.true(
      revisions.every((r) => r > revisionAtOpen),
      `${run}: no revision of an earlier run is reused`,
    );
    for (const steps of acks) {
      const flat = steps.flat();
      t.true(
        flat.every((r, j) => j === 0 || r > flat[j - 1]),
        `${run}: each writer's revisions increase`,
      );
    }

    t.is(integrityCheck(dataDir), 'ok');
    const store = openStore({ dataDir });
    revisionAtOpen = store.revision;
    t.true(revisionAtOpen >= Math.max(...revisions), 'the revision covers every acknowledged write');
    const items = store.list(configmaps).items;
    t.true(items.every((o) => o.revision <= store.revision && o.value.metadata !== undefined));
    t.true(
      items.every(
        (o) => (o.value.metadata as { resourceVersion: string }).resourceVersion === String(o.revision),
      ),
    );
    for (const { run: r, acks: a } of runs) {
      const unacked = verifyRun(t, store, r, a);
      if (r === run)
        t.log(
          `${run}: killed after ${revisions.length} acknowledged writes; ${unacked} unacknowledged steps had committed`,
        );
    }
    await store.close();
  }
  removeDataDir(dataDir);
});
