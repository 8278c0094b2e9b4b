/**
 * `capstan app …`: applications over the daemon's API. Exit codes: 0 done, 1 failed /
 * Degraded / a difference (`diff`), 2 usage, 3 daemon unreachable, 4 unauthorized (the
 * last two from the client's errors, in main.ts).
 */
import fs from 'node:fs';
import { previousHealthyRevision, type Application } from '../core/application.js';
import { CapstanError } from '../core/errors.js';
import { parseYamlDocuments } from '../core/yaml.js';
import { applicationDetails, applicationTable, historyTable } from './app-view.js';
import { pollUntilDone, syncVerdict, waitVerdict } from './app-wait.js';
import { API_OPTIONS, booleanFlag, client, durationFlag, parseCommand, usage } from './command-args.js';
import { outputFormat, serialized, short } from './output.js';

interface Streams {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
}

const DEFAULT_WAIT_MS = 5 * 60_000;

type Subcommand = (args: string[], io: Streams) => Promise<number>;

const subcommands: Record<string, Subcommand> = {
  async list(args, { out }) {
    const { values } = parseCommand('app list', args, API_OPTIONS);
    const format = outputFormat(values.output, 'app list');
    const apps = await client(values).listApplications();
    if (format === 'json' || format === 'yaml') out.write(serialized({ items: apps }, format));
    else if (apps.length === 0) out.write('No applications.\n');
    else out.write(applicationTable(apps, format === 'wide'));
    return 0;
  },

  async get(args, { out }) {
    const { values, positionals } = parseCommand('app get', args, API_OPTIONS, ['NAME']);
    const format = outputFormat(values.output, 'app get');
    const app = await client(values).getApplication(positionals[0]);
    out.write(format === 'json' || format === 'yaml' ? serialized(app, format) : applicationDetails(app));
    return 0;
  },

  async create(args, { out }) {
    const { values } = parseCommand('app create', args, {
      ...API_OPTIONS,
      filename: { type: 'string', short: 'f' },
    });
    if (!values.filename) throw usage('app create: give the Application manifest with -f FILE (- for stdin)');
    const api = client(values);
    for (const app of readApplications(values.filename)) {
      const created = await api.createApplication(app);
      out.write(`application/${created.metadata.name} created\n`);
    }
    return 0;
  },

  async delete(args, { out }) {
    const { values, positionals } = parseCommand(
      'app delete',
      args,
      { ...API_OPTIONS, cascade: { type: 'string' } },
      ['NAME'],
    );
    const cascade = booleanFlag(values.cascade, '--cascade') ?? true;
    await client(values).deleteApplication(positionals[0], { cascade });
    out.write(`application/${positionals[0]} deleted${cascade ? '' : ' (its objects are left in place)'}\n`);
    return 0;
  },

  async set(args, { out }) {
    const { values, positionals } = parseCommand('app set', args, SET_OPTIONS, ['NAME']);
    const api = client(values);
    const app = await api.getApplication(positionals[0]);
    const changed = withSettings(app, values);
    if (!changed)
      throw usage(
        `app set: give at least one of ${Object.keys(SET_FLAGS)
          .map((f) => `--${f}`)
          .join(', ')}`,
      );
    await api.applyApplication(changed);
    out.write(`application/${positionals[0]} configured\n`);
    return 0;
  },

  async sync(args, io) {
    const { values, positionals } = parseCommand(
      'app sync',
      args,
      {
        ...API_OPTIONS,
        revision: { type: 'string' },
        wait: { type: 'boolean', default: false },
        timeout: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        prune: { type: 'boolean', default: false },
      },
      ['NAME'],
    );
    const name = positionals[0];
    const timeoutMs = durationFlag(values.timeout, '--timeout', DEFAULT_WAIT_MS);
    const api = client(values);
    if (values['dry-run']) {
      const preview = await api.diff(name);
      const changes = preview.objects.filter((o) => o.action !== 'unchanged');
      io.out.write(
        `dry run of ${name} at ${short(preview.revision)}: ${changes.length ? '' : 'nothing to change'}\n`,
      );
      for (const o of changes) io.out.write(`  would ${o.action} ${o.object}\n`);
      return 0;
    }
    const before = (await api.getApplication(name)).status?.operationState?.startedAt;
    const queued = await api.sync(name, { revision: values.revision, prune: values.prune || undefined });
    io.out.write(
      `sync of ${name} queued (${values.revision ? `revision ${values.revision}` : 'newest commit'})\n`,
    );
    if (!values.wait) return 0;
    return pollUntilDone(api, name, (app) => syncVerdict(app, before), { timeoutMs, ...io, first: queued });
  },

  async diff(args, { out }) {
    const { values, positionals } = parseCommand(
      'app diff',
      args,
      { ...API_OPTIONS, color: { type: 'string' } },
      ['NAME'],
    );
    const format = outputFormat(values.output, 'app diff');
    const color = colorFlag(values.color, out);
    const preview = await client(values).diff(positionals[0], { color });
    const changed = preview.objects.filter((o) => o.action !== 'unchanged');
    if (format === 'json' || format === 'yaml') out.write(serialized(preview, format));
    else for (const o of changed) out.write(o.diff.endsWith('\n') ? o.diff : `${o.diff}\n`);
    // as `kubectl diff`: 1 when there is a difference, so scripts can gate on it
    return changed.length ? 1 : 0;
  },

  async rollback(args, { out }) {
    const { values, positionals } = parseCommand('app rollback', args, API_OPTIONS, ['NAME', 'REVISION?']);
    const [name, revision] = positionals;
    const api = client(values);
    // the revision the server would choose, named here: its answer is the application as it was
    const target =
      revision ??
      previousHealthyRevision(
        await api.history(name),
        (await api.getApplication(name)).status?.sync?.revision,
      );
    await api.rollback(name, target);
    out.write(`rollback of ${name} queued${target ? ` (to ${short(target)})` : ''}\n`);
    return 0;
  },

  async history(args, { out }) {
    const { values, positionals } = parseCommand('app history', args, API_OPTIONS, ['NAME']);
    const format = outputFormat(values.output, 'app history');
    const entries = await client(values).history(positionals[0]);
    if (format === 'json' || format === 'yaml') out.write(serialized({ items: entries }, format));
    else out.write(entries.length ? historyTable(entries) : 'No history yet.\n');
    return 0;
  },

  async wait(args, io) {
    const { values, positionals } = parseCommand(
      'app wait',
      args,
      {
        ...API_OPTIONS,
        health: { type: 'boolean', default: false },
        sync: { type: 'boolean', default: false },
        timeout: { type: 'string' },
      },
      ['NAME'],
    );
    const timeoutMs = durationFlag(values.timeout, '--timeout', DEFAULT_WAIT_MS);
    // neither flag: both, as `argocd app wait`
    const want =
      values.health || values.sync
        ? { health: values.health, sync: values.sync }
        : { health: true, sync: true };
    return pollUntilDone(client(values), positionals[0], (app) => waitVerdict(app, want), {
      timeoutMs,
      ...io,
    });
  },

  async logs(args, { out }) {
    const { values, positionals } = parseCommand(
      'app logs',
      args,
      { ...API_OPTIONS, tail: { type: 'string' } },
      ['NAME'],
    );
    const tail = values.tail === undefined ? undefined : Number(values.tail);
    if (tail !== undefined && !(Number.isSafeInteger(tail) && tail > 0))
      throw usage(`app logs: --tail must be a positive whole number, got '${values.tail}'`);
    const format = outputFormat(values.output, 'app logs');
    const logs = await client(values).logs(positionals[0], { tail });
    if (format === 'json' || format === 'yaml') out.write(serialized({ items: logs }, format));
    else for (const l of logs) for (const line of l.lines) out.write(`[${l.pod}/${l.container}] ${line}\n`);
    return 0;
  },
};

/** `app set` flags and the spec field each writes. */
const SET_FLAGS = {
  repo: { type: 'string' },
  revision: { type: 'string' },
  path: { type: 'string' },
  project: { type: 'string' },
  'dest-cluster': { type: 'string' },
  'dest-namespace': { type: 'string' },
  'auto-sync': { type: 'string' },
  prune: { type: 'string' },
  'self-heal': { type: 'string' },
  'auto-rollback': { type: 'string' },
  'health-timeout': { type: 'string' },
} as const;

const SET_OPTIONS = { ...API_OPTIONS, ...SET_FLAGS };

type SetValues = { [K in keyof typeof SET_FLAGS]?: string };

/** The application with the flags' settings, or undefined when no flag was given. */
function withSettings(app: Application, v: SetValues): Application | undefined {
  if (!Object.keys(SET_FLAGS).some((k) => v[k as keyof SetValues] !== undefined)) return undefined;
  const spec = structuredClone(app.spec);
  const source = spec.source;
  if (v.repo !== undefined) source.repoURL = v.repo;
  if (v.revision !== undefined) source.targetRevision = v.revision;
  if (v.path !== undefined) source.path = v.path;
  if (v.project !== undefined) spec.project = v.project;
  if (v['dest-cluster'] !== undefined || v['dest-namespace'] !== undefined) {
    spec.destination = { ...spec.destination };
    if (v['dest-cluster'] !== undefined) spec.destination.cluster = v['dest-cluster'];
    if (v['dest-namespace'] !== undefined) spec.destination.namespace = v['dest-namespace'];
  }
  const policy = { ...spec.syncPolicy };
  const automated = booleanFlag(v['auto-sync'], '--auto-sync');
  const prune = booleanFlag(v.prune, '--prune');
  const selfHeal = booleanFlag(v['self-heal'], '--self-heal');
  const autoRollback = booleanFlag(v['auto-rollback'], '--auto-rollback');
  if (automated !== undefined) policy.automated = automated;
  if (prune !== undefined) policy.prune = prune;
  if (selfHeal !== undefined) policy.selfHeal = selfHeal;
  if (autoRollback !== undefined) policy.autoRollback = autoRollback;
  if (Object.keys(policy).length) spec.syncPolicy = policy;
  if (v['health-timeout'] !== undefined) spec.healthTimeout = v['health-timeout'];
  // only what a client may write: the daemon owns status and the server-side metadata
  const { name, labels, annotations, finalizers } = app.metadata;
  const metadata = { name, labels, annotations, finalizers } as Application['metadata'];
  return { apiVersion: app.apiVersion, kind: app.kind, metadata, spec };
}

function colorFlag(value: string | undefined, out: NodeJS.WritableStream): boolean {
  if (value === undefined || value === 'auto') return (out as NodeJS.WriteStream).isTTY === true;
  if (value === 'always') return true;
  if (value === 'never') return false;
  throw usage(`app diff: --color must be auto, always or never, got '${value}'`);
}

/** The Applications of a manifest file (several documents may each hold one). */
function readApplications(file: string): Application[] {
  let text: string;
  try {
    text = fs.readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (e) {
    throw usage(`app create: cannot read ${file}: ${(e as Error).message}`);
  }
  const docs = parseYamlDocuments(text, file === '-' ? '<stdin>' : file);
  if (docs.length === 0) throw new CapstanError('APP_INVALID', `${file}: holds no Application`);
  return docs as unknown as Application[];
}

export async function runApp(args: string[], io: Streams): Promise<number> {
  const [sub, ...rest] = args;
  const run = sub !== undefined && Object.hasOwn(subcommands, sub) ? subcommands[sub] : undefined;
  if (!run)
    throw usage(
      `app: ${sub === undefined ? 'give a subcommand' : `unknown subcommand '${sub}'`}: ${Object.keys(subcommands).join(', ')}`,
    );
  return run(rest, io);
}
