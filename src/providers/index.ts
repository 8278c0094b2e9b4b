/**
 * The providers layer's public face: `createProvider(options)` gives the client of one
 * repository on one Git hosting provider. Each provider's module (and its maintained client
 * library: @octokit/rest, gitea-js, @gitbeaker/rest) is imported on its first call, so a
 * daemon that never writes to a provider never loads them.
 */
import { providerError } from './errors.js';
import type { RetryPolicy } from './retry.js';
import { ownerAndName } from './text.js';
import { API_PROVIDERS, type ApiProviderName, type GitProvider, type ProviderOptions } from './types.js';

export * from './types.js';
export { providerError, isTransientProviderError, type ProviderErrorCode } from './errors.js';
export { withRetries, type RetryOptions, type RetryPolicy } from './retry.js';

/** Builds one provider's client; `policy` overrides the retry seams (tests pass a recording `sleep`). */
export type ProviderFactory = (options: ProviderOptions, policy: RetryPolicy) => GitProvider;

/** Each provider's module, loaded when first used. Add a provider: one case here. */
async function loadFactory(name: ApiProviderName): Promise<ProviderFactory> {
  switch (name) {
    case 'github': {
      const { GitHubProvider } = await import('./github.js');
      return (options, policy) => new GitHubProvider(options, policy);
    }
    case 'gitea': {
      const { GiteaProvider } = await import('./gitea.js');
      return (options, policy) => new GiteaProvider(options, policy);
    }
    case 'gitlab': {
      const { GitLabProvider } = await import('./gitlab.js');
      return (options, policy) => new GitLabProvider(options, policy);
    }
    case 'bitbucket': {
      const { BitbucketProvider } = await import('./bitbucket.js');
      return (options, policy) => new BitbucketProvider(options, policy);
    }
  }
}

/**
 * The client for `options.repository` on `options.provider`. Options every provider shares
 * are checked here, at once (PROVIDER_INVALID_OPTION); the provider's module loads on the
 * first call.
 */
export function createProvider(options: ProviderOptions, policy: RetryPolicy = {}): GitProvider {
  checkOptions(options);
  let created: Promise<GitProvider> | undefined;
  const real = () => (created ??= loadFactory(options.provider).then((create) => create(options, policy)));
  return {
    name: options.provider,
    setCommitStatus: async (status) => (await real()).setCommitStatus(status),
    openPullRequest: async (draft) => (await real()).openPullRequest(draft),
    findOpenPullRequest: async (head, base) => (await real()).findOpenPullRequest(head, base),
    listOpenPullRequests: async (base) => (await real()).listOpenPullRequests(base),
    upsertComment: async (number, marker, body) => (await real()).upsertComment(number, marker, body),
  };
}

function checkOptions(options: ProviderOptions): void {
  const name = options.provider;
  const invalid = (message: string) => providerError('PROVIDER_INVALID_OPTION', message, { provider: name });
  if (!(API_PROVIDERS as readonly string[]).includes(name)) {
    throw invalid(`unknown provider "${String(name)}": expected one of ${API_PROVIDERS.join(', ')}`);
  }
  let url: URL | undefined;
  try {
    url = new URL(options.apiUrl);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw invalid(`${name}: apiUrl is not an http(s) URL`);
  }
  if (typeof options.token !== 'string' || !options.token) throw invalid(`${name}: no token given`);
  if (name === 'gitlab' && !/[^/]\/[^/]/.test(options.repository)) {
    throw invalid(
      `gitlab: repository "${options.repository}" is not a project path (group/name or group/sub/name)`,
    );
  }
  if (name !== 'gitlab' && !ownerAndName(options.repository)) {
    throw invalid(`${name}: repository "${options.repository}" is not owner/name`);
  }
}
