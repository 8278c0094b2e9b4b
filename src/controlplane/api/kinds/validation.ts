/**
 * Shared validators for every kind: field errors worded exactly as apimachinery's
 * `field.Error.ErrorBody()` renders them, and the name / label / annotation / key checks of
 * k8s.io/apimachinery/pkg/util/validation (v0.32) and pkg/api/validation/objectmeta.go.
 * Hand-written because no JavaScript library reproduces Kubernetes' exact rules and wording,
 * which clients (kubectl, Helm, Argo) show to users verbatim.
 */
import type { JsonObject, JsonValue } from '../../../core/index.js';
import type { FieldCause } from '../types.js';

// ---------------------------------------------------------------------------------------
// Field errors (apimachinery pkg/util/validation/field/errors.go)

/**
 * A value as Go's fmt shows it in `Invalid value: …`: %q for strings, %v for numbers and
 * booleans, %#v for string slices and maps (`[]string{"a", "b"}`, `map[string]string{"k":"v"}`).
 */
export function goValue(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'string') return goQuote(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v === 'string'))
      return `[]string{${value.map((v) => goQuote(v as string)).join(', ')}}`;
    return JSON.stringify(value);
  }
  const entries = Object.entries(value);
  if (entries.every(([, v]) => typeof v === 'string')) {
    // %#v prints maps with sorted keys
    const body = entries
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${goQuote(k)}:${goQuote(v as string)}`)
      .join(', ');
    return `map[string]string{${body}}`;
  }
  return JSON.stringify(value);
}

/** Go's strconv.Quote: like JSON, except control characters use \a \b \f \n \r \t \v or \x.. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (c === 7) out += '\\a';
    else if (c === 8) out += '\\b';
    else if (c === 12) out += '\\f';
    else if (c === 10) out += '\\n';
    else if (c === 13) out += '\\r';
    else if (c === 9) out += '\\t';
    else if (c === 11) out += '\\v';
    else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + '"';
}

/** FieldValueRequired: `Required value[: detail]`. */
export function required(field: string, detail = ''): FieldCause {
  return {
    reason: 'FieldValueRequired',
    message: detail ? `Required value: ${detail}` : 'Required value',
    field,
  };
}

/** FieldValueInvalid: `Invalid value: <value>: detail`. */
export function invalid(field: string, value: JsonValue | undefined, detail: string): FieldCause {
  const body = `Invalid value: ${goValue(value)}`;
  return { reason: 'FieldValueInvalid', message: detail ? `${body}: ${detail}` : body, field };
}

/** FieldValueNotSupported: `Unsupported value: "x": supported values: "a", "b"`. */
export function notSupported(
  field: string,
  value: JsonValue | undefined,
  supported: readonly string[],
): FieldCause {
  const body = `Unsupported value: ${goValue(value)}`;
  const detail = supported.length ? `: supported values: ${supported.map((s) => goQuote(s)).join(', ')}` : '';
  return { reason: 'FieldValueNotSupported', message: body + detail, field };
}

/** FieldValueDuplicate: `Duplicate value: <value>`; `shown` overrides the rendering (Go structs). */
export function duplicate(field: string, value: JsonValue | undefined, shown?: string): FieldCause {
  return { reason: 'FieldValueDuplicate', message: `Duplicate value: ${shown ?? goValue(value)}`, field };
}

/** FieldValueForbidden: `Forbidden: detail`. */
export function forbidden(field: string, detail: string): FieldCause {
  return { reason: 'FieldValueForbidden', message: detail ? `Forbidden: ${detail}` : 'Forbidden', field };
}

/** FieldValueTooLong: the value itself is never shown. */
export function tooLong(field: string, maxBytes: number): FieldCause {
  return { reason: 'FieldValueTooLong', message: `Too long: may not be more than ${maxBytes} bytes`, field };
}

/** `path[key]`, as field.Path.Key renders a map key (no quoting). */
export function keyPath(path: string, key: string | number): string {
  return `${path}[${key}]`;
}

/** Go's len(): byte length of the UTF-8 encoding. */
export function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

// ---------------------------------------------------------------------------------------
// String formats (apimachinery pkg/util/validation/validation.go)

const dns1123LabelFmt = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const dns1123SubdomainFmt = `${dns1123LabelFmt}(\\.${dns1123LabelFmt})*`;
const dns1035LabelFmt = '[a-z]([-a-z0-9]*[a-z0-9])?';
const qualifiedNameFmt = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const labelValueFmt = `(${qualifiedNameFmt})?`;
const configMapKeyFmt = '[-._a-zA-Z0-9]+';

const dns1123LabelRe = new RegExp(`^${dns1123LabelFmt}$`);
const dns1123SubdomainRe = new RegExp(`^${dns1123SubdomainFmt}$`);
const dns1035LabelRe = new RegExp(`^${dns1035LabelFmt}$`);
const qualifiedNameRe = new RegExp(`^${qualifiedNameFmt}$`);
const labelValueRe = new RegExp(`^${labelValueFmt}$`);
const configMapKeyRe = new RegExp(`^${configMapKeyFmt}$`);

/** `must be no more than N characters` */
export function maxLenError(n: number): string {
  return `must be no more than ${n} characters`;
}

/** A regex failure with examples, e.g. `… (e.g. 'example.com', regex used for validation is '…')`. */
export function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  // Go appends "'x', " per example joined by " or ", hence the double space: "'a',  or 'b', "
  return `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${fmt}')`;
}

/** `must be between lo and hi, inclusive` */
export function inclusiveRangeError(lo: number, hi: number): string {
  return `must be between ${lo} and ${hi}, inclusive`;
}

/** RFC 1123 label: namespaces, port names, container names. */
export function isDns1123Label(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 63) errs.push(maxLenError(63));
  if (!dns1123LabelRe.test(value)) {
    // a valid subdomain that is not a label can only be failing on its dots
    if (dns1123SubdomainRe.test(value)) errs.push('must not contain dots');
    else
      errs.push(
        regexError(
          "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
          dns1123LabelFmt,
          'my-name',
          '123-abc',
        ),
      );
  }
  return errs;
}

/** RFC 1123 subdomain: the name of most kinds. */
export function isDns1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 253) errs.push(maxLenError(253));
  if (!dns1123SubdomainRe.test(value))
    errs.push(
      regexError(
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
        dns1123SubdomainFmt,
        'example.com',
      ),
    );
  return errs;
}

/** RFC 1035 label (starts with a letter): Service names. */
export function isDns1035Label(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 63) errs.push(maxLenError(63));
  if (!dns1035LabelRe.test(value))
    errs.push(
      regexError(
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
        dns1035LabelFmt,
        'my-name',
        'abc-123',
      ),
    );
  return errs;
}

const qualifiedNameErrMsg =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

/** A qualified name (`example.com/MyName`): label keys, annotation keys, finalizers. */
export function isQualifiedName(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0]!;
  } else if (parts.length === 2) {
    const prefix = parts[0]!;
    name = parts[1]!;
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else errs.push(...isDns1123Subdomain(prefix).map((m) => `prefix part ${m}`));
  } else {
    return [
      'a qualified name ' +
        regexError(qualifiedNameErrMsg, qualifiedNameFmt, 'MyName', 'my.name', '123-abc') +
        " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ];
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (byteLength(name) > 63) errs.push(`name part ${maxLenError(63)}`);
  if (!qualifiedNameRe.test(name))
    errs.push(
      `name part ${regexError(qualifiedNameErrMsg, qualifiedNameFmt, 'MyName', 'my.name', '123-abc')}`,
    );
  return errs;
}

/** A label value: empty, or ≤ 63 characters of a qualified-name shape. */
export function isValidLabelValue(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 63) errs.push(maxLenError(63));
  if (!labelValueRe.test(value))
    errs.push(
      regexError(
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        labelValueFmt,
        'MyValue',
        'my_value',
        '12345',
      ),
    );
  return errs;
}

/** A key of a ConfigMap's or Secret's data (it becomes a file name, so not `.` or `..`). */
export function isConfigMapKey(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 253) errs.push(maxLenError(253));
  if (!configMapKeyRe.test(value))
    errs.push(
      regexError(
        "a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
        configMapKeyFmt,
        'key.name',
        'KEY_NAME',
        'key-name',
      ),
    );
  if (value === '.') errs.push("must not be '.'");
  else if (value === '..') errs.push("must not be '..'");
  else if (value.startsWith('..')) errs.push("must not start with '..'");
  return errs;
}

/** A port number, 1–65535. */
export function isValidPortNum(port: number): string[] {
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? [] : [inclusiveRangeError(1, 65535)];
}

/** An IANA_SVC_NAME port name: ≤ 15 chars of [-a-z0-9] with a letter and no edge or double hyphens. */
export function isValidPortName(port: string): string[] {
  const errs: string[] = [];
  if (byteLength(port) > 15) errs.push(maxLenError(15));
  if (!/^[-a-z0-9]+$/.test(port))
    errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(port)) errs.push('must contain at least one letter (a-z)');
  if (port.includes('--')) errs.push('must not contain consecutive hyphens');
  if (port.length > 0 && (port.startsWith('-') || port.endsWith('-')))
    errs.push('must not begin or end with a hyphen');
  return errs;
}

/** An IPv4 or IPv6 address as Go's net.ParseIP accepts it (no zones, no CIDR). */
export function isIp(value: string): boolean {
  return ipFamily(value) !== undefined;
}

/** `IPv4`, `IPv6` or undefined when `value` is not an IP address. */
export function ipFamily(value: string): 'IPv4' | 'IPv6' | undefined {
  if (/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(value)) {
    return value.split('.').every((o) => Number(o) <= 255) ? 'IPv4' : undefined;
  }
  if (!value.includes(':') || value.includes('%')) return undefined;
  try {
    // URL parsing validates IPv6 syntax, including an embedded IPv4 tail
    new URL(`http://[${value}]/`);
    return 'IPv6';
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------
// Name functions (apimachinery pkg/api/validation/generic.go)

/** Validates a name; `prefix` is true for generateName, where a trailing '-' is allowed. */
export type NameFn = (name: string, prefix: boolean) => string[];

// generateName gets a random suffix, so a trailing dash is fine: test it as if it were a letter
function maskTrailingDash(name: string): string {
  return name.length > 1 && name.endsWith('-') ? name.slice(0, -2) + 'a' : name;
}

/** Most kinds: an RFC 1123 subdomain. */
export const nameIsDnsSubdomain: NameFn = (name, prefix) =>
  isDns1123Subdomain(prefix ? maskTrailingDash(name) : name);
/** Namespaces: an RFC 1123 label. */
export const nameIsDnsLabel: NameFn = (name, prefix) =>
  isDns1123Label(prefix ? maskTrailingDash(name) : name);
/** Services: an RFC 1035 label (their names become DNS names and env var prefixes). */
export const nameIsDns1035Label: NameFn = (name, prefix) =>
  isDns1035Label(prefix ? maskTrailingDash(name) : name);

/** Kinds whose names only need to be a safe URL path segment (RBAC roles, CRD-defined kinds). */
export const nameIsPathSegment: NameFn = (name, prefix) => {
  const errs: string[] = [];
  if (!prefix) for (const bad of ['.', '..']) if (name === bad) errs.push(`may not be '${bad}'`);
  for (const bad of ['/', '%']) if (name.includes(bad)) errs.push(`may not contain '${bad}'`);
  return errs;
};

// ---------------------------------------------------------------------------------------
// ObjectMeta (apimachinery pkg/api/validation/objectmeta.go, meta/v1/validation)

/** Total size of keys and values of an object's annotations. */
export const totalAnnotationSizeLimit = 256 * 1024;

/** metadata.labels: keys are qualified names, values label values. */
export function validateLabels(labels: JsonValue | undefined, path: string): FieldCause[] {
  const out: FieldCause[] = [];
  if (!isObject(labels)) return out;
  for (const [k, v] of Object.entries(labels)) {
    for (const m of isQualifiedName(k)) out.push(invalid(path, k, m));
    const value = typeof v === 'string' ? v : String(v);
    for (const m of isValidLabelValue(value)) out.push(invalid(path, value, m));
  }
  return out;
}

/** metadata.annotations: keys are (case-insensitive) qualified names; the total is ≤ 256 KiB. */
export function validateAnnotations(annotations: JsonValue | undefined, path: string): FieldCause[] {
  const out: FieldCause[] = [];
  if (!isObject(annotations)) return out;
  let total = 0;
  for (const [k, v] of Object.entries(annotations)) {
    for (const m of isQualifiedName(k.toLowerCase())) out.push(invalid(path, k, m));
    total += byteLength(k) + byteLength(typeof v === 'string' ? v : String(v));
  }
  if (total > totalAnnotationSizeLimit) out.push(tooLong(path, totalAnnotationSizeLimit));
  return out;
}

/** metadata.finalizers: qualified names; orphan and foregroundDeletion are exclusive. */
export function validateFinalizers(finalizers: JsonValue | undefined, path: string): FieldCause[] {
  const out: FieldCause[] = [];
  if (!Array.isArray(finalizers)) return out;
  const names = finalizers.map((f) => String(f));
  for (const f of names) for (const m of isQualifiedName(f)) out.push(invalid(path, f, m));
  if (names.includes('orphan') && names.includes('foregroundDeletion'))
    out.push(invalid(path, names, 'finalizer orphan and foregroundDeletion cannot be both set'));
  return out;
}

/** metadata.ownerReferences: each names a versioned kind and an object; one controller at most. */
export function validateOwnerReferences(refs: JsonValue | undefined, path: string): FieldCause[] {
  const out: FieldCause[] = [];
  if (!Array.isArray(refs)) return out;
  let firstController = '';
  for (const r of refs) {
    const ref = isObject(r) ? r : {};
    const apiVersion = str(ref.apiVersion);
    const kind = str(ref.kind);
    const version = apiVersion.includes('/') ? apiVersion.slice(apiVersion.indexOf('/') + 1) : apiVersion;
    if (!version) out.push(invalid(`${path}.apiVersion`, apiVersion, 'version must not be empty'));
    if (!kind) out.push(invalid(`${path}.kind`, kind, 'kind must not be empty'));
    if (!str(ref.name)) out.push(invalid(`${path}.name`, '', 'name must not be empty'));
    if (!str(ref.uid)) out.push(invalid(`${path}.uid`, '', 'uid must not be empty'));
    // an Event is never anyone's owner: it is garbage itself
    if (apiVersion === 'v1' && kind === 'Event')
      out.push(invalid(path, ref, '/v1, Kind=Event is disallowed from being an owner'));
    if (ref.controller === true) {
      const name = `${kind}/${str(ref.name)}`;
      if (firstController)
        out.push(
          invalid(
            path,
            refs,
            `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${name}`,
          ),
        );
      else firstController = name;
    }
  }
  return out;
}

/** Options for {@link validateObjectMeta}. */
export interface MetaOptions {
  /** namespaced kinds require metadata.namespace; cluster-scoped kinds forbid it */
  namespaced: boolean;
  /** the name rule of the kind */
  nameFn: NameFn;
}

/** ValidateObjectMeta, and on update ValidateObjectMetaUpdate's immutable fields. */
export function validateObjectMeta(obj: JsonObject, opts: MetaOptions, old?: JsonObject): FieldCause[] {
  const meta = isObject(obj.metadata) ? obj.metadata : {};
  const out: FieldCause[] = [];
  const generateName = str(meta.generateName);
  if (generateName)
    for (const m of opts.nameFn(generateName, true))
      out.push(invalid('metadata.generateName', generateName, m));
  const name = str(meta.name);
  if (!name) out.push(required('metadata.name', 'name or generateName is required'));
  else for (const m of opts.nameFn(name, false)) out.push(invalid('metadata.name', name, m));
  const namespace = str(meta.namespace);
  if (opts.namespaced) {
    if (!namespace) out.push(required('metadata.namespace'));
    else
      for (const m of nameIsDnsLabel(namespace, false)) out.push(invalid('metadata.namespace', namespace, m));
  } else if (namespace) {
    out.push(forbidden('metadata.namespace', 'not allowed on this type'));
  }
  if (typeof meta.generation === 'number' && meta.generation < 0)
    out.push(invalid('metadata.generation', meta.generation, 'must be greater than or equal to 0'));
  out.push(...validateLabels(meta.labels, 'metadata.labels'));
  out.push(...validateAnnotations(meta.annotations, 'metadata.annotations'));
  out.push(...validateOwnerReferences(meta.ownerReferences, 'metadata.ownerReferences'));
  out.push(...validateFinalizers(meta.finalizers, 'metadata.finalizers'));
  if (old) {
    const oldMeta = isObject(old.metadata) ? old.metadata : {};
    if (oldMeta.deletionTimestamp) {
      const before = new Set((Array.isArray(oldMeta.finalizers) ? oldMeta.finalizers : []).map(String));
      const added = [...new Set((Array.isArray(meta.finalizers) ? meta.finalizers : []).map(String))]
        .filter((f) => !before.has(f))
        .sort();
      if (added.length)
        out.push(
          forbidden(
            'metadata.finalizers',
            `no new finalizers can be added if the object is being deleted, found new finalizers ${goValue(added)}`,
          ),
        );
    }
    for (const f of ['name', 'namespace', 'uid', 'creationTimestamp'] as const)
      out.push(...validateImmutable(meta[f] ?? '', oldMeta[f] ?? '', `metadata.${f}`));
  }
  return out;
}

/** `Invalid value: <new>: field is immutable` when the value changed. */
export function validateImmutable(
  next: JsonValue | undefined,
  prev: JsonValue | undefined,
  path: string,
): FieldCause[] {
  return deepEqual(next, prev) ? [] : [invalid(path, next ?? null, 'field is immutable')];
}

// ---------------------------------------------------------------------------------------
// small JSON helpers shared by the kinds

/** A JSON object (not an array, not null). */
export function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The string at `v`, or '' (Go's zero value). */
export function str(v: JsonValue | undefined): string {
  return typeof v === 'string' ? v : '';
}

/** Structural equality of two JSON values; absent, null, {} and [] differ as in Go's DeepEqual of JSON. */
export function deepEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null) return false;
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as JsonValue[];
    return a.length === bb.length && a.every((v, i) => deepEqual(v, bb[i]));
  }
  const ao = a as JsonObject;
  const bo = b as JsonObject;
  const ak = Object.keys(ao);
  if (ak.length !== Object.keys(bo).length) return false;
  return ak.every((k) => k in bo && deepEqual(ao[k], bo[k]));
}
