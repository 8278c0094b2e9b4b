/**
 * Field selectors (`metadata.name=web,status.phase!=Running`) as the API server accepts
 * them: `=`, `==` and `!=` on the fields a kind makes selectable; anything else is a
 * 400 BadRequest naming the field, as kube-apiserver answers.
 */
import type { JsonObject } from '../../../core/index.js';
import { badRequest } from '../errors.js';
import type { ResourceType } from '../types.js';

export type FieldPredicate = (obj: JsonObject) => boolean;

interface Term {
  field: string;
  value: string;
  negate: boolean;
}

/** The fields every kind supports, plus the kind's own. */
export function selectableFields(type: ResourceType, obj: JsonObject): Record<string, string> {
  const meta = (obj.metadata ?? {}) as { name?: string; namespace?: string };
  const fields: Record<string, string> = { 'metadata.name': meta.name ?? '' };
  if (type.namespaced) fields['metadata.namespace'] = meta.namespace ?? '';
  if (type.selectableFields) Object.assign(fields, type.selectableFields(obj));
  return fields;
}

/** Compiles a field selector for `type`; an empty selector selects everything. */
export function compileFieldSelector(type: ResourceType, selector: string | undefined): FieldPredicate {
  if (!selector) return () => true;
  const terms: Term[] = [];
  for (const part of selector.split(',')) {
    const text = part.trim();
    if (text === '') continue;
    const m = /^([^=!]+?)\s*(==|!=|=)\s*(.*)$/.exec(text);
    if (!m) throw badRequest(`invalid field selector: '${text}': does not contain an operator`);
    terms.push({ field: m[1].trim(), value: m[3].trim(), negate: m[2] === '!=' });
  }
  const known = new Set(Object.keys(selectableFields(type, { metadata: {} })));
  for (const t of terms) {
    if (!known.has(t.field) && !t.field.startsWith('metadata.')) {
      throw badRequest(`field label not supported: ${t.field}`);
    }
    if (!known.has(t.field)) throw badRequest(`field label not supported: ${t.field}`);
  }
  return (obj) => {
    const fields = selectableFields(type, obj);
    return terms.every((t) => (fields[t.field] === t.value) !== t.negate);
  };
}
