/** `capstan project list|get NAME`: the AppProjects that bound applications. */
import type { AppProject } from '../core/application.js';
import { API_OPTIONS, client, parseCommand, usage } from './command-args.js';
import { age, outputFormat, serialized, table } from './output.js';

const globs = (list: string[]) => (list.length ? list.join(',') : '<none>');

function destinations(p: AppProject): string[] {
  return (p.spec.destinations ?? []).map((d) => `${d.cluster ?? '*'}/${d.namespace ?? '*'}`);
}

function projectTable(projects: AppProject[], wide: boolean): string {
  const header = ['NAME', 'SOURCES', 'DESTINATIONS', 'AGE'];
  if (wide) header.push('CLUSTER KINDS', 'DESCRIPTION');
  const rows = projects.map((p) => {
    const row = [
      p.metadata.name,
      globs(p.spec.sourceRepos ?? []),
      globs(destinations(p)),
      age(p.metadata.creationTimestamp as string | undefined),
    ];
    if (wide) {
      const kinds = (p.spec.clusterResourceWhitelist ?? []).map((k) => `${k.group || 'core'}/${k.kind}`);
      row.push(globs(kinds), p.spec.description ?? '');
    }
    return row;
  });
  return table(header, rows);
}

export async function runProject(args: string[], out: NodeJS.WritableStream): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'list') {
    const { values } = parseCommand('project list', rest, API_OPTIONS);
    const format = outputFormat(values.output, 'project list');
    const projects = await client(values).listProjects();
    if (format === 'json' || format === 'yaml') out.write(serialized({ items: projects }, format));
    else out.write(projectTable(projects, format === 'wide'));
    return 0;
  }
  if (sub === 'get') {
    const { values, positionals } = parseCommand('project get', rest, API_OPTIONS, ['NAME']);
    const format = outputFormat(values.output, 'project get');
    const project = await client(values).getProject(positionals[0]);
    if (format === 'json' || format === 'yaml') out.write(serialized(project, format));
    else out.write(projectTable([project], true));
    return 0;
  }
  throw usage(
    `project: ${sub === undefined ? 'give a subcommand' : `unknown subcommand '${sub}'`}: list, get`,
  );
}
