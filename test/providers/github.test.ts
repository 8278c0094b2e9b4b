import { GitHubStandin } from '../helpers/providers/github-standin.js';
import { providerContract } from './rest-provider.contract.js';

providerContract({
  provider: 'github',
  standin: () => new GitHubStandin(),
  prefix: '/api/v3',
  descriptionMax: 140,
  pullsPerPage: 100,
});
