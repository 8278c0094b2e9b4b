/**
 * The title and body of a revert pull request: which revision failed and why (the object,
 * pod, container and probe at fault), what the revert undoes, and each application's health
 * timeline — what a reviewer needs to merge it or to push a fix instead.
 */
import type { RolledBack } from './rolled-back.js';

export interface RevertedCommit {
  oid: string;
  subject: string;
  files: string[];
}

export interface RevertDescription {
  failed: string;
  /** the failed revision's subject, when known */
  subject?: string;
  members: RolledBack[];
  reverted: RevertedCommit[];
}

const short = (oid: string) => oid.slice(0, 7);

/** Markdown inline code that survives backticks in the text. */
const code = (text: string) => `\`${text.replace(/`/g, "'")}\``;

export function revertTitle(d: RevertDescription): string {
  const apps = d.members.map((m) => m.app).join(', ');
  const subject = d.subject ? ` "${d.subject}"` : '';
  return `Revert ${short(d.failed)}${subject} in ${apps}: it failed and was rolled back`.slice(0, 250);
}

/** The marker that names the failed revision in the body (for people and searches). */
export function revertMarker(failed: string): string {
  return `<!-- capstan:revert:${failed} -->`;
}

export function revertBody(d: RevertDescription): string {
  const apps = d.members.map((m) => `**${m.app}**`).join(', ');
  const lines = [
    `Capstan rolled back ${apps} automatically: revision ${code(d.failed)}` +
      `${d.subject ? ` ("${d.subject}")` : ''} failed, and the cluster runs the last healthy revision again. ` +
      "This pull request reverts what the failed revision changed under each application's path, so that Git " +
      'says what runs. Merge it, or push a fix instead: any newer commit is synced.',
    '',
    '### What failed',
    '',
    '| application | path | failed | rolled back to |',
    '|---|---|---|---|',
    ...d.members.map((m) => `| ${m.app} | ${code(m.path)} | ${short(m.failed)} | ${short(m.healthy)} |`),
    '',
    ...d.members.flatMap((m) => [`- **${m.app}**: ${m.reason}`, ...faultLines(m)]),
    '',
    '### Reverted',
    '',
    ...d.reverted.map(
      (c) => `- ${code(short(c.oid))} ${c.subject} (${c.files.map((f) => code(f)).join(', ')})`,
    ),
  ];
  for (const m of d.members) lines.push('', `### Health timeline of ${m.app}`, '', ...timeline(m));
  lines.push('', revertMarker(d.failed));
  return lines.join('\n');
}

/** The object, pod, container and probe at fault, when the status kept them apart from the reason. */
function faultLines(m: RolledBack): string[] {
  const h = m.health;
  if (!h || h.status === 'Healthy') return [];
  const parts = [
    h.object && `object ${code(h.object)}`,
    h.pod && `pod ${code(h.pod)}`,
    h.container && `container ${code(h.container)}`,
    h.probe && `probe ${code(h.probe)}`,
  ].filter(Boolean);
  return parts.length > 0 ? [`  - ${parts.join(', ')}`] : [];
}

/** The deployments the history shows, the failure and the rollback, oldest first (the last 8). */
function timeline(m: RolledBack): string[] {
  const events: Array<{ at: string; what: string }> = m.history.map((e) => ({
    at: e.deployedAt,
    what:
      `${e.rollback ? 'rolled back to' : 'deployed'} ${code(short(e.revision))}` +
      `${e.subject ? ` "${e.subject}"` : ''}: ${e.result === 'Succeeded' ? 'Healthy' : 'failed'}`,
  }));
  events.push({
    at: m.failedAt,
    what: `${code(short(m.failed))} marked failed: not retried until a newer commit`,
  });
  if (m.operation.startedAt)
    events.push({
      at: m.operation.startedAt,
      what: `automatic rollback to ${code(short(m.healthy))} started`,
    });
  // the history's rollback entry says the same, once it has one
  if (!m.history.some((e) => e.rollback && e.revision === m.healthy && e.deployedAt >= m.failedAt))
    events.push({ at: m.rolledBackAt, what: `automatic rollback to ${code(short(m.healthy))} finished` });
  return events
    .filter((e) => e.at)
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))
    .slice(-8)
    .map((e) => `- ${e.at} ${e.what}`);
}
