/**
 * Watch streams: a chunked `application/json` response with one event per line
 * (`{"type":"ADDED","object":{…}}`), as kube-apiserver's watch handler writes them.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimer, type JsonObject } from '../../../core/index.js';
import type { Api, ApiWatch, ApiWatchEvent, Gvr, WatchOptions } from '../types.js';
import { cacheControl } from './response.js';
import { internalError } from './status.js';

export interface WatchRequest {
  api: Api;
  gvr: Gvr;
  namespace: string | undefined;
  options: WatchOptions;
  /** renders an event's object (Table, PartialObjectMetadata, or as is); `first` is the stream's first event */
  render: (event: ApiWatchEvent, first: boolean) => JsonObject;
  /** called with the function that ends the stream; returns the function that forgets it */
  track: (end: () => void) => () => void;
  onUnexpected: (e: unknown) => void;
}

/**
 * Starts the Api watch and streams its events. An error thrown while starting (a 410
 * Expired for a compacted resourceVersion) is thrown before anything is written, so the
 * caller answers with that Status and code. The stream ends when the client goes away,
 * after timeoutSeconds, after an ERROR event, or when the server closes.
 */
export function serveWatch(req: IncomingMessage, res: ServerResponse, w: WatchRequest): void {
  let started = false;
  let ended = false;
  let first = true;
  const early: ApiWatchEvent[] = [];
  let timer: NodeJS.Timeout | undefined;
  let untrack = () => {};

  const end = () => {
    if (ended) return;
    ended = true;
    if (timer) clearTimeout(timer);
    untrack();
    // end() only runs once the stream has started, after the watch below exists
    watch.stop();
    if (!res.writableEnded) res.end();
  };

  const send = (event: ApiWatchEvent) => {
    if (ended) return;
    let object: JsonObject;
    try {
      object = event.type === 'ERROR' ? event.object : w.render(event, first);
    } catch (e) {
      w.onUnexpected(e);
      res.write(JSON.stringify({ type: 'ERROR', object: internalError().toStatus() }) + '\n');
      end();
      return;
    }
    first = false;
    res.write(JSON.stringify({ type: event.type, object }) + '\n');
    // the real server closes a watch after an ERROR event; clients then re-list
    if (event.type === 'ERROR') end();
  };

  // Api.watch may deliver the initial ADDED events before it returns: hold them until
  // we know the watch started, so a failure can still be answered with its own code.
  const watch: ApiWatch = w.api.watch(w.gvr, w.namespace, w.options, (event) =>
    started ? send(event) : early.push(event),
  );

  res.on('close', end);
  if (req.destroyed || res.destroyed) {
    end();
    return;
  }
  untrack = w.track(end);
  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Cache-Control': cacheControl,
    'Transfer-Encoding': 'chunked',
  });
  res.flushHeaders();
  // one event per packet: without this Nagle's algorithm may hold small events back
  res.socket?.setNoDelay(true);
  started = true;
  for (const event of early.splice(0)) send(event);
  if (w.options.timeoutSeconds !== undefined && !ended) {
    timer = setTimer(end, w.options.timeoutSeconds * 1000);
  }
}
