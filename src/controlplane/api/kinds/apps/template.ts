/** Defaulting of the pod templates inside workloads. */
import { isJsonObject, type JsonObject } from '../../../../core/index.js';
import { defaultPodTemplateSpec } from '../pod-spec.js';

/**
 * Defaults `holder.template` (a PodTemplateSpec). Its metadata gets `creationTimestamp: null`
 * because kube-apiserver v1.32 serializes the zero metav1.Time of embedded ObjectMeta that way,
 * so `kubectl get -o yaml` shows it and diffs against a real cluster match.
 */
export function defaultTemplateIn(holder: JsonObject, key = 'template'): void {
  if (!isJsonObject(holder[key])) holder[key] = {};
  const template = holder[key] as JsonObject;
  embeddedMeta(template);
  defaultPodTemplateSpec(template);
}

/** Gives an embedded object's metadata the `creationTimestamp: null` a real server returns. */
export function embeddedMeta(obj: JsonObject): void {
  if (!isJsonObject(obj.metadata)) obj.metadata = {};
  const meta = obj.metadata as JsonObject;
  if (!('creationTimestamp' in meta)) meta.creationTimestamp = null;
}

/** The object's `spec`, created when missing. */
export function specFor(obj: JsonObject): JsonObject {
  if (!isJsonObject(obj.spec)) obj.spec = {};
  return obj.spec as JsonObject;
}

/** Sets a key when absent or null. */
export function orDefault(o: JsonObject, key: string, value: JsonObject[string]): void {
  if (o[key] === undefined || o[key] === null) o[key] = value;
}
