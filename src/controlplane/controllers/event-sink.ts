/**
 * Where the control plane's own Events go: into the API, created on first sight and
 * updated when the recorder aggregates a repeat (count > 1), as client-go's sink does.
 */
import type { JsonObject } from '../../core/index.js';
import { EventRecorder } from '../../runtime/index.js';
import { ApiError } from '../api/errors.js';
import type { Registry } from '../api/registry/registry.js';

const EVENTS = { group: '', version: 'v1', resource: 'events' };

export function apiEventRecorder(registry: Registry, component: string, host?: string): EventRecorder {
  return new EventRecorder({
    component,
    host,
    sink: async (event: JsonObject) => {
      const meta = event.metadata as { name: string; namespace: string };
      const existing = registry.store.get({
        group: '',
        resource: 'events',
        namespace: meta.namespace,
        name: meta.name,
      });
      if (!existing) {
        await registry.create(EVENTS, meta.namespace, event, { fieldManager: component }).catch((e) => {
          if (!(e instanceof ApiError && e.reason === 'AlreadyExists')) throw e;
        });
        return;
      }
      const next = {
        ...structuredClone(existing.value),
        count: event.count,
        lastTimestamp: event.lastTimestamp,
      };
      await registry.update(EVENTS, meta.namespace, meta.name, next, { fieldManager: component });
    },
  });
}
