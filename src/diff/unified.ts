/**
 * The human diff: one object's live state against what it becomes once the desired object
 * is applied (the *predicted* live object of the comparison), as YAML, in unified format.
 * Showing the predicted object rather than the manifest keeps API defaults and other
 * managers' fields out of the diff: what shows is exactly the drift `compare` reports.
 */
import { stringifyYaml, type KubeObject } from '../core/index.js';
import { comparison, type CompareOptions } from './compare.js';
import { diffLines, hunks, type Edit } from './line-diff.js';

export interface UnifiedDiffOptions extends CompareOptions {
  /** ANSI colours (for a terminal): removed lines red, added green, hunk headers cyan */
  color?: boolean;
  /** unchanged lines around each change (default 3) */
  context?: number;
}

const ansi = { bold: '\x1b[1m', red: '\x1b[31m', green: '\x1b[32m', cyan: '\x1b[36m', reset: '\x1b[0m' };

/** `apps/v1 Deployment default/web` */
function title(obj: KubeObject): string {
  const ns = obj.metadata?.namespace;
  return `${obj.apiVersion} ${obj.kind} ${ns ? `${ns}/` : ''}${obj.metadata?.name ?? ''}`;
}

const yamlLines = (obj: KubeObject | undefined) =>
  obj ? stringifyYaml(obj).replace(/\n$/, '').split('\n') : [];

/**
 * A unified diff from live (`--- live`) to desired (`+++ desired`, the predicted live
 * object), headed by the object's apiVersion, kind, namespace and name; '' when there is no
 * difference. A missing live object diffs from nothing (a creation), a missing desired
 * object to nothing (a prune). Secret values are masked.
 */
export function unifiedDiff(
  desired: KubeObject | undefined,
  live: KubeObject | undefined,
  options: UnifiedDiffOptions = {},
): string {
  const c = comparison(desired, live, options);
  if (c.inSync) return '';
  const before = c.live;
  const after = c.predicted ?? c.desired;
  const edits = diffLines(yamlLines(before), yamlLines(after));
  const hs = hunks(edits, options.context ?? 3);
  if (hs.length === 0) return '';
  const paint = (code: string, s: string) => (options.color ? `${code}${s}${ansi.reset}` : s);
  const line = (e: Edit) => {
    const text = `${e.op}${e.line}`;
    return e.op === '-' ? paint(ansi.red, text) : e.op === '+' ? paint(ansi.green, text) : text;
  };
  const out = [
    paint(ansi.bold, `===== ${title((live ?? desired)!)} =====`),
    paint(ansi.bold, '--- live'),
    paint(ansi.bold, '+++ desired'),
  ];
  for (const h of hs) out.push(paint(ansi.cyan, h.header), ...h.edits.map(line));
  return out.join('\n') + '\n';
}
