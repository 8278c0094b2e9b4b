/**
 * One log record as one line a person reads on a terminal:
 *
 *   10:15:32 INFO  shop: sync finished abc1234 (synced, 3 changed, 1.2 s)
 *
 * local time, the level, `app: ` when the record names an application, the message, the
 * short `revision`, then the other fields in parentheses: `result` and `reason` as their
 * bare value, `changed` as "N changed", `durationMs` as seconds, `err` as its message, the
 * rest as key=value. Written here rather than taken from pino-pretty: this is all of it.
 */

/** A record as pino writes it: `level` (label), `time` (ISO), `msg`, and the caller's fields. */
export type LogRecord = Record<string, unknown>;

// shown in the line's head, or not at all
const HEAD_FIELDS = new Set(['level', 'time', 'msg', 'app', 'revision', 'pid', 'hostname']);

const COLORS: Record<string, string> = { debug: '90', info: '32', warn: '33', error: '31' };

/** The line for `record`, without its newline; `color` adds ANSI colours to the level. */
export function formatLogLine(record: LogRecord, color = false): string {
  const label = String(record.level ?? 'info');
  let level = label.toUpperCase().padEnd(5);
  if (color && COLORS[label]) level = `\x1b[${COLORS[label]}m${level}\x1b[0m`;
  let line = `${clock(record.time)} ${level} `;
  if (record.app !== undefined) line += `${text(record.app)}: `;
  line += text(record.msg ?? '');
  if (record.revision !== undefined) line += ` ${text(record.revision)}`;
  const details = Object.entries(record)
    .filter(([key, value]) => !HEAD_FIELDS.has(key) && value !== undefined)
    .map(([key, value]) => detail(key, value));
  if (details.length > 0) line += ` (${details.join(', ')})`;
  return line;
}

function detail(key: string, value: unknown): string {
  if (key === 'changed' && typeof value === 'number') return `${value} changed`;
  if (key === 'durationMs' && typeof value === 'number') return duration(value);
  if ((key === 'result' || key === 'reason') && typeof value === 'string') return text(value);
  if (key === 'err' && value !== null && typeof value === 'object') {
    const e = value as { message?: unknown; code?: unknown };
    return text(`${String(e.message ?? '')}${e.code !== undefined ? ` [${String(e.code)}]` : ''}`);
  }
  if (typeof value === 'string')
    return `${key}=${/^[^\s,()"=]+$/.test(value) ? text(value) : JSON.stringify(value)}`;
  return `${key}=${text(JSON.stringify(value) ?? String(value))}`;
}

/** 850 ms, 1.2 s, 75 s: a sync's duration as a person says it. */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  return s < 10 ? `${s.toFixed(1)} s` : `${Math.round(s)} s`;
}

/** HH:MM:SS in local time; the date is in the JSON form for whoever needs it. */
function clock(time: unknown): string {
  const d = new Date(typeof time === 'string' || typeof time === 'number' ? time : Date.now());
  if (Number.isNaN(d.getTime())) return '--:--:--';
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

/**
 * One line, whatever the text holds: line breaks (a stack trace) become " | ", and other
 * control characters, which could move a terminal's cursor or recolour it, become "?".
 */
function text(value: unknown): string {
  return (
    String(value)
      .trim()
      .replace(/\s*[\r\n]+\s*/g, ' | ')
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '?')
  );
}
