/**
 * Validation of custom resources against their OpenAPI v3 schema, as the apiextensions
 * validator reports it (kube-openapi's messages, `<path> in body …`, turned into field errors).
 * Covers what structural schemas use in practice: type, nullable, required, enum, bounds,
 * lengths, pattern, item counts, property counts, int-or-string, and allOf/anyOf/oneOf/not.
 */
import { isJsonObject, type JsonObject, type JsonValue } from '../../../../core/index.js';
import type { FieldCause } from '../../types.js';
import { goValue, invalidValue, notSupported, required, tooLong, tooMany } from '../apps/field-errors.js';

const typeOf = (v: JsonValue): string =>
  v === null
    ? 'null'
    : Array.isArray(v)
      ? 'array'
      : typeof v === 'number'
        ? Number.isInteger(v)
          ? 'integer'
          : 'number'
        : typeof v;

function typeMatches(v: JsonValue, schema: JsonObject): boolean {
  if (schema['x-kubernetes-int-or-string'] === true)
    return typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v));
  const t = schema.type;
  if (typeof t !== 'string' || t === '') return true;
  const actual = typeOf(v);
  return actual === t || (t === 'number' && actual === 'integer');
}

const inBody = (path: string, rest: string) => `${path} in body ${rest}`;
const typeInvalid = (path: string, v: JsonValue, want: string): FieldCause => ({
  reason: 'FieldValueTypeInvalid',
  message: `Invalid value: ${goValue(v)}: ${inBody(path, `must be of type ${want}: ${JSON.stringify(typeOf(v))}`)}`,
  field: path,
});

/** All violations of `schema` by `value`; `path` names the value (`spec`, `spec.items[0]`). */
export function validateSchema(
  value: JsonValue | undefined,
  schema: JsonObject | undefined,
  path: string,
): FieldCause[] {
  if (!schema || value === undefined) return [];
  const out: FieldCause[] = [];
  if (value === null) {
    if (schema.nullable === true || schema['x-kubernetes-preserve-unknown-fields'] === true) return out;
    if (typeof schema.type === 'string' && schema.type !== '')
      return [typeInvalid(path, value, String(schema.type))];
    return out;
  }
  if (!typeMatches(value, schema))
    return [
      typeInvalid(
        path,
        value,
        schema['x-kubernetes-int-or-string'] === true ? 'integer,string' : String(schema.type),
      ),
    ];
  if (Array.isArray(schema.enum) && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value)))
    out.push(
      notSupported(
        path,
        value,
        schema.enum.map((e) => (typeof e === 'string' ? e : JSON.stringify(e))),
      ),
    );
  if (typeof value === 'number') {
    const { minimum, maximum, exclusiveMinimum, exclusiveMaximum, multipleOf } = schema;
    if (typeof minimum === 'number' && (exclusiveMinimum === true ? value <= minimum : value < minimum))
      out.push(
        invalidValue(
          path,
          value,
          inBody(path, `should be greater than ${exclusiveMinimum === true ? '' : 'or equal to '}${minimum}`),
        ),
      );
    if (typeof maximum === 'number' && (exclusiveMaximum === true ? value >= maximum : value > maximum))
      out.push(
        invalidValue(
          path,
          value,
          inBody(path, `should be less than ${exclusiveMaximum === true ? '' : 'or equal to '}${maximum}`),
        ),
      );
    if (typeof multipleOf === 'number' && multipleOf > 0 && !Number.isInteger(value / multipleOf))
      out.push(invalidValue(path, value, inBody(path, `should be a multiple of ${multipleOf}`)));
  }
  if (typeof value === 'string') {
    const length = [...value].length;
    if (typeof schema.maxLength === 'number' && length > schema.maxLength)
      out.push(tooLong(path, schema.maxLength));
    if (typeof schema.minLength === 'number' && length < schema.minLength)
      out.push(invalidValue(path, value, inBody(path, `should be at least ${schema.minLength} chars long`)));
    if (typeof schema.pattern === 'string') {
      let re: RegExp | undefined;
      try {
        re = new RegExp(schema.pattern, 'u');
      } catch {
        re = undefined;
      }
      if (re && !re.test(value))
        out.push(invalidValue(path, value, inBody(path, `should match '${schema.pattern}'`)));
    }
  }
  if (Array.isArray(value)) {
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems)
      out.push(tooMany(path, value.length, schema.maxItems));
    if (typeof schema.minItems === 'number' && value.length < schema.minItems)
      out.push(invalidValue(path, value, inBody(path, `should have at least ${schema.minItems} items`)));
    const items = isJsonObject(schema.items) ? schema.items : undefined;
    value.forEach((item, i) => out.push(...validateSchema(item, items, `${path}[${i}]`)));
  }
  if (isJsonObject(value)) {
    const props = isJsonObject(schema.properties) ? schema.properties : {};
    for (const key of Array.isArray(schema.required) ? schema.required : [])
      if (typeof key === 'string' && value[key] === undefined)
        out.push(required(path ? `${path}.${key}` : key));
    const count = Object.keys(value).length;
    if (typeof schema.maxProperties === 'number' && count > schema.maxProperties)
      out.push(tooMany(path, count, schema.maxProperties));
    if (typeof schema.minProperties === 'number' && count < schema.minProperties)
      out.push(
        invalidValue(path, count, inBody(path, `should have at least ${schema.minProperties} properties`)),
      );
    for (const [key, child] of Object.entries(value)) {
      const childPath = path ? `${path}.${key}` : key;
      const prop = isJsonObject(props[key])
        ? props[key]
        : isJsonObject(schema.additionalProperties)
          ? schema.additionalProperties
          : undefined;
      out.push(...validateSchema(child, prop, childPath));
    }
  }
  out.push(...combinators(value, schema, path));
  return out;
}

function combinators(value: JsonValue, schema: JsonObject, path: string): FieldCause[] {
  const out: FieldCause[] = [];
  const list = (k: string) =>
    Array.isArray(schema[k]) ? (schema[k] as JsonValue[]).filter(isJsonObject) : [];
  for (const sub of list('allOf')) out.push(...validateSchema(value, sub, path));
  const anyOf = list('anyOf');
  if (anyOf.length && !anyOf.some((s) => validateSchema(value, s, path).length === 0))
    out.push(invalidValue(path, value, inBody(path, 'must validate at least one schema (anyOf)')));
  const oneOf = list('oneOf');
  if (oneOf.length && oneOf.filter((s) => validateSchema(value, s, path).length === 0).length !== 1)
    out.push(invalidValue(path, value, inBody(path, 'must validate one and only one schema (oneOf)')));
  if (isJsonObject(schema.not) && validateSchema(value, schema.not, path).length === 0)
    out.push(invalidValue(path, value, inBody(path, 'must not validate the schema (not)')));
  return out;
}
