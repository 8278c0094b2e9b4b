/**
 * Watch streams: a chunked `application/json` response with one event per line
 * (`{"type":"ADDED","object":{…}}`), as kube-apiserver's watch handler writes them.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimer, type JsonObject } from '../../../core/index.js';
import type { Api, ApiWatch, ApiWatchEvent, Gvr, WatchOptions } from '../types.js';
import { cacheControl } from './response.js';
import { internalError } from './status.js';
import { WatchWriter } from './watch-writer.js';

export interface WatchRequest {
  api: Api;
  gvr: Gvr;
  namespace: string | undefined;
  options: WatchOptions;
  /** renders an event's object (Table, PartialObjectMetadata, or as is); `first` is the stream's first event */
  render: (event: ApiWatchEvent, first: boolean) => JsonObject;
  /**
   * called with the function that ends the stream, before the watch starts; returns the
   * function that forgets it, or throws (a 429 when the client holds too many watches)
   */
  track: (end: () => void) => () => void;
  /** bytes of events the watch may fall behind by before it is dropped */
  bufferBytes: number;
  /** told when a watch is dropped because its client fell behind */
  onDropped: (queuedBytes: number) => void;
  onUnexpected: (e: unknown) => void;
}

/**
 * Starts the Api watch and streams its events. An error thrown while starting (a 410
 * Expired for a compacted resourceVersion, a 429 for too many watches) is thrown before
 * anything is written, so the caller answers with that Status and code. The stream ends
 * when the client goes away, after timeoutSeconds, after an ERROR event, when the server
 * closes, or — dropping the connection — when the client falls behind by more than
 * `bufferBytes`.
 */
export function serveWatch(req: IncomingMessage, res: ServerResponse, w: WatchRequest): void {
  let started = false;
  let ended = false;
  let first = true;
  const early: ApiWatchEvent[] = [];
  let timer: NodeJS.Timeout | undefined;
  let watch: ApiWatch | undefined;
  let untrack = () => {};

  const writer = new WatchWriter(res, w.bufferBytes, (queuedBytes) => {
    w.onDropped(queuedBytes);
    // the client is not reading: ending the stream politely would queue more bytes behind
    // the ones it never took, so close the connection and free them now
    res.destroy();
    end();
  });

  const end = () => {
    if (ended) return;
    ended = true;
    if (timer) clearTimeout(timer);
    untrack();
    watch?.stop();
    if (res.destroyed || res.writableEnded) return writer.discard();
    writer.flushAll();
    res.end();
  };

  const send = (event: ApiWatchEvent) => {
    if (ended) return;
    let object: JsonObject;
    try {
      object = event.type === 'ERROR' ? event.object : w.render(event, first);
    } catch (e) {
      w.onUnexpected(e);
      writer.write('ERROR', internalError().toStatus());
      end();
      return;
    }
    first = false;
    writer.write(event.type, object);
    // the real server closes a watch after an ERROR event; clients then re-list
    if (event.type === 'ERROR') end();
  };

  // counted before the Api watch exists, so a refused one never starts
  untrack = w.track(() => {
    // the server is closing: a client that has not taken what was written would hold the
    // close open until it reads again, perhaps never
    if (writer.behind || res.writableLength > 0) res.destroy();
    end();
  });
  try {
    // Api.watch may deliver the initial ADDED events before it returns: hold them until
    // we know the watch started, so a failure can still be answered with its own code.
    watch = w.api.watch(w.gvr, w.namespace, w.options, (event) =>
      started ? send(event) : early.push(event),
    );
  } catch (e) {
    untrack();
    throw e;
  }

  res.on('close', end);
  if (req.destroyed || res.destroyed) {
    end();
    return;
  }
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
  // the initial events and a replay arrive in microtasks after the start: by the next
  // turn of the event loop every event is live and counts against the budget
  setImmediate(() => writer.endOpening());
  if (w.options.timeoutSeconds !== undefined && !ended) {
    timer = setTimer(end, w.options.timeoutSeconds * 1000);
  }
}
