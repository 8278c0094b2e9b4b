/**
 * Git sources: remote repositories fetched over HTTP(S) with isomorphic-git into immutable
 * per-commit snapshots, local directories watched with chokidar, and per-source polling.
 */
export { GitSource, type GitSourceOptions, type RemoteRevision, type SyncedRevision } from './git-source.js';
export type { CommitInfo } from './repository.js';
export { resolveRevision, type ResolvedRevision, type CommitPrefix, type RevisionKind } from './revision.js';
export { listRemoteRefs, type RemoteRefs, type RemoteRef } from './remote.js';
export {
  SnapshotStore,
  DEFAULT_SNAPSHOT_MAX_BYTES,
  type SnapshotLease,
  type SnapshotStoreOptions,
  type SnapshotWriter,
} from './snapshots.js';
export {
  credentialsFromFields,
  loadCredentials,
  type CredentialSource,
  type GitCredentials,
  type RawCredentials,
} from './credentials.js';
export { parseRemoteUrl, redactUrl, redactText, type RemoteUrl } from './url.js';
export { LocalSource, type LocalSourceOptions, type LocalSourceEvents } from './local-source.js';
export { hashDirectory, DEFAULT_IGNORED_NAMES, type HashOptions } from './content-hash.js';
export { Poller, DEFAULT_POLL_INTERVAL_MS, type PollerOptions, type PollerState } from './poller.js';
export { realTimers, type Timers } from './timers.js';
export { gitError, isTransientGitError, type GitErrorCode } from './errors.js';
export { createHttpClient, DEFAULT_HTTP_TIMEOUT_MS } from './http.js';
export { DEFAULT_GIT_LIMITS, resolveGitLimits, type GitLimits } from './limits.js';
export {
  commitFiles,
  type CommitFilesOptions,
  type CommitOptions,
  type FileChange,
  type GitIdentity,
  type PushOptions,
  type WriteResult,
  type WriteTarget,
} from './write-back.js';
export { ZERO_OID } from './receive-pack.js';
export { revertCommits, revertMessage, type RevertOptions, type RevertResult } from './revert.js';
export { commitsTouching, type CommitsTouchingOptions, type TouchingCommit } from './commits-touching.js';
