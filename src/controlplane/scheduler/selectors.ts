/**
 * The three matchers the filters share, with the semantics of the Kubernetes helpers they
 * stand for:
 * - NodeSelectorTerms (component-helpers `nodeaffinity`): terms are ORed, a term's
 *   requirements ANDed; a term with no requirements, or with an invalid one, matches nothing.
 * - metav1.LabelSelector objects (`LabelSelectorAsSelector`): absent selects nothing, `{}`
 *   selects everything.
 * - Tolerations (`Toleration.ToleratesTaint`).
 *
 * Hand-written: these are object forms, not the string grammar `compileLabelSelector` parses.
 */
import type { JsonObject, JsonValue } from '../../core/index.js';
import { arr, has, obj, objs, str, strMap } from './json.js';

type Labels = Record<string, string>;

// strconv.ParseInt(s, 10, 64): optional sign, decimal digits only.
const int64Re = /^[+-]?[0-9]+$/;

function values(v: JsonValue | undefined): string[] {
  return arr(v).filter((x): x is string => typeof x === 'string');
}

/**
 * One NodeSelectorRequirement against a label map; `undefined` when the requirement itself
 * is invalid (wrong number of values, unknown operator), which fails its whole term.
 */
function requirementMatches(req: JsonObject, labels: Labels): boolean | undefined {
  const key = str(req.key);
  const vals = values(req.values);
  const present = has(labels, key);
  switch (str(req.operator)) {
    case 'In':
      return vals.length === 0 ? undefined : present && vals.includes(labels[key]);
    case 'NotIn':
      return vals.length === 0 ? undefined : !present || !vals.includes(labels[key]);
    case 'Exists':
      return vals.length !== 0 ? undefined : present;
    case 'DoesNotExist':
      return vals.length !== 0 ? undefined : !present;
    case 'Gt':
    case 'Lt': {
      if (vals.length !== 1 || !int64Re.test(vals[0])) return undefined;
      // A label that is absent or not an integer cannot be compared, so it does not match.
      if (!present || !int64Re.test(labels[key])) return false;
      const have = BigInt(labels[key]);
      const bound = BigInt(vals[0]);
      return str(req.operator) === 'Gt' ? have > bound : have < bound;
    }
    default:
      return undefined;
  }
}

/**
 * matchFields supports only `metadata.name` with In/NotIn and exactly one value, because
 * that is all the node field selector can express.
 */
function fieldMatches(req: JsonObject, nodeName: string): boolean | undefined {
  const vals = values(req.values);
  const field = str(req.key) === 'metadata.name' ? nodeName : '';
  if (vals.length !== 1) return undefined;
  if (str(req.operator) === 'In') return field === vals[0];
  if (str(req.operator) === 'NotIn') return field !== vals[0];
  return undefined;
}

/** Whether one NodeSelectorTerm selects the node; empty and invalid terms select nothing. */
export function nodeSelectorTermMatches(term: JsonObject, nodeLabels: Labels, nodeName: string): boolean {
  const exprs = objs(term.matchExpressions);
  const fields = objs(term.matchFields);
  if (exprs.length === 0 && fields.length === 0) return false;
  return (
    exprs.every((r) => requirementMatches(r, nodeLabels) === true) &&
    fields.every((r) => fieldMatches(r, nodeName) === true)
  );
}

/** Whether a NodeSelector (`{nodeSelectorTerms: [...]}`) selects the node: any term will do. */
export function nodeSelectorMatches(selector: JsonObject, nodeLabels: Labels, nodeName: string): boolean {
  return objs(selector.nodeSelectorTerms).some((t) => nodeSelectorTermMatches(t, nodeLabels, nodeName));
}

/** A compiled metav1.LabelSelector. */
export type LabelMatcher = (labels: Labels) => boolean;

/**
 * Compiles a LabelSelector object. Absent (`undefined`/`null`) selects nothing, `{}` selects
 * everything; an invalid expression makes the selector select nothing (the scheduler drops
 * terms it cannot parse rather than letting them match).
 */
export function compileSelectorObject(sel: JsonValue | undefined): LabelMatcher {
  if (sel === undefined || sel === null || typeof sel !== 'object' || Array.isArray(sel)) return () => false;
  const matchLabels = strMap(sel.matchLabels);
  const exprs = objs(sel.matchExpressions);
  for (const e of exprs) {
    const op = str(e.operator);
    const n = values(e.values).length;
    const ok =
      op === 'In' || op === 'NotIn' ? n > 0 : op === 'Exists' || op === 'DoesNotExist' ? n === 0 : false;
    if (!ok) return () => false;
  }
  return (labels) =>
    Object.entries(matchLabels).every(([k, v]) => has(labels, k) && labels[k] === v) &&
    exprs.every((e) => requirementMatches(e, labels) === true);
}

/** A node taint as the filters need it. */
export interface Taint {
  key: string;
  value: string;
  effect: string;
}

/** spec.taints of a node. */
export function taintsOf(node: JsonObject): Taint[] {
  return objs(obj(node.spec).taints).map((t) => ({
    key: str(t.key),
    value: str(t.value),
    effect: str(t.effect),
  }));
}

/**
 * Toleration.ToleratesTaint: an empty effect tolerates every effect, an empty key with
 * `Exists` tolerates every key, and the operator defaults to `Equal`.
 */
export function toleratesTaint(toleration: JsonObject, taint: Taint): boolean {
  const effect = str(toleration.effect);
  if (effect !== '' && effect !== taint.effect) return false;
  const key = str(toleration.key);
  if (key !== '' && key !== taint.key) return false;
  switch (str(toleration.operator)) {
    case '':
    case 'Equal':
      return str(toleration.value) === taint.value;
    case 'Exists':
      return true;
    default:
      return false;
  }
}

/** Whether any of the pod's tolerations tolerates the taint. */
export function tolerated(tolerations: JsonObject[], taint: Taint): boolean {
  return tolerations.some((t) => toleratesTaint(t, taint));
}
