/**
 * `capstan login --server URL --token T`: checks the token against the daemon, then keeps
 * both in the login file (mode 0600) for the API commands.
 */
import { CapstanClient } from '../server/client.js';
import { configPath, writeConfigFile } from './cli-config.js';
import { parseCommand, usage } from './command-args.js';

export async function runLogin(args: string[], out: NodeJS.WritableStream): Promise<number> {
  const { values } = parseCommand('login', args, { server: { type: 'string' }, token: { type: 'string' } });
  if (!values.server || !values.token) throw usage('login: give --server URL and --token T');
  if (!/^https?:\/\/[^/]/.test(values.server))
    throw usage(`login: --server must be an http(s) URL, got '${values.server}'`);
  // a wrong token or address fails here (exit 4 or 3), not at the next command
  await new CapstanClient({ server: values.server, token: values.token }).listApplications();
  const file = configPath();
  writeConfigFile({ server: values.server, token: values.token }, file);
  out.write(`logged in to ${new URL(values.server).origin}; saved in ${file}\n`);
  return 0;
}
