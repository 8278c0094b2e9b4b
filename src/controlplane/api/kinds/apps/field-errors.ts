/**
 * Field errors and string-format checks for the kinds of this folder and its siblings: thin
 * wrappers over the shared validators (../validation.ts) under the names these kinds use,
 * plus the few numeric rules (ValidateNonnegativeField…) they repeat.
 */
import type { JsonValue } from '../../../../core/index.js';
import type { FieldCause } from '../../types.js';
import { invalid, isDns1123Label, isDns1123Subdomain, isDns1035Label } from '../validation.js';

export { required, notSupported, duplicate, forbidden, tooLong, goValue } from '../validation.js';

/** FieldValueInvalid: the value is malformed or out of range. */
export const invalidValue = invalid;

/** FieldValueTooMany: a list over its maximum number of items. */
export function tooMany(field: string, actual: number, max: number): FieldCause {
  return {
    reason: 'FieldValueTooMany',
    message: `Too many: ${actual}: must have at most ${max} items`,
    field,
  };
}

/** The message apimachinery's ValidateImmutableField gives. */
export function immutable(field: string, value: JsonValue | undefined): FieldCause {
  return invalid(field, value, 'field is immutable');
}

/** `must be greater than or equal to 0` on negative integers (ValidateNonnegativeField). */
export function nonNegative(field: string, value: JsonValue | undefined): FieldCause[] {
  if (value === undefined || value === null) return [];
  return typeof value === 'number' && value >= 0
    ? []
    : [invalid(field, value, 'must be greater than or equal to 0')];
}

/** `must be greater than zero` for fields that must be positive when set. */
export function positive(field: string, value: JsonValue | undefined): FieldCause[] {
  if (value === undefined || value === null) return [];
  return typeof value === 'number' && value > 0 ? [] : [invalid(field, value, 'must be greater than zero')];
}

/** DNS-1123 label (container and volume names…). */
export function dns1123Label(field: string, value: string): FieldCause[] {
  return isDns1123Label(value).map((m) => invalid(field, value, m));
}

/** DNS-1123 subdomain (most object names, ingress class names…). */
export function dns1123Subdomain(field: string, value: string): FieldCause[] {
  return isDns1123Subdomain(value).map((m) => invalid(field, value, m));
}

/** DNS-1035 label (CRD plural/singular names, version names). */
export function dns1035Label(field: string, value: string): FieldCause[] {
  return isDns1035Label(value).map((m) => invalid(field, value, m));
}
