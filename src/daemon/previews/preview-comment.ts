/**
 * The one comment a preview keeps on its pull request (edited, never posted twice): what
 * state the preview is in, its URL, its health and the pod or probe at fault, and the
 * rendered diff of the pull request against the base branch's render of the same overlay.
 * Pure: the controller hands it the preview's Application and the diff.
 */
import type { Application, PreviewRecord } from '../../core/index.js';
import type { RenderedObjectDiff } from '../../diff/index.js';

/** The marker that finds a set's comment among a pull request's comments. */
export function previewMarker(set: string): string {
  return `<!-- capstan:preview:${set} -->`;
}

/** The rendered diff of the pull request's head against the base branch, or why there is none. */
export interface PreviewDiff {
  objects: RenderedObjectDiff[];
  /** the base branch's commit rendered */
  baseRevision?: string;
  error?: string;
}

export interface CommentInput {
  set: string;
  baseBranch: string;
  record: PreviewRecord;
  ttl: string;
  maxPreviews: number;
  /** the preview's Application, while Active */
  app?: Application;
  previewURL?: string;
  diff?: PreviewDiff;
}

/** Diffs shown inline up to this many lines; longer ones are folded. */
const INLINE_LINES = 20;
/** At most this many characters of diff (GitHub takes 65,536 per comment; others less). */
const DIFF_BUDGET = 30_000;

const short = (sha: string | undefined) => (sha ?? '').slice(0, 7);

export function previewComment(input: CommentInput): string {
  const { record } = input;
  const name = record.application ?? `${input.set}-pr-${record.number}`;
  const lines = [previewMarker(input.set), `### Capstan preview \`${name}\``, ''];
  switch (record.state) {
    case 'Closed':
      lines.push(
        '🧹 Removed: the pull request was closed or merged, and every object of the preview deleted.',
      );
      return lines.join('\n');
    case 'Expired':
      lines.push(
        `🧹 Removed: no push for ${input.ttl} (the PreviewSet's TTL). Push a commit to deploy the preview again.`,
      );
      return lines.join('\n');
    case 'Evicted':
      lines.push(
        `🧹 Removed: at most ${input.maxPreviews} previews run at once, and this one had gone longest without a push. ` +
          'Push a commit to deploy it again.',
      );
      return lines.join('\n');
  }
  lines.push(...stateLines(input), '');
  lines.push(`| | |`, `|---|---|`);
  lines.push(`| URL | ${input.previewURL ?? '_not known yet_'} |`);
  lines.push(`| Commit | \`${short(record.headSha)}\` |`);
  lines.push(`| Namespace | \`${name}\` |`);
  lines.push(`| Health | ${input.app?.status?.health?.status ?? 'Unknown'} |`);
  lines.push('', ...diffLines(input));
  return lines.join('\n');
}

/** What the preview is doing, with the pod and probe at fault when it is Degraded. */
function stateLines(input: CommentInput): string[] {
  const status = input.app?.status ?? {};
  const head = input.record.headSha;
  const op = status.operationState;
  if (op && op.revision === head && (op.phase === 'Failed' || op.phase === 'Error'))
    return [`❌ The sync of \`${short(head)}\` failed: ${op.message}`, ...faultLines(input)];
  if (status.sync?.revision !== head) return [`⏳ Deploying \`${short(head)}\`…`];
  const health = status.health?.status ?? 'Unknown';
  if (health === 'Healthy') return [`✅ Healthy at \`${short(head)}\`.`];
  if (health === 'Degraded' || health === 'Missing')
    return [
      `❌ ${health} at \`${short(head)}\`${status.health?.message ? `: ${status.health.message}` : '.'}`,
      ...faultLines(input),
    ];
  return [`⏳ ${health} at \`${short(head)}\`${status.health?.message ? `: ${status.health.message}` : '.'}`];
}

function faultLines(input: CommentInput): string[] {
  const h = input.app?.status?.health;
  if (!h?.object && !h?.pod) return [];
  const parts = [
    h.object ? `object \`${h.object}\`` : '',
    h.pod ? `pod \`${h.pod}\`` : '',
    h.container ? `container \`${h.container}\`` : '',
    h.probe ? `probe ${h.probe}` : '',
  ].filter(Boolean);
  return ['', `At fault: ${parts.join(', ')}.`];
}

function diffLines(input: CommentInput): string[] {
  const { diff } = input;
  const against = `\`${input.baseBranch}\`${diff?.baseRevision ? ` (${short(diff.baseRevision)})` : ''}`;
  if (!diff) return [`_The rendered diff against ${against} is being computed._`];
  if (diff.error) return [`⚠️ No rendered diff against ${against}: ${diff.error}`];
  if (diff.objects.length === 0) return [`The pull request renders the same objects as ${against}.`];
  const counts = (['added', 'changed', 'removed'] as const)
    .map((c) => [c, diff.objects.filter((d) => d.change === c).length] as const)
    .filter(([, n]) => n > 0)
    .map(([c, n]) => `${n} ${c}`)
    .join(', ');
  const head = `**Rendered diff against ${against}** (Secrets masked): ${counts}`;
  const blocks: string[] = [];
  let budget = DIFF_BUDGET;
  let shown = 0;
  for (const d of diff.objects) {
    const block = `# ${d.object} (${d.change})\n${d.diff}`;
    if (block.length > budget) break;
    budget -= block.length;
    blocks.push(block);
    shown++;
  }
  const text = '```diff\n' + blocks.join('') + '```';
  const rest = diff.objects.slice(shown).map((d) => `\`${d.object}\` (${d.change})`);
  const cut = rest.length
    ? [
        `… and ${rest.length} more, not shown (the diff is cut at ${DIFF_BUDGET} characters): ${rest.join(', ')}`,
      ]
    : [];
  const lineCount = blocks.join('').split('\n').length;
  if (lineCount <= INLINE_LINES) return [head, '', text, ...cut];
  return [head, '', '<details><summary>Show the diff</summary>', '', text, '</details>', ...cut];
}
