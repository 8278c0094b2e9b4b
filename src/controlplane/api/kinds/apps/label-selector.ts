/**
 * metav1.LabelSelector: validation (ValidateLabelSelector), matching (LabelSelectorAsSelector)
 * and the two string forms kubectl shows — the canonical `labels.Selector.String()` the scale
 * subresource reports (`app=web,tier in (a,b)`) and `FormatLabelSelector` for the SELECTOR
 * column (`<none>` when empty).
 */
import { isJsonObject, type JsonObject, type JsonValue } from '../../../../core/index.js';
import type { FieldCause } from '../../types.js';
import { invalid, isQualifiedName, validateLabels } from '../validation.js';
import { notSupported, required, forbidden } from './field-errors.js';

/** Label keys and values of a map (metadata.labels, nodeSelector…). */
export { validateLabels };

const OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

/** ValidateLabelSelector: keys, values and operators of matchLabels and matchExpressions. */
export function validateLabelSelector(selector: JsonValue | undefined, path: string): FieldCause[] {
  if (!isJsonObject(selector)) return [];
  const out = validateLabels(selector.matchLabels, `${path}.matchLabels`);
  const exprs = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
  exprs.forEach((e, i) => {
    const at = `${path}.matchExpressions[${i}]`;
    if (!isJsonObject(e)) return;
    const values = Array.isArray(e.values) ? e.values : [];
    switch (e.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0)
          out.push(required(`${at}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0)
          out.push(
            forbidden(`${at}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"),
          );
        break;
      default:
        out.push(notSupported(`${at}.operator`, e.operator, OPERATORS));
    }
    const key = typeof e.key === 'string' ? e.key : '';
    for (const m of isQualifiedName(key)) out.push(invalid(`${at}.key`, key, m));
  });
  return out;
}

interface Requirement {
  key: string;
  op: string;
  values: string[];
}

function requirements(selector: JsonObject): Requirement[] {
  const reqs: Requirement[] = [];
  if (isJsonObject(selector.matchLabels))
    for (const [key, v] of Object.entries(selector.matchLabels))
      reqs.push({ key, op: '=', values: [String(v)] });
  if (Array.isArray(selector.matchExpressions))
    for (const e of selector.matchExpressions) {
      if (!isJsonObject(e)) continue;
      const values = (Array.isArray(e.values) ? e.values : []).map(String).sort();
      reqs.push({ key: String(e.key ?? ''), op: String(e.operator ?? ''), values });
    }
  // labels.Selector sorts its requirements by key (stable, so matchLabels first on a tie)
  return reqs
    .map((r, i) => ({ r, i }))
    .sort((a, b) => (a.r.key < b.r.key ? -1 : a.r.key > b.r.key ? 1 : a.i - b.i))
    .map((x) => x.r);
}

/** Whether a label selector selects these labels; an empty selector selects everything, a missing one nothing. */
export function selectorMatches(selector: JsonValue | undefined, labels: JsonValue | undefined): boolean {
  if (!isJsonObject(selector)) return false;
  const set = isJsonObject(labels) ? labels : {};
  return requirements(selector).every(({ key, op, values }) => {
    const has = Object.hasOwn(set, key);
    const v = String(set[key] ?? '');
    switch (op) {
      case '=':
      case 'In':
        return has && values.includes(v);
      case 'NotIn':
        return !has || !values.includes(v);
      case 'Exists':
        return has;
      case 'DoesNotExist':
        return !has;
      default:
        return false;
    }
  });
}

/** Whether a selector has no requirements (selects everything). */
export function selectorIsEmpty(selector: JsonValue | undefined): boolean {
  return isJsonObject(selector) && requirements(selector).length === 0;
}

/** The canonical string of a selector (`app=web,env in (a,b),!legacy`), '' when empty. */
export function selectorString(selector: JsonValue | undefined): string {
  if (!isJsonObject(selector)) return '';
  return requirements(selector)
    .map(({ key, op, values }) => {
      if (op === '=') return `${key}=${values[0] ?? ''}`;
      if (op === 'In') return `${key} in (${values.join(',')})`;
      if (op === 'NotIn') return `${key} notin (${values.join(',')})`;
      if (op === 'Exists') return key;
      if (op === 'DoesNotExist') return `!${key}`;
      return `${key} ${op}`;
    })
    .join(',');
}

/** metav1.FormatLabelSelector: the SELECTOR column, `<none>` when it selects everything. */
export function formatLabelSelector(selector: JsonValue | undefined): string {
  const s = selectorString(selector);
  return s === '' ? '<none>' : s;
}

/** A plain label map as kubectl prints it (`a=b,c=d`, sorted), `<none>` when empty. */
export function formatLabels(labels: JsonValue | undefined): string {
  if (!isJsonObject(labels)) return '<none>';
  const parts = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${String(labels[k])}`);
  return parts.length ? parts.join(',') : '<none>';
}
