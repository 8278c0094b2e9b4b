import test from 'ava';
import { CapstanError } from '../../src/core/index.js';
import { createProvider, type ProviderOptions } from '../../src/providers/index.js';
import { GiteaStandin } from '../helpers/providers/gitea-standin.js';

const valid: ProviderOptions = {
  provider: 'github',
  apiUrl: 'https://api.github.com',
  repository: 'acme/shop',
  token: 'ghp_x',
};

test('options every provider shares are checked at once, the token and URL never repeated', (t) => {
  const bad: [Partial<ProviderOptions>, RegExp][] = [
    [{ provider: 'sourcehut' as never }, /unknown provider "sourcehut"/],
    [{ apiUrl: 'ftp://user:pw@example.com' }, /apiUrl is not an http\(s\) URL/],
    [{ apiUrl: 'not a url' }, /apiUrl is not an http\(s\) URL/],
    [{ token: '' }, /no token/],
    [{ repository: 'acme' }, /not owner\/name/],
    [{ repository: 'acme/shop/extra' }, /not owner\/name/],
  ];
  for (const [change, message] of bad) {
    const error = t.throws(() => createProvider({ ...valid, ...change }), { instanceOf: CapstanError });
    t.is(error?.code, 'PROVIDER_INVALID_OPTION');
    t.regex(error?.message ?? '', message);
    t.false(error?.message.includes('pw'));
  }
});

test('createProvider answers at once and loads the provider on its first call', async (t) => {
  const standin = new GiteaStandin();
  await standin.start();
  t.teardown(() => standin.close());
  const provider = createProvider({
    provider: 'gitea',
    apiUrl: standin.url,
    repository: 'acme/shop',
    token: standin.token,
  });
  t.is(provider.name, 'gitea');
  t.is(standin.requests.length, 0);
  t.deepEqual(await provider.listOpenPullRequests(), { unchanged: false, pulls: [] });
  t.is(standin.requests.length, 1);
});

test('gitea: a server that sends no ETag is listed in full every time', async (t) => {
  const standin = new GiteaStandin();
  standin.sendEtags = false;
  await standin.start();
  t.teardown(() => standin.close());
  const provider = createProvider({
    provider: 'gitea',
    apiUrl: standin.url,
    repository: 'acme/shop',
    token: standin.token,
  });
  await provider.listOpenPullRequests();
  const again = await provider.listOpenPullRequests();
  t.false(again.unchanged);
  t.is(standin.requests[1].headers['if-none-match'], undefined);
});
