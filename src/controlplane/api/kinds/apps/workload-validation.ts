/**
 * Validation shared by the apps/v1 workloads (and Jobs): the selector/template contract,
 * IntOrString percentages, and the pod template rules ValidatePodTemplateSpecForReplicaSet adds.
 */
import { isJsonObject, type JsonObject, type JsonValue } from '../../../../core/index.js';
import type { FieldCause } from '../../types.js';
import { validatePodSpec } from '../pod-spec.js';
import { forbidden, immutable, invalidValue, notSupported, required } from './field-errors.js';
import { selectorIsEmpty, selectorMatches, validateLabelSelector, validateLabels } from './label-selector.js';

/** Deep equality of JSON values (key order ignored), for immutability checks. */
export function jsonEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  if (isJsonObject(a) && isJsonObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => jsonEqual(a[k], b[k]));
  }
  return false;
}

/** A spec field that may not change on update. */
export function immutableField(
  path: string,
  now: JsonValue | undefined,
  before: JsonValue | undefined,
): FieldCause[] {
  return jsonEqual(now, before) ? [] : [immutable(path, now ?? null)];
}

/** `spec` of an object, or {} */
export function specOf(obj: JsonObject): JsonObject {
  return isJsonObject(obj.spec) ? obj.spec : {};
}

/**
 * An IntOrString that is a count or a percentage (`25%`): non-negative, and at most 100%
 * when a percentage (ValidatePositiveIntOrPercent + IsNotMoreThan100Percent).
 */
export function intOrPercent(path: string, v: JsonValue | undefined): FieldCause[] {
  const causes = countOrPercent(path, v);
  if (causes.length > 0 || typeof v !== 'string') return causes;
  return Number(v.slice(0, -1)) <= 100 ? [] : [invalidValue(path, v, 'must not be greater than 100%')];
}

/**
 * An IntOrString that is a count or a percentage of any size (ValidatePositiveIntOrPercent
 * alone): a Deployment's maxSurge may be `150%`, 3 pods more for every 2 desired.
 */
export function countOrPercent(path: string, v: JsonValue | undefined): FieldCause[] {
  if (v === undefined || v === null) return [];
  if (typeof v === 'number')
    return v >= 0 ? [] : [invalidValue(path, v, 'must be greater than or equal to 0')];
  if (typeof v === 'string') {
    if (/^\d+%$/.test(v)) return [];
    return [
      invalidValue(
        path,
        v,
        "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
      ),
    ];
  }
  return [invalidValue(path, v, "must be an integer or percentage (e.g '5%')")];
}

/** Whether an IntOrString is zero (0 or `0%`). */
export function isZero(v: JsonValue | undefined): boolean {
  return v === 0 || v === '0%';
}

/**
 * The selector and template of a controller: selector required, non-empty, valid, and
 * matching the template's labels; the template a valid pod template whose restartPolicy is
 * in `restartPolicies` (Always for apps/v1).
 */
export function validateSelectorAndTemplate(
  spec: JsonObject,
  kind: string,
  restartPolicies: string[],
): FieldCause[] {
  const out: FieldCause[] = [];
  const selector = spec.selector;
  if (!isJsonObject(selector)) out.push(required('spec.selector'));
  else {
    out.push(...validateLabelSelector(selector, 'spec.selector'));
    if (selectorIsEmpty(selector))
      out.push(invalidValue('spec.selector', selector, `empty selector is invalid for ${kind}`));
  }
  const template = spec.template;
  if (!isJsonObject(template)) {
    out.push(required('spec.template'));
    return out;
  }
  const labels = isJsonObject(template.metadata) ? template.metadata.labels : undefined;
  out.push(...validateLabels(labels, 'spec.template.metadata.labels'));
  if (isJsonObject(selector) && !selectorIsEmpty(selector) && !selectorMatches(selector, labels))
    out.push(
      invalidValue(
        'spec.template.metadata.labels',
        labels ?? null,
        '`selector` does not match template `labels`',
      ),
    );
  const podSpec = isJsonObject(template.spec) ? template.spec : {};
  out.push(...validatePodSpec(podSpec, 'spec.template.spec'));
  const restart = podSpec.restartPolicy;
  if (
    typeof restart === 'string' &&
    ['Always', 'OnFailure', 'Never'].includes(restart) &&
    !restartPolicies.includes(restart)
  )
    out.push(notSupported('spec.template.spec.restartPolicy', restart, restartPolicies));
  if (
    restartPolicies.length === 1 &&
    podSpec.activeDeadlineSeconds !== undefined &&
    podSpec.activeDeadlineSeconds !== null
  )
    out.push(
      forbidden(
        'spec.template.spec.activeDeadlineSeconds',
        'activeDeadlineSeconds in ReplicaSet is not Supported',
      ),
    );
  return out;
}
