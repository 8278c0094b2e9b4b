/**
 * Kubernetes label-selector strings (`a=b,c!=d,e in (x,y),f notin (z),g,!h,n>3`), parsed
 * with the grammar and validation of apimachinery's `labels.Parse`, which the API server uses
 * for list/watch and kustomize for `labelSelector` and `annotationSelector` alike (annotation values are therefore
 * held to label-value syntax too). Requirements are ANDed.
 *
 * Hand-written: the grammar is small and no maintained JS package implements this parser
 * with Kubernetes' exact validation.
 */
import { CapstanError } from './errors.js';

/** A compiled selector over a label (or annotation) map. */
export type LabelPredicate = (labels: Readonly<Record<string, string>> | undefined) => boolean;

type Op = 'in' | 'notin' | 'exists' | '!exists' | 'gt' | 'lt';

interface Requirement {
  key: string;
  op: Op;
  values: Set<string>;
  /** Gt/Lt bound */
  bound?: number;
}

type Tok = { t: 'id'; s: string } | { t: 'op'; s: string } | { t: 'end'; s: '' };

/**
 * Compiles a label-selector string. An empty string selects everything. Throws a
 * CapstanError with `code` naming `where` and the cause when malformed.
 */
export function compileLabelSelector(
  expr: string,
  where = 'labelSelector',
  code = 'LABEL_SELECTOR_INVALID',
): LabelPredicate {
  let reqs: Requirement[];
  try {
    reqs = parse(lex(expr));
  } catch (e) {
    throw new CapstanError(code, `${where}: cannot parse ${JSON.stringify(expr)}: ${(e as Error).message}`, {
      where,
      selector: expr,
    });
  }
  if (reqs.length === 0) return () => true;
  return (labels) => reqs.every((r) => matches(r, labels ?? {}));
}

/** A `key=value` requirement: every object the selector selects has this label. */
export interface LabelEquality {
  key: string;
  value: string;
}

/**
 * The requirements of a selector that pin a label to one value (`k=v`, `k==v`, `k in (v)`),
 * which an index by label can answer directly; the selector's other requirements still
 * have to be checked. A malformed selector has none (compile it to report the error).
 */
export function labelEqualities(expr: string): LabelEquality[] {
  let reqs: Requirement[];
  try {
    reqs = parse(lex(expr));
  } catch {
    return [];
  }
  return reqs
    .filter((r) => r.op === 'in' && r.values.size === 1)
    .map((r) => ({ key: r.key, value: [...r.values][0] }));
}

function matches(r: Requirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  switch (r.op) {
    case 'in':
      return has && r.values.has(String(labels[r.key]));
    case 'notin':
      return !has || !r.values.has(String(labels[r.key]));
    case 'exists':
      return has;
    case '!exists':
      return !has;
    default: {
      if (!has) return false;
      const v = String(labels[r.key]);
      if (!/^[+-]?\d+$/.test(v)) return false;
      return r.op === 'gt' ? Number(v) > r.bound! : Number(v) < r.bound!;
    }
  }
}

const special = new Set(['=', '!', '(', ')', ',', '>', '<']);
const space = new Set([' ', '\t', '\r', '\n']);

/** apimachinery's lexer: identifiers run until a special symbol or a blank; `==`/`!=` are one token. */
function lex(s: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (space.has(c)) {
      i++;
    } else if (special.has(c)) {
      const two = s.slice(i, i + 2);
      const op = two === '==' || two === '!=' ? two : c;
      out.push({ t: 'op', s: op });
      i += op.length;
    } else {
      let j = i;
      while (j < s.length && !special.has(s[j]) && !space.has(s[j])) j++;
      out.push({ t: 'id', s: s.slice(i, j) });
      i = j;
    }
  }
  out.push({ t: 'end', s: '' });
  return out;
}

function parse(toks: Tok[]): Requirement[] {
  let p = 0;
  const peek = () => toks[p];
  const next = () => toks[p++];
  const shown = (t: Tok) => (t.t === 'end' ? 'end of string' : `'${t.s}'`);
  const reqs: Requirement[] = [];
  if (peek().t === 'end') return reqs;
  for (;;) {
    // `in`/`notin` are keywords only in operator position; elsewhere they are identifiers.
    let t = next();
    let negate = false;
    if (t.t === 'op' && t.s === '!') {
      negate = true;
      t = next();
    }
    if (t.t !== 'id') throw new Error(`found ${shown(t)}, expected: !, identifier`);
    const key = t.s;
    validateKey(key);
    const after = peek();
    if (negate || after.t === 'end' || (after.t === 'op' && after.s === ',')) {
      reqs.push({ key, op: negate ? '!exists' : 'exists', values: new Set() });
    } else {
      reqs.push(parseRestriction(key));
    }
    const sep = next();
    if (sep.t === 'end') return reqs;
    if (!(sep.t === 'op' && sep.s === ','))
      throw new Error(`found ${shown(sep)}, expected: ',' or end of string`);
    const head = peek();
    if (!(head.t === 'id' || (head.t === 'op' && head.s === '!'))) {
      throw new Error(`found ${shown(head)}, expected: identifier after ','`);
    }
  }

  function parseRestriction(key: string): Requirement {
    const t = next();
    let op: Op;
    let exact = true;
    if (t.t === 'id' && (t.s === 'in' || t.s === 'notin')) {
      op = t.s;
      exact = false;
    } else if (t.t === 'op' && (t.s === '=' || t.s === '==')) op = 'in';
    else if (t.t === 'op' && t.s === '!=') op = 'notin';
    else if (t.t === 'op' && (t.s === '>' || t.s === '<')) op = t.s === '>' ? 'gt' : 'lt';
    else throw new Error(`found ${shown(t)}, expected: '=', '!=', '==', 'in', 'notin'`);
    const values = exact ? [exactValue()] : setValues();
    for (const v of values) validateValue(key, v);
    if (op === 'gt' || op === 'lt') {
      if (!/^[+-]?\d+$/.test(values[0]))
        throw new Error(`for 'Gt', 'Lt' operators, the value must be an integer`);
      return { key, op, values: new Set(), bound: Number(values[0]) };
    }
    return { key, op, values: new Set(values) };
  }

  function exactValue(): string {
    const t = peek();
    if (t.t === 'end' || (t.t === 'op' && t.s === ',')) return '';
    next();
    if (t.t !== 'id') throw new Error(`found ${shown(t)}, expected: identifier`);
    return t.s;
  }

  /** `(a,b)`; empty items are the empty value: `()`, `(,a)`, `(a,)`, `(a,,b)`. */
  function setValues(): string[] {
    const open = next();
    if (!(open.t === 'op' && open.s === '(')) throw new Error(`found ${shown(open)}, expected: '('`);
    const values: string[] = [];
    let expectValue = true;
    for (;;) {
      const t = next();
      if (t.t === 'id') {
        if (!expectValue) throw new Error(`found '${t.s}', expected: ',' or ')'`);
        values.push(t.s);
        expectValue = false;
      } else if (t.t === 'op' && t.s === ',') {
        if (expectValue) values.push('');
        expectValue = true;
      } else if (t.t === 'op' && t.s === ')') {
        if (expectValue) values.push('');
        return values;
      } else {
        throw new Error(`found ${shown(t)}, expected: ',', ')' or identifier`);
      }
    }
  }
}

const nameRe = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const subdomainRe = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Kubernetes IsQualifiedName: `[prefix/]name`, name ≤ 63, prefix a DNS subdomain ≤ 253. */
function validateKey(key: string): void {
  const parts = key.split('/');
  let name = key;
  if (parts.length === 2) {
    const [prefix, n] = parts;
    if (prefix.length === 0) throw new Error(`invalid label key "${key}": prefix part must be non-empty`);
    if (prefix.length > 253 || !subdomainRe.test(prefix)) {
      throw new Error(`invalid label key "${key}": prefix part must be a lowercase DNS subdomain`);
    }
    name = n;
  } else if (parts.length > 2) {
    throw new Error(`invalid label key "${key}": a qualified name must have at most one '/'`);
  }
  if (name.length === 0 || name.length > 63 || !nameRe.test(name)) {
    throw new Error(
      `invalid label key "${key}": name part must be 1-63 alphanumeric characters, '-', '_' or '.', ` +
        'starting and ending with an alphanumeric character',
    );
  }
}

/** Kubernetes IsValidLabelValue: empty, or ≤ 63 characters of the name alphabet. */
function validateValue(key: string, value: string): void {
  if (value === '') return;
  if (value.length > 63 || !nameRe.test(value)) {
    throw new Error(
      `invalid label value "${value}" at key "${key}": must be at most 63 alphanumeric characters, ` +
        "'-', '_' or '.', starting and ending with an alphanumeric character",
    );
  }
}
