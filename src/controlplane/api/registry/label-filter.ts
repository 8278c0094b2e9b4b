/**
 * A list or watch's label selector, compiled once: the predicate every object must pass,
 * and its `k=v` requirements, which the store's label index answers so that a list visits
 * only the objects carrying them (the predicate still checks the rest: `k=v,tier!=db`).
 */
import {
  compileLabelSelector,
  isCapstanError,
  labelEqualities,
  type JsonObject,
  type LabelEquality,
} from '../../../core/index.js';
import { badRequest } from '../errors.js';

export interface LabelFilter {
  matches: (obj: JsonObject) => boolean;
  /** what the store can narrow by; empty: every object of the prefix is a candidate */
  equalities: LabelEquality[];
}

/** Compiles a selector; a malformed one is the 400 kube-apiserver answers. */
export function compileLabelFilter(selector: string | undefined): LabelFilter {
  if (!selector) return { matches: () => true, equalities: [] };
  try {
    const pred = compileLabelSelector(selector, 'labelSelector');
    return {
      matches: (obj) => pred((obj.metadata as { labels?: Record<string, string> } | undefined)?.labels),
      equalities: labelEqualities(selector),
    };
  } catch (e) {
    throw badRequest(
      `unable to parse requirement: ${isCapstanError(e) ? e.message.replace(/^labelSelector: /, '') : String(e)}`,
    );
  }
}
