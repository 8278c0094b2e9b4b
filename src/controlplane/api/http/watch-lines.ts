/**
 * The bytes of one watch event line, `{"type":…,"object":…}\n`, encoded once for every
 * watch that sends the same stored object. Stored values are frozen and shared, so 1,000
 * watches of ConfigMaps see one object per write: one JSON.stringify and one Buffer, not
 * 1,000, and a watch that falls behind queues a reference rather than a copy
 * (kube-apiserver's cachingObject serializes once per event for all watchers the same way).
 */
import type { JsonObject } from '../../../core/index.js';
import type { WatchEventType } from '../types.js';

/**
 * Lines encoded during the current turn of the event loop. A write's events reach every
 * watch in the same turn; keeping the cache for one turn only means it never holds more
 * than the events just written.
 */
let encoded = new Map<JsonObject, Map<WatchEventType, Buffer>>();
let clearing = false;

function encode(type: WatchEventType, object: JsonObject): Buffer {
  return Buffer.from(JSON.stringify({ type, object }) + '\n');
}

/** The line for an event; shared between watches when `object` is frozen (a stored value). */
export function eventLine(type: WatchEventType, object: JsonObject): Buffer {
  // an object that may still change cannot be cached by identity
  if (!Object.isFrozen(object)) return encode(type, object);
  let byType = encoded.get(object);
  if (!byType) {
    byType = new Map();
    encoded.set(object, byType);
    if (!clearing) {
      clearing = true;
      setImmediate(() => {
        encoded = new Map();
        clearing = false;
      });
    }
  }
  let line = byType.get(type);
  if (!line) {
    line = encode(type, object);
    byType.set(type, line);
  }
  return line;
}
