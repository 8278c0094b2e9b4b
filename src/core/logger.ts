/**
 * The daemon's logger: pino underneath, a narrow interface on top, so components log
 * constant messages with fields and never reach for pino itself. JSON lines where a
 * program reads the output; one readable line per record on a terminal (log-line.ts).
 * Every message and string field goes through log-redaction.ts first: no credential
 * reaches a log, whatever a caller passes.
 *
 * Not exported from core/index.ts: pino takes ~0.1 s to load, which every `capstan`
 * command would pay. Import it from `core/logger.js`.
 */
import { pino, stdTimeFunctions, type Logger as Pino } from 'pino';
import { formatLogLine } from './log-line.js';
import { redactLogFields, redactLogText } from './log-redaction.js';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Writes one record: fields for programs, `msg` a constant sentence for people. */
export type LogMethod = (fields: object, msg: string) => void;

export interface Logger {
  debug: LogMethod;
  info: LogMethod;
  warn: LogMethod;
  error: LogMethod;
  /** A logger whose records all carry `bindings` (a component, an application, a sync). */
  child(bindings: object): Logger;
}

/** Where lines go: standard error, a file, or a test's memory. */
export interface LogStream {
  write(line: string): unknown;
  isTTY?: boolean;
}

export interface LoggerOptions {
  /** records below this level are dropped (default info) */
  level?: LogLevel;
  /** where lines go (default: standard error) */
  stream?: LogStream;
  /** one readable line per record instead of JSON (default: when `stream` is a terminal) */
  pretty?: boolean;
  /** colour the level in readable lines (default: on a terminal, unless $NO_COLOR is set) */
  color?: boolean;
}

export function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const stream = options.stream ?? process.stderr;
  const terminal = stream.isTTY === true;
  const pretty = options.pretty ?? terminal;
  const color = options.color ?? (pretty && terminal && !process.env.NO_COLOR);
  const destination = pretty ? readableLines(stream, color) : stream;
  const root = pino(
    {
      level: options.level ?? 'info',
      // no pid and hostname on every line: one daemon per process, and the host is the reader's
      base: null,
      timestamp: stdTimeFunctions.isoTime,
      // "level":"info" rather than 30: people read these too
      formatters: { level: (label) => ({ level: label }) },
      // errors arrive already serialized (and redacted) by redactLogFields
      serializers: { err: (err: unknown) => err },
    },
    destination,
  );
  return wrap(root);
}

function wrap(p: Pino): Logger {
  const method =
    (level: LogLevel): LogMethod =>
    (fields, msg) => {
      // redact only what will be written: a filtered debug record costs one comparison
      if (p.isLevelEnabled(level)) p[level](redactLogFields(fields), redactLogText(msg));
    };
  return {
    debug: method('debug'),
    info: method('info'),
    warn: method('warn'),
    error: method('error'),
    child: (bindings) => wrap(p.child(redactLogFields(bindings))),
  };
}

/** A destination that turns pino's JSON lines into readable ones before `stream` sees them. */
function readableLines(stream: LogStream, color: boolean): LogStream {
  return {
    write(line: string) {
      stream.write(`${formatLogLine(JSON.parse(line) as Record<string, unknown>, color)}\n`);
    },
  };
}

/** A logger that writes nothing: for tests and for components run without one. */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};
