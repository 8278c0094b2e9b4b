/** How API commands print: aligned tables as kubectl prints them, or `-o json|yaml`. */
import { CapstanError } from '../core/errors.js';
import { emitYaml } from '../core/yaml-emit.js';

export type OutputFormat = 'table' | 'wide' | 'json' | 'yaml';

export function outputFormat(value: string | undefined, command: string): OutputFormat {
  if (value === undefined) return 'table';
  if (value === 'json' || value === 'yaml' || value === 'wide') return value;
  throw new CapstanError('CLI_USAGE', `${command}: -o must be json, yaml or wide, got '${value}'`);
}

/** Columns padded to their widest cell, three spaces apart, as `kubectl get` does. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join('   ')
      .trimEnd() + '\n';
  return line(header) + rows.map(line).join('');
}

/** A value as `-o json` or `-o yaml` prints it. */
export function serialized(value: unknown, format: 'json' | 'yaml'): string {
  return format === 'json' ? JSON.stringify(value, null, 2) + '\n' : emitYaml(value);
}

/**
 * The AGE column, as kubectl's HumanDuration: 90 s → `90s`, 5 min 30 s → `5m30s`,
 * 2 h → `120m`, 5 h 10 min → `5h10m`, 30 h → `30h`, 3 d 4 h → `3d4h`, 40 d → `40d`.
 */
export function age(since: string | undefined, now = Date.now()): string {
  const at = since ? Date.parse(since) : NaN;
  if (Number.isNaN(at)) return '<unknown>';
  const s = Math.max(0, Math.floor((now - at) / 1000));
  const m = Math.floor(s / 60);
  const h = Math.floor(m / 60);
  const d = Math.floor(h / 24);
  const two = (big: number, bigUnit: string, small: number, smallUnit: string) =>
    small === 0 ? `${big}${bigUnit}` : `${big}${bigUnit}${small}${smallUnit}`;
  if (s < 120) return `${s}s`;
  if (m < 10) return two(m, 'm', s % 60, 's');
  if (h < 3) return `${m}m`;
  if (h < 8) return two(h, 'h', m % 60, 'm');
  if (h < 48) return `${h}h`;
  if (d < 8) return two(d, 'd', h % 24, 'h');
  if (d < 365 * 2) return `${d}d`;
  return `${Math.floor(d / 365)}y`;
}

/** A commit as people read it: its first 7 characters. */
export function short(revision: string | undefined): string {
  return revision ? revision.slice(0, 7) : '';
}
