/**
 * `capstan repo add|list|remove`: Git credentials the daemon keeps as labelled Secrets in
 * its control plane. Secrets are read from standard input only (`--password-stdin`,
 * `--token-stdin`, `--bearer-token-stdin`): a flag's value would stay in the shell's
 * history and show in `ps`. Nothing here prints a password or token.
 */
import type { RepositoryInfo, RepositoryRegistration } from '../server/client.js';
import { API_OPTIONS, client, parseCommand, usage } from './command-args.js';
import { outputFormat, serialized, table } from './output.js';

export interface RepoStreams {
  out: NodeJS.WritableStream;
  /** where `--*-stdin` read from */
  stdin: NodeJS.ReadableStream;
}

const SECRET_FLAGS = {
  'password-stdin': 'password',
  'token-stdin': 'token',
  'bearer-token-stdin': 'bearerToken',
} as const;

/** All of standard input, less the one newline `echo` or a file ends it with. */
async function readSecret(stdin: NodeJS.ReadableStream, flag: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  const value = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
  if (!value) throw usage(`repo add: --${flag} read nothing from standard input`);
  return value;
}

async function add(args: string[], { out, stdin }: RepoStreams): Promise<number> {
  const { values, positionals } = parseCommand(
    'repo add',
    args,
    {
      ...API_OPTIONS,
      username: { type: 'string' },
      'password-stdin': { type: 'boolean', default: false },
      'token-stdin': { type: 'boolean', default: false },
      'bearer-token-stdin': { type: 'boolean', default: false },
      template: { type: 'boolean', default: false },
    },
    ['URL'],
  );
  const given = (Object.keys(SECRET_FLAGS) as (keyof typeof SECRET_FLAGS)[]).filter((f) => values[f]);
  if (given.length !== 1)
    throw usage(
      'repo add: give one of --password-stdin (with --username), --token-stdin or --bearer-token-stdin',
    );
  const flag = given[0];
  if (flag === 'password-stdin' && !values.username)
    throw usage('repo add: --password-stdin needs --username');
  if (flag === 'bearer-token-stdin' && values.username)
    throw usage('repo add: a bearer token has no --username');
  const registration: RepositoryRegistration = {
    url: positionals[0],
    ...(values.template ? { template: true } : {}),
    ...(values.username ? { username: values.username } : {}),
    [SECRET_FLAGS[flag]]: await readSecret(stdin, flag),
  };
  const info = await client(values).addRepository(registration);
  out.write(`${info.type} ${info.url} added (Secret ${info.secret})\n`);
  return 0;
}

function repositoryTable(repositories: RepositoryInfo[], wide: boolean): string {
  const header = ['URL', 'TYPE', 'USERNAME', 'AUTH', 'STATUS'];
  if (wide) header.push('SECRET');
  const rows = repositories.map((r) => {
    const row = [r.url, r.type, r.username ?? '', r.auth ?? '', r.error ? `Error: ${r.error}` : 'OK'];
    if (wide) row.push(r.secret);
    return row;
  });
  return table(header, rows);
}

export async function runRepo(args: string[], streams: RepoStreams): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'add') return add(rest, streams);
  if (sub === 'list') {
    const { values } = parseCommand('repo list', rest, API_OPTIONS);
    const format = outputFormat(values.output, 'repo list');
    const repositories = await client(values).listRepositories();
    if (format === 'json' || format === 'yaml')
      streams.out.write(serialized({ items: repositories }, format));
    else streams.out.write(repositoryTable(repositories, format === 'wide'));
    return 0;
  }
  if (sub === 'remove' || sub === 'rm') {
    const { values, positionals } = parseCommand('repo remove', rest, API_OPTIONS, ['URL']);
    const removed = await client(values).removeRepository(positionals[0]);
    for (const r of removed) streams.out.write(`${r.type} ${r.url} removed (Secret ${r.secret})\n`);
    return 0;
  }
  throw usage(
    `repo: ${sub === undefined ? 'give a subcommand' : `unknown subcommand '${sub}'`}: add, list, remove`,
  );
}
