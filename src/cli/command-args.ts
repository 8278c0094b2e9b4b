/** Argument reading shared by the API commands: usage errors exit 2, the connection flags. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { durationMs, Fields } from '../core/config-fields.js';
import { CapstanError } from '../core/errors.js';
import { CapstanClient } from '../server/client.js';
import { resolveConnection } from './cli-config.js';

/** `--server URL --token T -o FORMAT`, accepted by every API command. */
export const API_OPTIONS = {
  server: { type: 'string' },
  token: { type: 'string' },
  output: { type: 'string', short: 'o' },
} as const;

export function usage(message: string): CapstanError {
  return new CapstanError('CLI_USAGE', message);
}

/** parseArgs with its errors as usage errors, and exactly `names` positionals (`?` = optional). */
export function parseCommand<O extends NonNullable<ParseArgsConfig['options']>>(
  command: string,
  args: string[],
  options: O,
  names: string[] = [],
) {
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw usage(`${command}: ${(e as Error).message}`);
  }
  const required = names.filter((n) => !n.endsWith('?')).length;
  const { positionals } = parsed;
  if (positionals.length < required || positionals.length > names.length) {
    const shown = names.map((n) => (n.endsWith('?') ? `[${n.slice(0, -1)}]` : n)).join(' ');
    throw usage(`${command}: expected ${shown || 'no arguments'}, got ${positionals.length} argument(s)`);
  }
  return parsed;
}

/** The client for `--server`/`--token`, the environment or the login file. */
export function client(values: { server?: string; token?: string }): CapstanClient {
  return new CapstanClient(resolveConnection({ server: values.server, token: values.token }));
}

/** `--timeout 5m` in milliseconds (a Go duration: `500ms`, `30s`, `1m30s`). */
export function durationFlag(value: string | undefined, flag: string, fallbackMs: number): number {
  if (value === undefined) return fallbackMs;
  try {
    return durationMs(new Fields(flag), value, '') ?? fallbackMs;
  } catch (e) {
    throw usage((e as Error).message);
  }
}

/** A flag that takes `true` or `false` (`--auto-sync=false`). */
export function booleanFlag(value: string | undefined, flag: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw usage(`${flag} must be true or false, got '${value}'`);
}
