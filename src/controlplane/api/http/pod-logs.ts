/**
 * GET .../pods/{name}/log (`kubectl logs`): plain text from the node that runs the pod,
 * with `container`, `previous`, `tailLines` and `follow` as the kubelet serves them.
 */
import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { JsonObject } from '../../../core/index.js';
import { ApiError, badRequest } from '../errors.js';

export interface PodLogOptions {
  container: string;
  previous: boolean;
  tailLines?: number;
  follow: boolean;
}

/** Reads a pod's logs; provided by whatever runs the pods (the node agent). */
export type PodLogSource = (pod: JsonObject, options: PodLogOptions) => Promise<string | Readable>;

export async function servePodLogs(
  pod: JsonObject,
  query: URLSearchParams,
  res: ServerResponse,
  source: PodLogSource | undefined,
  track: (end: () => void) => () => void,
): Promise<void> {
  const meta = pod.metadata as JsonObject;
  const containers = (((pod.spec as JsonObject | undefined)?.containers ?? []) as JsonObject[]).map((c) =>
    String(c.name),
  );
  let container = query.get('container') ?? undefined;
  if (!container) {
    if (containers.length !== 1) {
      throw badRequest(
        `a container name must be specified for pod ${String(meta.name)}, choose one of: [${containers.join(' ')}]`,
      );
    }
    container = containers[0];
  }
  if (!source) {
    throw new ApiError(
      400,
      'BadRequest',
      `container "${container}" in pod "${String(meta.name)}" is waiting to start: no node runs it`,
    );
  }
  const tail = query.get('tailLines');
  const tailLines = tail === null ? undefined : Number(tail);
  if (tailLines !== undefined && (!Number.isInteger(tailLines) || tailLines < 0)) {
    throw badRequest(`tailLines: invalid value ${JSON.stringify(tail)}`);
  }
  const follow = query.get('follow') === 'true' || query.get('follow') === '1';
  const previous = query.get('previous') === 'true' || query.get('previous') === '1';
  let out: string | Readable;
  try {
    out = await source(pod, { container, previous, tailLines, follow });
  } catch (e) {
    throw new ApiError(400, 'BadRequest', (e as Error).message);
  }
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private' });
  if (typeof out === 'string') {
    res.end(out);
    return;
  }
  const stream = out;
  const untrack = track(() => stream.destroy());
  res.on('close', () => {
    stream.destroy();
    untrack();
  });
  stream.on('end', () => res.end());
  stream.pipe(res, { end: false });
}
