/** A Logger that keeps its records in memory, as parsed JSON, for tests to assert on. */
import { createLogger, type Logger, type LogLevel } from '../../src/core/logger.js';

/** One record: `level`, `time`, `msg` and the fields, as written to a log. */
export type CapturedRecord = { level: LogLevel; time: string; msg: string } & Record<string, unknown>;

export interface CapturedLogs {
  logger: Logger;
  records: CapturedRecord[];
  /** the messages, in order */
  messages(): string[];
}

/** A real logger (redaction, levels, JSON) whose stream is an array. Default level: debug. */
export function captureLogger(level: LogLevel = 'debug'): CapturedLogs {
  const records: CapturedRecord[] = [];
  const logger = createLogger({
    level,
    pretty: false,
    stream: { write: (line: string) => records.push(JSON.parse(line) as CapturedRecord) },
  });
  return { logger, records, messages: () => records.map((r) => r.msg) };
}
