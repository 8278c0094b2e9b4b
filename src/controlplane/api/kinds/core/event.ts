/** core/v1 Event: a report about an object (`kubectl get events`, `kubectl describe`). */
import type { JsonObject, JsonValue } from '../../../../core/index.js';
import type { FieldCause, ResourceType } from '../../types.js';
import {
  byteLength,
  invalid,
  isDns1123Subdomain,
  isQualifiedName,
  nameIsDnsSubdomain,
  required,
  str,
} from '../validation.js';
import { validateCoreMeta } from './meta.js';
import { noGeneration, obj, since } from './util.js';

/**
 * pkg/apis/core/validation legacyValidateEvent: an old-style event (no eventTime) lives in its
 * object's namespace; a new-style one names who reported it and what it did.
 */
function validateEvent(ev: JsonObject): FieldCause[] {
  const out: FieldCause[] = [];
  const namespace = str(obj(ev.metadata)?.namespace);
  const involvedNs = str(obj(ev.involvedObject)?.namespace);
  const mismatch = (): FieldCause =>
    invalid('involvedObject.namespace', involvedNs, 'does not match event.namespace');
  if (!str(ev.eventTime)) {
    // events about cluster-scoped objects go to "default", for old clients
    if (!involvedNs) {
      if (namespace && namespace !== 'default') out.push(mismatch());
    } else if (namespace !== involvedNs) out.push(mismatch());
  } else {
    if (!involvedNs && namespace !== 'default' && namespace !== 'kube-system') out.push(mismatch());
    const controller = str(ev.reportingComponent);
    if (!controller) out.push(required('reportingComponent'));
    for (const m of isQualifiedName(controller)) out.push(invalid('reportingComponent', controller, m));
    const instance = str(ev.reportingInstance);
    if (!instance) out.push(required('reportingInstance'));
    if (byteLength(instance) > 128)
      out.push(invalid('reportingInstance', '', 'can have at most 128 characters'));
    if (!str(ev.action)) out.push(required('action'));
    if (byteLength(str(ev.action)) > 128) out.push(invalid('action', '', 'can have at most 128 characters'));
    if (!str(ev.reason)) out.push(required('reason'));
    if (byteLength(str(ev.reason)) > 128) out.push(invalid('reason', '', 'can have at most 128 characters'));
    if (byteLength(str(ev.message)) > 1024)
      out.push(invalid('message', '', 'can have at most 1024 characters'));
  }
  for (const m of isDns1123Subdomain(namespace)) out.push(invalid('namespace', namespace, m));
  return out;
}

/** The cells of printers.go printEvent (wide): times fall back firstTimestamp → eventTime → series. */
function printEvent(ev: JsonObject, now: Date): JsonValue[] {
  const first = str(ev.firstTimestamp) ? since(ev.firstTimestamp, now) : since(ev.eventTime, now);
  let last = str(ev.lastTimestamp) ? since(ev.lastTimestamp, now) : first;
  let count = typeof ev.count === 'number' ? ev.count : 0;
  const series = obj(ev.series);
  if (series) {
    last = since(series.lastObservedTime, now);
    count = typeof series.count === 'number' ? series.count : 0;
  } else if (count === 0) {
    // singleton events of the events.k8s.io API carry no count
    count = 1;
  }
  const involved = obj(ev.involvedObject) ?? {};
  const kind = str(involved.kind).toLowerCase();
  const target = str(involved.name) ? `${kind}/${str(involved.name)}` : kind;
  const source = obj(ev.source) ?? {};
  const component = str(source.component) || str(ev.reportingComponent);
  const host = str(source.host) || str(ev.reportingInstance);
  return [
    last,
    str(ev.type),
    str(ev.reason),
    target,
    str(involved.fieldPath),
    host ? `${component}, ${host}` : component,
    str(ev.message).trim(),
    first,
    count,
    str(obj(ev.metadata)?.name),
  ];
}

/** events: LAST SEEN comes first and NAME last (wide only), as the server defines them. */
export const eventType: ResourceType = {
  group: '',
  version: 'v1',
  resource: 'events',
  singular: 'event',
  kind: 'Event',
  listKind: 'EventList',
  namespaced: true,
  shortNames: ['ev'],
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  validate: (ev, old) => [...validateCoreMeta(ev, true, nameIsDnsSubdomain, old), ...validateEvent(ev)],
  specFields: noGeneration,
  printColumns: [
    { name: 'Last Seen', type: 'string', priority: 0 },
    { name: 'Type', type: 'string', priority: 0 },
    { name: 'Reason', type: 'string', priority: 0 },
    { name: 'Object', type: 'string', priority: 0 },
    { name: 'Subobject', type: 'string', priority: 1 },
    { name: 'Source', type: 'string', priority: 1 },
    { name: 'Message', type: 'string', priority: 0 },
    { name: 'First Seen', type: 'string', priority: 1 },
    { name: 'Count', type: 'string', priority: 1 },
    { name: 'Name', type: 'string', format: 'name', priority: 1 },
  ],
  printRow: printEvent,
  // pkg/registry/core/event/strategy.go ToSelectableFields
  selectableFields(ev) {
    const involved = obj(ev.involvedObject) ?? {};
    return {
      'involvedObject.kind': str(involved.kind),
      'involvedObject.namespace': str(involved.namespace),
      'involvedObject.name': str(involved.name),
      'involvedObject.uid': str(involved.uid),
      'involvedObject.apiVersion': str(involved.apiVersion),
      'involvedObject.resourceVersion': str(involved.resourceVersion),
      'involvedObject.fieldPath': str(involved.fieldPath),
      reason: str(ev.reason),
      reportingComponent: str(ev.reportingComponent),
      source: str(obj(ev.source)?.component),
      type: str(ev.type),
    };
  },
};
