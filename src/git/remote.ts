import git, { type HttpClient } from 'isomorphic-git';
import { gitError } from './errors.js';
import { limitReads } from './read-limits.js';
import { DEFAULT_GIT_LIMITS } from './limits.js';
import { toRemoteError, type RemoteContext } from './remote-errors.js';

/** One ref as the server advertises it; `peeled` is the commit an annotated tag points to. */
export interface RemoteRef {
  oid: string;
  peeled?: string;
}

/** The remote's refs: what `git ls-remote` prints, from a single HTTP request. */
export interface RemoteRefs {
  /** The branch HEAD points to (`refs/heads/main`), when the server says. */
  head?: string;
  refs: Map<string, RemoteRef>;
}

export interface ListRefsOptions {
  http: HttpClient;
  url: string;
  headers: Record<string, string>;
  context: RemoteContext;
  /** Bytes the listing may read (default DEFAULT_GIT_LIMITS.maxFetchBytes): a server may send endless refs. */
  maxBytes?: number;
}

/**
 * Lists the remote's refs: the cheap "has anything changed" check, one GET of
 * `info/refs`. Protocol v1 on purpose: v2 needs a second request (ls-refs) for the same answer.
 */
export async function listRemoteRefs(options: ListRefsOptions): Promise<RemoteRefs> {
  const http = limitReads(options.http, {
    maxBytes: options.maxBytes ?? DEFAULT_GIT_LIMITS.maxFetchBytes,
    maxObjectBytes: DEFAULT_GIT_LIMITS.maxBlobBytes,
    display: options.context.display,
  });
  let list;
  try {
    list = await git.listServerRefs({
      http,
      url: options.url,
      // isomorphic-git adds to the headers object it is given: pass a copy.
      headers: { ...options.headers },
      protocolVersion: 1,
      symrefs: true,
      peelTags: true,
    });
  } catch (e) {
    throw http.failure ?? toRemoteError(e, options.context);
  }
  const refs = new Map<string, RemoteRef>();
  let head: string | undefined;
  for (const r of list) {
    if (r.ref === 'HEAD') {
      head = r.target;
      continue;
    }
    refs.set(r.ref, r.peeled ? { oid: r.oid, peeled: r.peeled } : { oid: r.oid });
  }
  if (refs.size === 0) {
    throw gitError(
      'GIT_REPOSITORY_EMPTY',
      `the repository ${options.context.display} is empty: push a first commit`,
      { url: options.context.display },
    );
  }
  return { head, refs };
}

/** The commit a ref points to: an annotated tag's target, or the ref's own oid. */
export function commitOf(ref: RemoteRef): string {
  return ref.peeled ?? ref.oid;
}
