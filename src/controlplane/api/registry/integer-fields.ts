/**
 * The integer widths JSON decoding enforces. kube-apiserver decodes a body into Go structs,
 * so `replicas: 9007199254740993` or `containerPort: 1e10` fails before any validation
 * runs, with a 400 BadRequest worded by encoding/json:
 *
 *   Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal
 *   number 9007199254740993 into Go struct field DeploymentSpec.spec.replicas of type int32
 *
 * The widths come from the protobuf message tables, the only typed schema of the built-in
 * kinds this server holds; kinds without one (custom resources, HPAs, …) are not checked.
 * A number above 2^53 has already lost its last digits when JSON.parse read the body, so
 * the message shows the value as read.
 */
import { isJsonObject, type JsonObject, type JsonValue } from '../../../core/index.js';
import { badRequest } from '../errors.js';
import { messageFor, messages, type Field } from '../http/protobuf/index.js';
import type { ResourceType } from '../types.js';
import { apiVersionOf } from './type-registry.js';

const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };
const INT64 = { min: -(2 ** 63), max: 2 ** 63 }; // max exclusive: 2^63 is the first double past it

/** Throws 400 BadRequest, as the decoder would, for a number that does not fit its Go integer field. */
export function checkIntegerFields(type: ResourceType, obj: JsonObject): void {
  const root = messageFor(apiVersionOf(type), type.kind);
  if (!root) return;
  const problem = walkMessage(root, obj, []);
  if (problem) {
    throw badRequest(
      `${type.kind} in version ${JSON.stringify(type.version)} cannot be handled as a ${type.kind}: ${problem}`,
    );
  }
}

/** The decoder's error for the first misfit in `value` (a `message`), or undefined. */
function walkMessage(message: string, value: JsonValue | undefined, path: string[]): string | undefined {
  if (!isJsonObject(value)) return undefined;
  const fields = messages.get(message);
  if (!fields) return undefined;
  for (const field of fields.values()) {
    // an inlined message (`...`) shares its parent's JSON object, and Go names the parent
    const problem =
      field.name === ''
        ? typeof field.kind === 'object'
          ? walkMessage(field.kind.message, value, path)
          : undefined
        : walkField(message, field, value[field.name], [...path, field.name]);
    if (problem) return problem;
  }
  return undefined;
}

function walkField(
  message: string,
  field: Field,
  value: JsonValue | undefined,
  path: string[],
): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (field.repeated && Array.isArray(value)) {
    // Go's error path names no index: `containers.ports.containerPort`
    for (const item of value) {
      const problem = walkValue(message, field, item, path);
      if (problem) return problem;
    }
    return undefined;
  }
  if (field.map && isJsonObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      const problem = walkValue(message, field, item, [...path, key]);
      if (problem) return problem;
    }
    return undefined;
  }
  return walkValue(message, field, value, path);
}

function walkValue(message: string, field: Field, value: JsonValue, path: string[]): string | undefined {
  if (typeof field.kind === 'object') return walkMessage(field.kind.message, value, path);
  if (typeof value !== 'number') return undefined; // wrong JSON types are validation's to report
  if (field.kind === 'int') return fits(value, field.int64 ? 'int64' : 'int32', message, path);
  // IntOrString decodes a number into its int32 IntVal
  if (field.kind === 'intOrString') return fits(value, 'int32', message, path);
  return undefined;
}

function fits(n: number, width: 'int32' | 'int64', message: string, path: string[]): string | undefined {
  const range = width === 'int32' ? INT32 : INT64;
  const inRange =
    Number.isInteger(n) && n >= range.min && (width === 'int32' ? n <= range.max : n < range.max);
  if (inRange) return undefined;
  const struct = message.slice(message.indexOf('/') + 1);
  return `json: cannot unmarshal number ${String(n)} into Go struct field ${struct}.${path.join('.')} of type ${width}`;
}
