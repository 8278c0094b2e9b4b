/** Applications as the CLI shows them: the list table, one application's details, its history. */
import type { Application, HistoryEntry, OperationState } from '../core/application.js';
import { age, short, table } from './output.js';

function destination(app: Application): string {
  const d = app.spec.destination ?? {};
  return `${d.cluster ?? 'in-process'}/${d.namespace ?? 'default'}`;
}

function revisionOf(app: Application): string {
  const sync = app.status?.sync;
  return sync?.shortRevision ?? short(sync?.revision);
}

/** NAME PROJECT DESTINATION SYNC HEALTH REVISION AGE, and with `wide` the source and operation. */
export function applicationTable(apps: Application[], wide: boolean): string {
  const header = ['NAME', 'PROJECT', 'DESTINATION', 'SYNC', 'HEALTH', 'REVISION', 'AGE'];
  if (wide) header.push('REPO', 'PATH', 'TARGET', 'OPERATION', 'MESSAGE');
  const rows = apps.map((app) => {
    const status = app.status ?? {};
    const row = [
      app.metadata.name,
      app.spec.project ?? 'default',
      destination(app),
      status.sync?.status ?? 'Unknown',
      status.health?.status ?? 'Unknown',
      revisionOf(app),
      age(app.metadata.creationTimestamp as string | undefined),
    ];
    if (wide) {
      const op = status.operationState;
      row.push(
        app.spec.source.repoURL,
        app.spec.source.path ?? '.',
        app.spec.source.targetRevision ?? 'HEAD',
        op?.phase ?? '',
        oneLine(op?.message ?? status.health?.message ?? ''),
      );
    }
    return row;
  });
  return table(header, rows);
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** One line of a sync's progress: `Running  wave Sync/1  applied 3  pruned 0: message`. */
export function operationLine(op: OperationState): string {
  const parts: string[] = [op.phase];
  if (op.revision) parts.push(`revision ${short(op.revision)}`);
  if (op.wave) parts.push(`wave ${op.wave}`);
  if (op.applied !== undefined) parts.push(`applied ${op.applied}`);
  if (op.pruned) parts.push(`pruned ${op.pruned}`);
  if (op.attempt && op.attempt > 1) parts.push(`attempt ${op.attempt}`);
  return parts.join('  ') + (op.message ? `: ${oneLine(op.message)}` : '');
}

/** `capstan app get NAME`: what `argocd app get` shows, then the objects out of sync or unhealthy. */
export function applicationDetails(app: Application): string {
  const { spec } = app;
  const status = app.status ?? {};
  const health = status.health;
  const fields: Array<[string, string | undefined]> = [
    ['Name', app.metadata.name],
    ['Project', spec.project ?? 'default'],
    ['Source', spec.source.repoURL],
    ['Path', spec.source.path ?? '.'],
    ['Target', spec.source.targetRevision ?? 'HEAD'],
    ['Destination', destination(app)],
    ['Auto sync', spec.syncPolicy?.automated === false ? 'off' : 'on'],
    ['Sync', [status.sync?.status ?? 'Unknown', short(status.sync?.revision)].filter(Boolean).join(' at ')],
    ['Health', [health?.status ?? 'Unknown', health?.message].filter(Boolean).join(': ')],
    ['At fault', [health?.object, health?.pod, health?.container, health?.probe].filter(Boolean).join(' ')],
    ['Pinned to', short(status.pinnedRevision)],
    [
      'Failed revision',
      status.failedRevision &&
        `${short(status.failedRevision.revision)}: ${oneLine(status.failedRevision.reason)}`,
    ],
    ['Operation', status.operationState && operationLine(status.operationState)],
    ['Source error', status.sourceError],
  ];
  let out = '';
  for (const [label, value] of fields) if (value) out += `${(label + ':').padEnd(17)}${value}\n`;
  const conditions = status.conditions ?? [];
  if (conditions.length) {
    out +=
      '\n' +
      table(
        ['CONDITION', 'STATUS', 'REASON', 'MESSAGE'],
        conditions.map((c) => [c.type, c.status, c.reason, oneLine(c.message)]),
      );
  }
  const resources = status.resources ?? [];
  if (resources.length) {
    out +=
      '\n' +
      table(
        ['KIND', 'NAMESPACE', 'NAME', 'STATUS', 'HEALTH', 'DRIFT'],
        resources.map((r) => [r.kind, r.namespace ?? '', r.name, r.status, r.health ?? '', r.drift ?? '']),
      );
  }
  return out;
}

/** ID REVISION DEPLOYED RESULT SUBJECT, newest last as the API keeps it. */
export function historyTable(entries: HistoryEntry[]): string {
  return table(
    ['ID', 'REVISION', 'DEPLOYED', 'RESULT', 'SUBJECT'],
    entries.map((e) => [
      String(e.id),
      short(e.revision),
      e.deployedAt,
      e.rollback ? `${e.result} (rollback)` : e.result,
      oneLine(e.subject ?? ''),
    ]),
  );
}
