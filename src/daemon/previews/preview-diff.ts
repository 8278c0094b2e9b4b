/**
 * The rendered diff a preview comment shows: the overlay rendered at the pull request's
 * head against the same overlay rendered at the base branch's newest commit (Secrets
 * masked by `renderedDiff`). An overlay the base branch does not have yet renders as
 * nothing there, so everything shows as added.
 */
import { isCapstanError, type KubeObject } from '../../core/index.js';
import { renderedDiff } from '../../diff/index.js';
import { redactText } from '../../git/index.js';
import type { PreviewDiff } from './preview-comment.js';

/** A revision's files, held until `release()`. */
export interface PreviewFiles {
  revision: string;
  root: string;
  release(): Promise<void>;
}

export interface PreviewDiffDeps {
  /** the files of `revision` (a branch or a commit SHA) of the repository */
  files(repoURL: string, revision: string): Promise<PreviewFiles>;
  render(root: string, dir: string): Promise<KubeObject[]>;
}

const why = (e: unknown) => redactText(isCapstanError(e) ? e.message : String((e as Error)?.message ?? e));

export async function previewDiff(
  deps: PreviewDiffDeps,
  where: { repoURL: string; baseBranch: string; path: string },
  headSha: string,
): Promise<PreviewDiff> {
  let after: KubeObject[];
  try {
    after = await renderAt(deps, where.repoURL, headSha, where.path);
  } catch (e) {
    return { objects: [], error: `the pull request's head does not render: ${why(e)}` };
  }
  let base: PreviewFiles;
  try {
    base = await deps.files(where.repoURL, where.baseBranch);
  } catch (e) {
    return { objects: [], error: `${where.baseBranch} cannot be read: ${why(e)}` };
  }
  try {
    const before = await deps.render(base.root, where.path || '.').catch(() => [] as KubeObject[]);
    return { objects: renderedDiff(before, after), baseRevision: base.revision };
  } finally {
    await base.release();
  }
}

async function renderAt(
  deps: PreviewDiffDeps,
  repoURL: string,
  revision: string,
  dir: string,
): Promise<KubeObject[]> {
  const files = await deps.files(repoURL, revision);
  try {
    return await deps.render(files.root, dir || '.');
  } finally {
    await files.release();
  }
}
