/**
 * `capstan promote NAME --from STAGE --to STAGE [--dry-run] [--direct]` and `capstan
 * promotion list|get`, over the daemon's API. The daemon does the work (checks, edit,
 * rendered diff, push, pull request); this prints what it did: the changes, the diff of
 * the target's rendered objects, and the pull request or commit.
 */
import type { Promotion } from '../core/application.js';
import type { PromotionOutcome } from '../server/client.js';
import { API_OPTIONS, client, parseCommand, usage } from './command-args.js';
import { age, outputFormat, serialized, short, table } from './output.js';

export async function runPromote(args: string[], out: NodeJS.WritableStream): Promise<number> {
  const { values, positionals } = parseCommand(
    'promote',
    args,
    {
      ...API_OPTIONS,
      from: { type: 'string' },
      to: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      direct: { type: 'boolean', default: false },
    },
    ['NAME'],
  );
  if (!values.from || !values.to) throw usage('promote: give --from STAGE and --to STAGE');
  const format = outputFormat(values.output, 'promote');
  const outcome = await client(values).promote(positionals[0], {
    from: values.from,
    to: values.to,
    ...(values['dry-run'] ? { dryRun: true } : {}),
    ...(values.direct ? { direct: true } : {}),
  });
  if (format === 'json' || format === 'yaml') out.write(serialized(outcome, format));
  else out.write(describe(outcome));
  return 0;
}

function describe(o: PromotionOutcome): string {
  const head = `promotion ${o.promotion}: ${o.from} (${short(o.revision)}) → ${o.to}`;
  if (o.changes.length === 0)
    return `${head}\n${o.to} already runs what ${o.from} runs: nothing to promote\n`;
  const lines = [head, `changes to ${o.file}:`, ...o.changes.map((c) => `  ${c}`), ''];
  for (const d of o.diff) lines.push(`===== ${d.object} (${d.change}) =====`, d.diff.replace(/\n$/, ''));
  if (o.diff.length === 0) lines.push(`(${o.to} renders the same objects)`);
  lines.push('');
  if (o.dryRun) lines.push('dry run: nothing was committed');
  else if (o.pullRequest)
    lines.push(
      `pushed ${short(o.commit)} to ${o.branch}`,
      `pull request #${o.pullRequest.number}: ${o.pullRequest.url}`,
    );
  else lines.push(`pushed ${short(o.commit)} to ${o.branch}`);
  for (const w of o.warnings ?? []) lines.push(`warning: ${w}`);
  return lines.join('\n') + '\n';
}

function stagesOf(p: Promotion): string {
  return (p.spec?.stages ?? []).map((s) => s.name).join(' → ');
}

export async function runPromotion(args: string[], out: NodeJS.WritableStream): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'list') {
    const { values } = parseCommand('promotion list', rest, API_OPTIONS);
    const format = outputFormat(values.output, 'promotion list');
    const items = await client(values).listPromotions();
    if (format === 'json' || format === 'yaml') out.write(serialized({ items }, format));
    else
      out.write(
        table(
          ['NAME', 'STAGES', 'MODE', 'LAST', 'AGE'],
          items.map((p) => {
            const last = p.status?.promotions?.at(-1);
            return [
              p.metadata.name,
              stagesOf(p),
              p.spec?.mode ?? 'pr',
              last ? `${last.from} → ${last.to} ${short(last.revision)}` : '',
              age(p.metadata.creationTimestamp as string | undefined),
            ];
          }),
        ),
      );
    return 0;
  }
  if (sub === 'get') {
    const { values, positionals } = parseCommand('promotion get', rest, API_OPTIONS, ['NAME']);
    const format = outputFormat(values.output, 'promotion get');
    const p = await client(values).getPromotion(positionals[0]);
    if (format === 'json' || format === 'yaml') out.write(serialized(p, format));
    else {
      const lines = [`Name:    ${p.metadata.name}`, `Mode:    ${p.spec?.mode ?? 'pr'}`, 'Stages:'];
      for (const s of p.spec?.stages ?? []) {
        const extra = [
          s.soakTime ? `soak ${s.soakTime}` : '',
          ...(s.windows ?? []).map((w) => `${w.kind} ${w.schedule} for ${w.duration}`),
          s.autoPromote ? 'auto-promote' : '',
        ].filter(Boolean);
        lines.push(`  ${s.name.padEnd(12)} ${s.application}${extra.length ? `  (${extra.join(', ')})` : ''}`);
      }
      const records = p.status?.promotions ?? [];
      if (records.length) lines.push('Promotions:');
      for (const r of records)
        lines.push(
          `  ${r.at}  ${r.from} → ${r.to} ${short(r.revision)}: ${r.changes.join('; ')}${r.pullRequest ? `  ${r.pullRequest.url}` : r.branch ? `  (${r.branch})` : ''}`,
        );
      out.write(lines.join('\n') + '\n');
    }
    return 0;
  }
  throw usage(
    `promotion: ${sub === undefined ? 'give a subcommand' : `unknown subcommand '${sub}'`}: list, get`,
  );
}
