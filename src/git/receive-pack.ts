// Written here rather than with git.push: isomorphic-git's push sends every object of a commit
// pushed to a new branch (it leaves out only what the branch's old tip holds), so each
// promotion branch would upload the whole repository; Capstan knows exactly which objects a
// write-back created and sends those alone, as native git does.
import fs from 'node:fs';
import git, { type GitHttpRequest, type HttpClient } from 'isomorphic-git';
import { gitError } from './errors.js';
import { DEFAULT_GIT_LIMITS } from './limits.js';
import { limitReads } from './read-limits.js';
import { toRemoteError, type RemoteContext } from './remote-errors.js';
import { redactText } from './url.js';

/** The oid git uses for "no such ref" in ref updates. */
export const ZERO_OID = '0'.repeat(40);

export interface ReceivePackOptions {
  http: HttpClient;
  /** The remote URL without credentials. */
  url: string;
  headers: Record<string, string>;
  context: RemoteContext;
}

/** The remote's refs and capabilities as receive-pack advertises them (gitprotocol-pack(5)). */
export interface ReceivePackInfo {
  refs: Map<string, string>;
  capabilities: Set<string>;
}

/** What the server says of one ref update. */
export interface RefUpdate {
  ref: string;
  oldOid: string;
  newOid: string;
}

/** One GET of `info/refs?service=git-receive-pack`: the refs as the server holds them now. */
export async function discoverReceivePack(options: ReceivePackOptions): Promise<ReceivePackInfo> {
  const http = limited(options);
  let info;
  try {
    info = await git.getRemoteInfo2({
      http,
      url: options.url,
      // isomorphic-git adds to the headers object it is given: pass a copy.
      headers: { ...options.headers },
      forPush: true,
      protocolVersion: 1,
    });
  } catch (e) {
    throw http.failure ?? toRemoteError(e, options.context);
  }
  const refs = new Map<string, string>();
  for (const r of info.refs ?? []) if (r.ref.startsWith('refs/')) refs.set(r.ref, r.oid);
  return { refs, capabilities: new Set(Object.keys(info.capabilities)) };
}

/**
 * Sends one ref update with a pack of `objects` (read from `gitdir`) and reads the server's
 * report. The server applies the update only if the ref still holds `oldOid` when it takes
 * the ref's lock, so a branch that moved since `discoverReceivePack` is never overwritten:
 * that, and any other refusal naming the ref, is GIT_PUSH_REJECTED or GIT_PUSH_DENIED.
 */
export async function sendReceivePack(
  options: ReceivePackOptions & {
    gitdir: string;
    cache?: object;
    info: ReceivePackInfo;
    update: RefUpdate;
    objects: string[];
  },
): Promise<void> {
  const { info, update, context } = options;
  if (!info.capabilities.has('report-status')) {
    throw gitError(
      'GIT_PUSH_FAILED',
      `the Git server at ${context.display} does not report the outcome of a push (no report-status)`,
      { url: context.display },
    );
  }
  const caps = ['report-status', ...(info.capabilities.has('side-band-64k') ? ['side-band-64k'] : [])];
  const command = pktLine(`${update.oldOid} ${update.newOid} ${update.ref}\0${caps.join(' ')}`);
  const { packfile } = await git.packObjects({
    fs,
    gitdir: options.gitdir,
    oids: options.objects,
    cache: options.cache,
  });
  const http = limited(options);
  let body: Buffer;
  try {
    const res = await http.request({
      url: `${options.url}/git-receive-pack`,
      method: 'POST',
      headers: {
        ...options.headers,
        'content-type': 'application/x-git-receive-pack-request',
        accept: 'application/x-git-receive-pack-result',
      },
      // An array, as isomorphic-git's own push gives: its Node client then sends a Content-Length.
      body: [command, Buffer.from('0000'), Buffer.from(packfile!)] as unknown as GitHttpRequest['body'],
    });
    if (res.statusCode !== 200) {
      await collect(res.body ?? []).catch(() => undefined);
      throw toRemoteError({ code: 'HttpError', data: { statusCode: res.statusCode } }, context);
    }
    body = await collect(res.body ?? []);
  } catch (e) {
    throw http.failure ?? toRemoteError(e, context);
  }
  checkReport(readReport(body, caps.includes('side-band-64k'), context), update, context);
}

/** The report-status lines, and any messages the server sent on side-band channels 2 and 3. */
interface Report {
  lines: string[];
  messages: string[];
}

/** Reads the response: report-status pkt-lines, wrapped in side-band channel 1 when asked for. */
function readReport(body: Buffer, sideBand: boolean, context: RemoteContext): Report {
  const messages: string[] = [];
  let status = body;
  if (sideBand) {
    const inner: Buffer[] = [];
    for (const payload of pktLines(body, context)) {
      if (payload[0] === 1) inner.push(payload.subarray(1));
      else messages.push(payload.subarray(1).toString('utf8').trim());
    }
    status = Buffer.concat(inner);
  }
  const lines = pktLines(status, context).map((p) => p.toString('utf8').replace(/\n$/, ''));
  return { lines, messages: messages.filter((m) => m.length > 0) };
}

function checkReport(report: Report, update: RefUpdate, context: RemoteContext): void {
  const where = context.display;
  const said =
    report.messages.length > 0 ? ` (the server said: ${clean(report.messages.join('; '), context)})` : '';
  const unpack = report.lines.find((l) => l.startsWith('unpack '));
  if (unpack !== 'unpack ok') {
    const reason = unpack ? clean(unpack.slice('unpack '.length), context) : 'no report';
    throw gitError(
      'GIT_PUSH_FAILED',
      `pushing to ${where} failed: the server could not store the objects: ${reason}${said}`,
      {
        url: where,
        ref: update.ref,
      },
    );
  }
  if (report.lines.includes(`ok ${update.ref}`)) return;
  const ng = report.lines.find((l) => l.startsWith(`ng ${update.ref} `));
  const reason = ng ? clean(ng.slice(`ng ${update.ref} `.length), context) : 'no report for the ref';
  if (
    /non-fast-forward|fetch first|stale info|failed to (update|lock)|cannot lock|already exists|expected/i.test(
      reason,
    )
  ) {
    throw pushRejected(where, update, `the server refused: ${reason}`);
  }
  throw gitError('GIT_PUSH_DENIED', `${where} refused the update of ${update.ref}: ${reason}${said}`, {
    url: where,
    ref: update.ref,
    reason,
  });
}

/** GIT_PUSH_REJECTED: the branch is not where the write-back expected it. */
export function pushRejected(where: string, update: RefUpdate, why: string) {
  return gitError(
    'GIT_PUSH_REJECTED',
    `${update.ref} of ${where} moved since it was read (${why}): read it again and retry`,
    { url: where, ref: update.ref, expected: update.oldOid },
  );
}

function clean(text: string, context: RemoteContext): string {
  return redactText(text, context.secrets).slice(0, 500);
}

function limited(options: ReceivePackOptions) {
  return limitReads(options.http, {
    maxBytes: DEFAULT_GIT_LIMITS.maxFetchBytes,
    maxObjectBytes: DEFAULT_GIT_LIMITS.maxBlobBytes,
    display: options.context.display,
  });
}

function pktLine(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  return Buffer.concat([Buffer.from((bytes.length + 4).toString(16).padStart(4, '0'), 'latin1'), bytes]);
}

/** The payloads of the pkt-lines in `buf`, up to the first flush (`0000`). */
function pktLines(buf: Buffer, context: RemoteContext): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  while (at + 4 <= buf.length) {
    const length = Number.parseInt(buf.toString('latin1', at, at + 4), 16);
    if (Number.isNaN(length) || (length > 0 && length < 4) || at + length > buf.length) {
      throw gitError('GIT_PUSH_FAILED', `the Git server at ${context.display} sent a malformed push report`, {
        url: context.display,
      });
    }
    if (length === 0) break;
    out.push(buf.subarray(at + 4, at + length));
    at += length;
  }
  return out;
}

async function collect(body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks);
}
