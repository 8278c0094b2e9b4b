import { CapstanError } from '../core/index.js';
import { gitError } from './errors.js';

/**
 * Bounds on what one Git source may make the daemon read, hold and write, so a hostile or
 * careless repository (an endless pack, a 1 GiB file of zeros, millions of files) fails with
 * GIT_LIMIT_EXCEEDED instead of exhausting memory or disk.
 */
export interface GitLimits {
  /** Bytes of HTTP response bodies one fetch (or one listing of refs) may read. */
  maxFetchBytes: number;
  /** Size of one object (a file) in a fetched pack or a snapshot, checked before it is inflated. */
  maxBlobBytes: number;
  /** Total size of one commit's files (one snapshot). */
  maxSnapshotBytes: number;
  /** Number of files (and symbolic links) in one commit. */
  maxFiles: number;
}

/** Sized for real repositories: the Linux kernel's tree is ~90,000 files and ~1.5 GB. */
export const DEFAULT_GIT_LIMITS: Readonly<GitLimits> = {
  maxFetchBytes: 1024 ** 3,
  maxBlobBytes: 64 * 1024 ** 2,
  maxSnapshotBytes: 2 * 1024 ** 3,
  maxFiles: 200_000,
};

/** The daemon configuration key of each limit, for "how to raise it". */
const CONFIG_KEY: Record<keyof GitLimits, string> = {
  maxFetchBytes: 'git.maxFetchBytes',
  maxBlobBytes: 'git.maxBlobBytes',
  maxSnapshotBytes: 'git.maxSnapshotBytes',
  maxFiles: 'git.maxFiles',
};

/** The defaults with `given` over them; throws GIT_INVALID_OPTION unless each is a positive whole number. */
export function resolveGitLimits(given: Partial<GitLimits> = {}): GitLimits {
  const limits = { ...DEFAULT_GIT_LIMITS };
  for (const key of Object.keys(CONFIG_KEY) as Array<keyof GitLimits>) {
    const value = given[key];
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value < 1) {
      throw gitError(
        'GIT_INVALID_OPTION',
        `${CONFIG_KEY[key]} must be a whole number of 1 or more, got ${value}`,
        {
          [key]: value,
        },
      );
    }
    limits[key] = value;
  }
  return limits;
}

/**
 * GIT_LIMIT_EXCEEDED (never transient: the same commit breaks the same limit again). `what`
 * is completed by the limit: `an object of 1 GiB in the pack is larger than` gives
 * `http://git.example.com/shop.git: an object of 1 GiB in the pack is larger than
 * git.maxBlobBytes (64 MiB); raise git.maxBlobBytes in the daemon configuration if the
 * repository really needs it`.
 */
export function limitExceeded(
  limit: keyof GitLimits,
  what: string,
  value: number,
  max: number,
  where: { display: string; commit?: string },
  note = '',
): CapstanError {
  const key = CONFIG_KEY[limit];
  const amount = limit === 'maxFiles' ? max.toLocaleString('en-US') : formatBytes(max);
  const subject = where.commit ? `commit ${where.commit} of ${where.display}` : where.display;
  return gitError(
    'GIT_LIMIT_EXCEEDED',
    `${subject}: ${what} ${key} (${amount})${note}; raise ${key} in the daemon configuration ` +
      'if the repository really needs it',
    { url: where.display, limit: key, value, max, ...(where.commit ? { commit: where.commit } : {}) },
  );
}

/** GIT_PACK_INVALID: the server sent a pack that is truncated, corrupt or not a pack (never transient). */
export function packInvalid(display: string, reason: string): CapstanError {
  return gitError(
    'GIT_PACK_INVALID',
    `the Git server for ${display} sent an invalid pack: ${reason}; the revision is not retried until it changes`,
    { url: display, reason },
  );
}

/** `1536` → `1.5 KiB`; `1073741824` → `1 GiB`. */
export function formatBytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : Number(value.toFixed(1))} ${units[unit]}`;
}
