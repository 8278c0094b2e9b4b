/**
 * The daemon's configuration file (`capstan serve --config FILE`, or `$CAPSTAN_CONFIG`):
 *
 *   apiVersion: capstan.dev/v1alpha1
 *   kind: CapstanConfig
 *   dataDir: ./state                   # relative to the file's directory
 *   controlPlane:
 *     host: 127.0.0.1
 *     port: 6443
 *     ingressPort: 8080
 *     runtime: process                 # of nodes that do not name one
 *     nodes:                           # replaces the default node, as kind's `nodes:` does
 *       - name: web-1
 *         capacity: { cpu: "2", memory: 4Gi, pods: 20 }
 *         labels: { tier: web }
 *       - name: sim-1
 *         runtime: simulated
 *         readyAfter: 500ms
 *         taints: [{ key: dedicated, value: batch, effect: NoSchedule }]
 *     imageCommands:
 *       - pattern: "example/web:*"
 *         command: [node, /srv/web.mjs]
 *
 * Validated in full before anything starts: every error names the file, the field path and
 * what is wrong, and unknown fields are refused (a typo never silently does nothing).
 *
 * Hand-written rather than a schema library: none is a dependency, and the messages must
 * read like Capstan's other errors (file, field path, the fix).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CapstanError } from './errors.js';
import type { JsonValue } from './object.js';
import { durationMs, Fields, keyPath, show } from './config-fields.js';
import { DAEMON_CONFIG_FIELDS, readDaemonConfig, type DaemonConfig } from './config-daemon.js';
import { parseYamlDocument } from './yaml.js';

export const CONFIG_API_VERSION = 'capstan.dev/v1alpha1';
export const CONFIG_KIND = 'CapstanConfig';

/** How a node runs its pods: as local processes, or simulated (no processes, like KWOK). */
export type NodeRuntime = 'process' | 'simulated';

export interface NodeTaint {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

/** One node of the embedded control plane. */
export interface NodeConfig {
  name: string;
  /** unset: the control plane's default runtime (`controlPlane.runtime`, `--runtime`) */
  runtime?: NodeRuntime;
  /** unset figures are this machine's (CPUs, memory); pods default to 110 as a kubelet's */
  capacity: { cpu?: number; memoryBytes?: number; pods?: number };
  labels: Record<string, string>;
  taints: NodeTaint[];
  /** simulated nodes: containers turn Ready this long after they start */
  readyAfterMs?: number;
}

/** A command standing in for the entrypoint of images matching `pattern`. */
export interface ImageCommandConfig {
  /** a glob (`*`, `?`) on the whole image reference, or a regular expression written `/…/` */
  pattern: string;
  command: string[];
}

export interface ControlPlaneConfig {
  host?: string;
  port?: number;
  ingressPort?: number;
  runtime?: NodeRuntime;
  /** when set, exactly these nodes (the default node for this machine is not added) */
  nodes?: NodeConfig[];
  imageCommands: ImageCommandConfig[];
}

export interface CapstanConfig {
  /** the file it was read from */
  file: string;
  /** absolute */
  dataDir?: string;
  controlPlane: ControlPlaneConfig;
  /** the daemon: server, queue, webhooks, applications */
  daemon: DaemonConfig;
}

const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const;
const RUNTIMES = ['process', 'simulated'] as const;
/** Labels the node agent sets itself; a configured value would be overwritten. */
const AGENT_LABELS = [
  'kubernetes.io/hostname',
  'kubernetes.io/os',
  'kubernetes.io/arch',
  'capstan.dev/runtime',
];
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** Kubernetes IsQualifiedName (label and taint keys): `[prefix/]name`. */
function qualifiedNameProblem(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return 'a qualified name has at most one "/"';
  const name = parts.length === 2 ? parts[1] : key;
  if (parts.length === 2 && (parts[0].length > 253 || !SUBDOMAIN.test(parts[0]))) {
    return 'the prefix before "/" must be a lowercase DNS subdomain (e.g. example.com)';
  }
  if (name.length > 63 || !NAME_PART.test(name)) {
    return "the name must be 1-63 characters of letters, digits, '-', '_' or '.', starting and ending with a letter or digit";
  }
  return undefined;
}

function labelValueProblem(value: string): string | undefined {
  if (value === '' || (value.length <= 63 && NAME_PART.test(value))) return undefined;
  return "a label value must be empty or 1-63 characters of letters, digits, '-', '_' or '.', starting and ending with a letter or digit";
}

function readLabels(f: Fields, v: JsonValue | undefined, at: string): Record<string, string> {
  if (v === null || v === undefined) return {};
  if (typeof v !== 'object' || Array.isArray(v))
    f.fail(at, `must be a mapping of label keys to values, got ${show(v)}`);
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(v)) {
    const here = keyPath(at, key);
    const problem = qualifiedNameProblem(key);
    if (problem) f.fail(here, `invalid label key: ${problem}`);
    if (AGENT_LABELS.includes(key)) f.fail(here, 'is set by the node agent and cannot be configured');
    if (typeof value !== 'string') {
      f.fail(here, `label values are strings: quote it (${key}: "${String(value)}"), got ${show(value)}`);
    }
    const bad = labelValueProblem(value);
    if (bad) f.fail(here, `invalid value ${JSON.stringify(value)}: ${bad}`);
    out[key] = value;
  }
  return out;
}

function readTaints(f: Fields, v: JsonValue | undefined, at: string): NodeTaint[] {
  const out: NodeTaint[] = [];
  f.list(v, at).forEach((item, i) => {
    const here = `${at}[${i}]`;
    const t = f.object(item, here, ['key', 'value', 'effect']);
    const key = f.required(t.key, `${here}.key`);
    const problem = qualifiedNameProblem(key);
    if (problem) f.fail(`${here}.key`, `invalid taint key ${JSON.stringify(key)}: ${problem}`);
    const value = t.value === null || t.value === undefined ? undefined : t.value;
    if (value !== undefined && typeof value !== 'string') {
      f.fail(`${here}.value`, `must be a string, got ${show(value)}`);
    }
    const bad = value === undefined ? undefined : labelValueProblem(value);
    if (bad) f.fail(`${here}.value`, `invalid value ${JSON.stringify(value)}: ${bad}`);
    const effect = f.oneOf(t.effect, `${here}.effect`, TAINT_EFFECTS);
    if (!effect) f.fail(`${here}.effect`, `is required (one of ${TAINT_EFFECTS.join(', ')})`);
    if (out.some((o) => o.key === key && o.effect === effect)) {
      f.fail(here, `duplicate taint ${key}:${effect} (a key may appear once per effect)`);
    }
    out.push({ key, ...(value !== undefined ? { value } : {}), effect });
  });
  return out;
}

function readNode(f: Fields, v: JsonValue, at: string): NodeConfig {
  const n = f.object(v, at, ['name', 'runtime', 'capacity', 'labels', 'taints', 'readyAfter']);
  const name = f.required(n.name, `${at}.name`);
  if (name.length > 253 || !SUBDOMAIN.test(name)) {
    f.fail(
      `${at}.name`,
      `invalid node name ${JSON.stringify(name)}: must be a lowercase DNS subdomain (letters, digits, '-' and '.', e.g. worker-1)`,
    );
  }
  const runtime = f.oneOf(n.runtime, `${at}.runtime`, RUNTIMES);
  const c = f.object(n.capacity, `${at}.capacity`, ['cpu', 'memory', 'pods']);
  const cpu = f.quantity(c.cpu, `${at}.capacity.cpu`, '2 or 500m');
  const memoryBytes = f.quantity(c.memory, `${at}.capacity.memory`, '4Gi or 512Mi');
  const pods = f.quantity(c.pods, `${at}.capacity.pods`, '110');
  if (pods !== undefined && !Number.isInteger(pods)) {
    f.fail(`${at}.capacity.pods`, `must be a whole number, got ${show(c.pods)}`);
  }
  const readyAfterMs = durationMs(f, n.readyAfter, `${at}.readyAfter`);
  if (readyAfterMs !== undefined && runtime === 'process') {
    f.fail(`${at}.readyAfter`, 'applies to simulated nodes only; this node has runtime: process');
  }
  return {
    name,
    ...(runtime ? { runtime } : {}),
    capacity: {
      ...(cpu !== undefined ? { cpu } : {}),
      ...(memoryBytes !== undefined ? { memoryBytes: Math.floor(memoryBytes) } : {}),
      ...(pods !== undefined ? { pods } : {}),
    },
    labels: readLabels(f, n.labels, `${at}.labels`),
    taints: readTaints(f, n.taints, `${at}.taints`),
    ...(readyAfterMs !== undefined ? { readyAfterMs } : {}),
  };
}

function readImageCommand(f: Fields, v: JsonValue, at: string): ImageCommandConfig {
  const m = f.object(v, at, ['pattern', 'command']);
  const pattern = f.required(m.pattern, `${at}.pattern`);
  if (pattern.length > 2 && pattern.startsWith('/') && pattern.endsWith('/')) {
    try {
      new RegExp(pattern.slice(1, -1));
    } catch (e) {
      f.fail(`${at}.pattern`, `invalid regular expression ${pattern}: ${(e as Error).message}`);
    }
  }
  const example = 'write it as a list, e.g. [node, /srv/web.mjs]';
  if (!Array.isArray(m.command) || m.command.length === 0) {
    f.fail(
      `${at}.command`,
      `${m.command === undefined ? 'is required' : `must be a list, got ${show(m.command)}`}: ${example}`,
    );
  }
  m.command.forEach((a, i) => {
    if (typeof a !== 'string') f.fail(`${at}.command[${i}]`, `must be a string, got ${show(a)}: quote it`);
  });
  if (m.command[0] === '') f.fail(`${at}.command[0]`, 'the program to run must not be empty');
  // `./x` and `../x` are relative to the configuration file, so a repository can ship its own
  const dir = path.dirname(path.resolve(f.file));
  const command = (m.command as string[]).map((a) => (/^\.\.?\//.test(a) ? path.resolve(dir, a) : a));
  return { pattern, command };
}

function readControlPlane(f: Fields, v: JsonValue | undefined): ControlPlaneConfig {
  const at = 'controlPlane';
  const cp = f.object(v, at, ['host', 'port', 'ingressPort', 'runtime', 'nodes', 'imageCommands']);
  const out: ControlPlaneConfig = { imageCommands: [] };
  const host = f.string(cp.host, `${at}.host`);
  if (host !== undefined) out.host = host;
  const port = f.port(cp.port, `${at}.port`);
  if (port !== undefined) out.port = port;
  const ingressPort = f.port(cp.ingressPort, `${at}.ingressPort`);
  if (ingressPort !== undefined) out.ingressPort = ingressPort;
  const runtime = f.oneOf(cp.runtime, `${at}.runtime`, RUNTIMES);
  if (runtime) out.runtime = runtime;
  if (cp.nodes !== null && cp.nodes !== undefined) {
    const nodes = f.list(cp.nodes, `${at}.nodes`).map((n, i) => readNode(f, n, `${at}.nodes[${i}]`));
    if (nodes.length === 0) {
      f.fail(`${at}.nodes`, 'lists no node: list at least one, or remove the field to run the default node');
    }
    nodes.forEach((n, i) => {
      const first = nodes.findIndex((o) => o.name === n.name);
      if (first !== i)
        f.fail(
          `${at}.nodes[${i}].name`,
          `duplicate node name ${JSON.stringify(n.name)} (also at nodes[${first}])`,
        );
    });
    out.nodes = nodes;
  }
  out.imageCommands = f
    .list(cp.imageCommands, `${at}.imageCommands`)
    .map((m, i) => readImageCommand(f, m, `${at}.imageCommands[${i}]`));
  return out;
}

/** `~/x` is under the home directory; a relative path is relative to the config file's directory. */
function resolvePath(p: string, file: string): string {
  if (p === '~' || p.startsWith('~/')) return path.join(os.homedir(), p.slice(1));
  return path.resolve(path.dirname(path.resolve(file)), p);
}

/** Parses and validates configuration text; `file` is named in every error. */
export function parseConfig(text: string, file: string): CapstanConfig {
  const f = new Fields(file);
  const doc = parseYamlDocument(text, file);
  if (doc === null) {
    f.fail(
      '',
      `the file is empty; a configuration starts with apiVersion: ${CONFIG_API_VERSION} and kind: ${CONFIG_KIND}`,
    );
  }
  const top = f.object(doc, '', ['apiVersion', 'kind', 'dataDir', 'controlPlane', ...DAEMON_CONFIG_FIELDS]);
  if (top.apiVersion !== CONFIG_API_VERSION) {
    f.fail(
      'apiVersion',
      top.apiVersion === undefined
        ? `is required: ${CONFIG_API_VERSION}`
        : `must be ${CONFIG_API_VERSION}, got ${show(top.apiVersion)}`,
    );
  }
  if (top.kind !== CONFIG_KIND) {
    f.fail(
      'kind',
      top.kind === undefined
        ? `is required: ${CONFIG_KIND}`
        : `must be ${CONFIG_KIND}, got ${show(top.kind)}`,
    );
  }
  const dataDir = f.string(top.dataDir, 'dataDir');
  return {
    file,
    ...(dataDir !== undefined ? { dataDir: resolvePath(dataDir, file) } : {}),
    controlPlane: readControlPlane(f, top.controlPlane),
    daemon: readDaemonConfig(f, top),
  };
}

/** Reads and validates a configuration file (CONFIG_NOT_FOUND when it cannot be read). */
export function loadConfigFile(file: string): CapstanConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message;
    throw new CapstanError('CONFIG_NOT_FOUND', `${file}: cannot read the configuration file: ${why}`, {
      file,
    });
  }
  return parseConfig(text, file);
}
