/**
 * `capstan cluster list|add`: destination clusters. For `add`, `--server` and `--token`
 * describe the cluster being added, so the daemon is found from `$CAPSTAN_SERVER`/
 * `$CAPSTAN_TOKEN` or the login file (or `--capstan-server`/`--capstan-token`).
 */
import fs from 'node:fs';
import type { ClusterRegistration } from '../server/client.js';
import { API_OPTIONS, client, parseCommand, usage } from './command-args.js';
import { outputFormat, serialized, table } from './output.js';

function readFile(file: string, flag: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw usage(`cluster add: ${flag} ${file}: ${(e as Error).message}`);
  }
}

async function add(args: string[], out: NodeJS.WritableStream): Promise<number> {
  const { values, positionals } = parseCommand(
    'cluster add',
    args,
    {
      server: { type: 'string' },
      token: { type: 'string' },
      'ca-file': { type: 'string' },
      insecure: { type: 'boolean', default: false },
      kubeconfig: { type: 'string' },
      context: { type: 'string' },
      'capstan-server': { type: 'string' },
      'capstan-token': { type: 'string' },
    },
    ['NAME'],
  );
  const name = positionals[0];
  let registration: ClusterRegistration;
  if (values.kubeconfig !== undefined) {
    if (values.server !== undefined || values.token !== undefined)
      throw usage('cluster add: give either --kubeconfig FILE or --server URL --token T, not both');
    registration = { name, kubeconfig: readFile(values.kubeconfig, '--kubeconfig'), context: values.context };
  } else {
    if (values.server === undefined || values.token === undefined)
      throw usage(
        'cluster add: give --server URL --token T [--ca-file F], or --kubeconfig FILE [--context C]',
      );
    registration = {
      name,
      server: values.server,
      token: values.token,
      ...(values['ca-file'] ? { caData: readFile(values['ca-file'], '--ca-file') } : {}),
      ...(values.insecure ? { insecure: true } : {}),
    };
  }
  const api = client({ server: values['capstan-server'], token: values['capstan-token'] });
  const info = await api.addCluster(registration);
  out.write(`cluster/${info.name} added (${info.server})\n`);
  return 0;
}

export async function runCluster(args: string[], out: NodeJS.WritableStream): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'add') return add(rest, out);
  if (sub === 'list') {
    const { values } = parseCommand('cluster list', rest, API_OPTIONS);
    const format = outputFormat(values.output, 'cluster list');
    const clusters = await client(values).listClusters();
    if (format === 'json' || format === 'yaml') out.write(serialized({ items: clusters }, format));
    else
      out.write(
        table(
          ['NAME', 'SERVER', 'ORIGIN', 'STATUS'],
          clusters.map((c) => [c.name, c.server, c.origin, c.error ? `Error: ${c.error}` : 'OK']),
        ),
      );
    return 0;
  }
  throw usage(
    `cluster: ${sub === undefined ? 'give a subcommand' : `unknown subcommand '${sub}'`}: list, add`,
  );
}
