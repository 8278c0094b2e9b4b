/**
 * Tolerant readers over live objects. A status is written by a controller we do not own
 * (the embedded control plane's or a real cluster's), so every field may be absent or of
 * another type; a reader answers `undefined` instead of throwing.
 */
import { isJsonObject, type JsonObject, type JsonValue } from '../../core/index.js';

/** The object at `path` under `value`, or an empty object. */
export function objAt(value: unknown, ...path: string[]): JsonObject {
  let cur: unknown = value;
  for (const key of path) cur = isJsonObject(cur) ? cur[key] : undefined;
  return isJsonObject(cur) ? cur : {};
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A number, or `fallback` (0 by default, as Go's zero value reads an absent count). */
export function num(value: unknown, fallback = 0): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

export function arr(value: unknown): JsonValue[] {
  return Array.isArray(value) ? value : [];
}

/** A status condition as every API kind writes it. */
export interface ConditionView {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  observedGeneration?: number;
}

/** The conditions of a status object (entries without a type are skipped). */
export function conditionsOf(status: JsonObject): ConditionView[] {
  return arr(status.conditions).flatMap((c) => (isJsonObject(c) ? toCondition(c) : []));
}

/** Conditions from any JSON value (an HPA v1's annotation holds them as a string). */
export function toCondition(c: JsonObject): ConditionView[] {
  const type = str(c.type);
  if (!type) return [];
  const view: ConditionView = { type, status: str(c.status) ?? 'Unknown' };
  const reason = str(c.reason);
  const message = str(c.message);
  if (reason) view.reason = reason;
  if (message) view.message = message;
  if (typeof c.observedGeneration === 'number') view.observedGeneration = c.observedGeneration;
  return [view];
}

export function findCondition(conditions: readonly ConditionView[], type: string): ConditionView | undefined {
  return conditions.find((c) => c.type === type);
}

/** `metadata.generation` (0 when absent, as in Go). */
export function generationOf(obj: unknown): number {
  return num(objAt(obj, 'metadata').generation);
}

/** `spec.replicas` with the API server's default of 1. */
export function specReplicas(obj: unknown): number {
  return num(objAt(obj, 'spec').replicas, 1);
}
