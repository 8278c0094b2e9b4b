import { GiteaStandin } from '../helpers/providers/gitea-standin.js';
import { providerContract } from './rest-provider.contract.js';

providerContract({
  provider: 'gitea',
  standin: () => new GiteaStandin(),
  prefix: '/api/v1',
  descriptionMax: 255,
  pullsPerPage: 50,
});
