/**
 * A real Git smart-HTTP server for tests: Node's HTTP server in front of `git http-backend`
 * (git's own CGI program), the way Apache or nginx would run it, with optional basic auth.
 * It can be stopped and started again on the same port, so a test can take "the Git server"
 * down and bring it back. Commits are made and pushed with the native `git` client.
 *
 * CGI environment as documented in git-http-backend(1) and RFC 3875.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';

const HTTP_BACKEND = process.env.GIT_HTTP_BACKEND ?? '/usr/lib/git-core/git-http-backend';

/** Environment for every native git command: no user or system config, fixed identity and dates. */
export function gitEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: os.tmpdir(),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    LANG: 'C',
    ...extra,
  };
}

/** Runs native git synchronously and returns its trimmed stdout; throws with stderr on failure. */
export function git(cwd: string, args: string[], input?: string | Buffer): string {
  const r = spawnSync('git', args, { cwd, env: gitEnv(), input, maxBuffer: 1 << 30 });
  if (r.status !== 0) {
    throw new Error(`git ${args.join(' ')} failed (${r.status}): ${r.stderr?.toString() ?? r.error}`);
  }
  return r.stdout.toString().trim();
}

export interface GitServerOptions {
  /** Directory holding the bare repositories served at `/<name>`. */
  root: string;
  /** When set, every request needs these basic-auth credentials (401 with WWW-Authenticate otherwise). */
  auth?: { username: string; password: string };
  /** When set with `auth`, a request may instead carry `Authorization: Bearer <bearerToken>`. */
  bearerToken?: string;
}

export interface RequestRecord {
  method: string;
  path: string;
  status: number;
  user?: string;
  /** The request's Content-Encoding (native git gzips request bodies over 1 KiB). */
  encoding?: string;
}

/** `git http-backend` behind a small Node HTTP server on 127.0.0.1. */
export class GitServer {
  readonly root: string;
  auth?: { username: string; password: string };
  bearerToken?: string;
  /** Every request answered, in order (cleared by the test when it wants to count). */
  readonly requests: RequestRecord[] = [];
  /** When set, every request is answered with this status (e.g. 403, 500) instead of git's. */
  forceStatus?: number;
  #server?: http.Server;
  #port = 0;
  readonly #sockets = new Set<Socket>();

  constructor(options: GitServerOptions) {
    this.root = options.root;
    this.auth = options.auth;
    this.bearerToken = options.bearerToken;
  }

  get port(): number {
    return this.#port;
  }

  /** The base URL; a repository `name` is at `${url}/${name}`. */
  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  repoUrl(name: string): string {
    return `${this.url}/${name}`;
  }

  get running(): boolean {
    return this.#server !== undefined;
  }

  /** Listens on a free port the first time, and on the same port after a `stop()`. */
  async start(): Promise<void> {
    if (this.#server) return;
    const server = http.createServer((req, res) => this.#handle(req, res));
    server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#port, '127.0.0.1', () => resolve());
    });
    this.#port = (server.address() as AddressInfo).port;
    this.#server = server;
  }

  /** Closes the listener and every open connection (keep-alive ones too): clients see a dead server. */
  async stop(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.#sockets) socket.destroy();
    await closed;
  }

  #handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const record: RequestRecord = {
      method: req.method ?? 'GET',
      path: url.pathname,
      status: 0,
      encoding: req.headers['content-encoding'],
    };
    this.requests.push(record);
    const reply = (status: number, headers: Record<string, string> = {}, body = ''): void => {
      record.status = status;
      res.writeHead(status, { 'Content-Type': 'text/plain', ...headers });
      res.end(body);
      req.resume();
    };
    if (this.forceStatus !== undefined) return reply(this.forceStatus, {}, `forced ${this.forceStatus}\n`);
    if (this.auth) {
      const bearer =
        this.bearerToken !== undefined && req.headers.authorization === `Bearer ${this.bearerToken}`;
      const user = bearer ? 'bearer' : checkBasicAuth(req.headers.authorization, this.auth);
      if (!user) return reply(401, { 'WWW-Authenticate': 'Basic realm="git"' }, 'authentication required\n');
      record.user = user;
    }
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_PROJECT_ROOT: this.root,
      GIT_HTTP_EXPORT_ALL: '1',
      GATEWAY_INTERFACE: 'CGI/1.1',
      SERVER_PROTOCOL: `HTTP/${req.httpVersion}`,
      SERVER_SOFTWARE: 'capstan-test-git-server',
      REQUEST_METHOD: record.method,
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.slice(1),
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
      // http-backend enables receive-pack (push over HTTP) only for an authenticated user.
      REMOTE_USER: record.user ?? '',
    };
    // Without CONTENT_LENGTH http-backend reads the body to EOF, which is what a chunked request needs.
    if (req.headers['content-length']) env.CONTENT_LENGTH = req.headers['content-length'];
    // git sends large POST bodies gzipped; http-backend inflates them itself when told.
    if (req.headers['content-encoding']) env.HTTP_CONTENT_ENCODING = req.headers['content-encoding'];
    if (req.headers['git-protocol']) env.GIT_PROTOCOL = String(req.headers['git-protocol']);
    runCgi(env, req, res, record);
  }
}

function checkBasicAuth(
  header: string | undefined,
  expected: { username: string; password: string },
): string | undefined {
  const m = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!m) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const [user, pass] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
  return colon >= 0 && user === expected.username && pass === expected.password ? user : undefined;
}

/** Runs http-backend: the request body goes to stdin; stdout is CGI headers, a blank line, then the body. */
function runCgi(
  env: NodeJS.ProcessEnv,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  record: RequestRecord,
): void {
  const child = spawn(HTTP_BACKEND, [], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.on('error', () => {}); // the backend may exit before reading the whole body
  req.pipe(child.stdin);
  req.on('aborted', () => child.kill());
  res.on('close', () => {
    if (child.exitCode === null) child.kill();
  });

  let head = Buffer.alloc(0);
  let headersDone = false;
  child.stdout.on('data', (chunk: Buffer) => {
    if (headersDone) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    let end = head.indexOf('\r\n\r\n');
    let sep = 4;
    if (end < 0) {
      end = head.indexOf('\n\n');
      sep = 2;
    }
    if (end < 0) return;
    headersDone = true;
    let status = 200;
    const headers: Record<string, string> = {};
    for (const line of head.subarray(0, end).toString('latin1').split(/\r?\n/)) {
      const colon = line.indexOf(':');
      if (colon < 0) continue;
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
      else headers[name] = value;
    }
    record.status = status;
    res.writeHead(status, headers);
    res.write(head.subarray(end + sep));
  });
  child.stdout.on('end', () => {
    if (!headersDone) {
      record.status = 502;
      res.writeHead(502, { 'Content-Type': 'text/plain' });
      res.end(`git http-backend gave no response: ${stderr}`);
      return;
    }
    res.end();
  });
  child.on('error', (e) => {
    if (!res.headersSent) res.writeHead(500).end(String(e));
  });
}

/** Creates an empty bare repository `name` under `root`, whose default branch is `branch`. */
export function createBareRepo(root: string, name: string, branch = 'main'): string {
  const dir = path.join(root, name);
  mkdirSync(dir, { recursive: true });
  git(dir, ['init', '--quiet', '--bare', `--initial-branch=${branch}`]);
  git(dir, ['config', 'http.receivepack', 'true']);
  return dir;
}

/**
 * A working clone of a bare repository for making commits with the native git client. It pushes
 * to the bare repository's path, so it works while the HTTP server is down.
 */
export class WorkTree {
  readonly dir: string;
  readonly bare: string;
  branch: string;

  constructor(bare: string, branch = 'main') {
    this.bare = bare;
    this.branch = branch;
    this.dir = mkdtempSync(path.join(os.tmpdir(), 'capstan-worktree-'));
    git(this.dir, ['init', '--quiet', `--initial-branch=${branch}`]);
    git(this.dir, ['remote', 'add', 'origin', bare]);
  }

  /** Writes (string) or deletes (null) files, commits them all, and returns the new commit's SHA. */
  commit(files: Record<string, string | null>, message = 'change'): string {
    for (const [file, content] of Object.entries(files)) {
      const target = path.join(this.dir, file);
      if (content === null) {
        rmSync(target, { force: true });
      } else {
        mkdirSync(path.dirname(target), { recursive: true });
        writeFileSync(target, content);
      }
    }
    git(this.dir, ['add', '--all']);
    git(this.dir, [
      '-c',
      'user.name=Capstan Test',
      '-c',
      'user.email=test@capstan.invalid',
      'commit',
      '--quiet',
      '--allow-empty',
      '-m',
      message,
    ]);
    return this.head();
  }

  head(): string {
    return git(this.dir, ['rev-parse', 'HEAD']);
  }

  /** Creates a tag at HEAD: annotated when a message is given, lightweight otherwise. */
  tag(name: string, message?: string): void {
    const args = message
      ? [
          '-c',
          'user.name=Capstan Test',
          '-c',
          'user.email=test@capstan.invalid',
          'tag',
          '-a',
          name,
          '-m',
          message,
        ]
      : ['tag', name];
    git(this.dir, args);
  }

  /** Switches to (creating if needed) a branch. */
  checkout(branch: string): void {
    git(this.dir, ['checkout', '--quiet', '-B', branch]);
    this.branch = branch;
  }

  /** Pushes the current branch and all tags with the native git client. */
  push(force = false): void {
    git(this.dir, [
      'push',
      '--quiet',
      ...(force ? ['--force'] : []),
      'origin',
      `HEAD:refs/heads/${this.branch}`,
    ]);
    git(this.dir, ['push', '--quiet', '--tags', ...(force ? ['--force'] : []), 'origin']);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
