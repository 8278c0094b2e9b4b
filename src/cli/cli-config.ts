/**
 * Where the API commands find the daemon: `--server`/`--token`, else `$CAPSTAN_SERVER`/
 * `$CAPSTAN_TOKEN`, else the file `capstan login` wrote
 * (`$XDG_CONFIG_HOME/capstan/config.yaml`, by default `~/.config/capstan/config.yaml`),
 * else the daemon's default address with no token.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CapstanError } from '../core/errors.js';
import { isJsonObject } from '../core/object.js';
import { parseYamlDocument } from '../core/yaml.js';
import { emitYaml } from '../core/yaml-emit.js';

/** `capstan serve`'s default API address. */
export const DEFAULT_SERVER = 'http://127.0.0.1:7070';

export interface Connection {
  server: string;
  token?: string;
}

export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config');
  return path.join(base, 'capstan', 'config.yaml');
}

/** The login file's server and token; nothing when there is no file. */
export function readConfigFile(file = configPath()): Partial<Connection> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new CapstanError('CLI_CONFIG_INVALID', `${file}: ${(e as Error).message}`, { file });
  }
  const doc = parseYamlDocument(text, file);
  if (doc === null) return {};
  const str = (key: string): string | undefined => {
    const v = isJsonObject(doc) ? doc[key] : undefined;
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string')
      throw new CapstanError('CLI_CONFIG_INVALID', `${file}: ${key} must be a string`, { file });
    return v;
  };
  if (!isJsonObject(doc))
    throw new CapstanError('CLI_CONFIG_INVALID', `${file}: must be a mapping of server and token`, { file });
  return { server: str('server'), token: str('token') };
}

/** Writes the login file readable by its owner only (it holds a token). */
export function writeConfigFile(connection: Connection, file = configPath()): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const body = emitYaml({
    server: connection.server,
    ...(connection.token ? { token: connection.token } : {}),
  });
  // write then rename, so that a reader never sees half a file; mode set before the token is in it
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, body, { mode: 0o600 });
  fs.chmodSync(temp, 0o600);
  fs.renameSync(temp, file);
}

/** Flags first, then the environment, then the login file. */
export function resolveConnection(
  flags: Partial<Connection>,
  env: NodeJS.ProcessEnv = process.env,
): Connection {
  const needFile = !(flags.server ?? env.CAPSTAN_SERVER) || !(flags.token ?? env.CAPSTAN_TOKEN);
  const file = needFile ? readConfigFile(configPath(env)) : {};
  const server = flags.server || env.CAPSTAN_SERVER || file.server || DEFAULT_SERVER;
  if (!/^https?:\/\/[^/]/.test(server))
    throw new CapstanError('CLI_USAGE', `--server must be an http(s) URL, got '${server}'`);
  return { server, token: flags.token || env.CAPSTAN_TOKEN || file.token || undefined };
}
