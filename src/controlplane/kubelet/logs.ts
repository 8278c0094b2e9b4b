/**
 * Container logs: each run writes `<restartCount>.log`, so the current run and the
 * previous one (`kubectl logs --previous`) are plain files. Following polls the file:
 * fs.watch misses appends on some file systems, and a log that grows at human speed does
 * not need more than a few reads a second.
 */
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { CapstanError, setTimer } from '../../core/index.js';

/** The last `n` lines of `text` (all of it when `n` is undefined). */
export function tail(text: string, n?: number): string {
  if (n === undefined || n < 0) return text;
  if (n === 0) return '';
  const lines = text.split('\n');
  const trailing = lines[lines.length - 1] === '' ? lines.pop() !== undefined : false;
  const kept = lines.slice(-n).join('\n');
  return trailing ? `${kept}\n` : kept;
}

/** Reads a log file, keeping the last `tailLines` lines; a missing file is an empty log. */
export async function readLog(file: string, tailLines?: number): Promise<string> {
  try {
    return tail(await fs.promises.readFile(file, 'utf8'), tailLines);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw e;
  }
}

/** Options of `followLog`. */
export interface FollowOptions {
  tailLines?: number;
  /** True once the run writing the file has exited: the stream ends after the last bytes. */
  done(): boolean;
  /** Real milliseconds between polls; 100 unless set. */
  pollMs?: number;
}

/** A stream of the file's content (or its last lines), then everything appended, until `done()`. */
export function followLog(file: string, opts: FollowOptions): Readable {
  const pollMs = opts.pollMs ?? 100;
  let offset = 0;
  let timer: NodeJS.Timeout | undefined;
  let started = false;
  const stream = new Readable({
    read() {
      if (started) return;
      started = true;
      void first();
    },
    destroy(err, cb) {
      if (timer) clearTimeout(timer);
      cb(err);
    },
  });
  async function first(): Promise<void> {
    try {
      const text = await fs.promises.readFile(file, 'utf8').catch(() => '');
      offset = Buffer.byteLength(text);
      const head = tail(text, opts.tailLines);
      if (head) stream.push(head);
      await poll();
    } catch (e) {
      stream.destroy(e as Error);
    }
  }
  async function poll(): Promise<void> {
    if (stream.destroyed) return;
    // Read `done` before the file: bytes written just before the exit are then still read.
    const finished = opts.done();
    const size = await fs.promises.stat(file).then(
      (s) => s.size,
      () => 0,
    );
    if (size > offset) {
      const fh = await fs.promises.open(file, 'r');
      try {
        const buf = Buffer.alloc(size - offset);
        const { bytesRead } = await fh.read(buf, 0, buf.length, offset);
        offset += bytesRead;
        if (bytesRead > 0 && !stream.destroyed) stream.push(buf.subarray(0, bytesRead));
      } finally {
        await fh.close();
      }
    }
    if (stream.destroyed) return;
    if (finished && size <= offset) {
      stream.push(null);
      return;
    }
    timer = setTimer(() => void poll().catch((e: Error) => stream.destroy(e)), pollMs);
  }
  return stream;
}

/**
 * The run a log request reads, with the kubelet's errors for an unknown container or a
 * `previous` run that does not exist. Both runtimes answer log requests through this.
 */
export function logRun<S extends { rec: { restartCount: number } }>(
  slots: ReadonlyMap<string, S>,
  podName: string,
  uid: string,
  container: string,
  previous: boolean | undefined,
): { slot: S; run: number } {
  const slot = slots.get(container);
  if (!slot) {
    throw new CapstanError(
      'KUBELET_CONTAINER_NOT_FOUND',
      `container ${container} is not valid for pod ${podName}`,
      {
        uid,
        container,
      },
    );
  }
  const count = slot.rec.restartCount;
  if (previous && count === 0) {
    throw new CapstanError(
      'KUBELET_PREVIOUS_NOT_FOUND',
      `previous terminated container "${container}" in pod "${podName}" not found`,
      { uid, container },
    );
  }
  return { slot, run: previous ? count - 1 : count };
}
