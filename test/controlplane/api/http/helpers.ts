/** Starts the HTTP layer over a FakeApi on a free port, for tests. */
import { KubeConfig } from '@kubernetes/client-node';
import { startApiServer, type ApiServerOptions } from '../../../../src/controlplane/api/http/index.js';
import { FakeApi } from './fake-api.js';

export const token = 'test-token-0123456789';

/** A fetch Response whose JSON the tests read freely. */
export type JsonResponse = Omit<Response, 'json'> & { json(): Promise<any> };

export interface Harness {
  api: FakeApi;
  url: string;
  logged: { fields: Record<string, unknown>; message: string }[];
  close(): Promise<void>;
  /** fetch with the token */
  fetch(path: string, init?: RequestInit): Promise<JsonResponse>;
  kubeConfig(): KubeConfig;
}

export async function startHarness(options: Partial<ApiServerOptions> = {}): Promise<Harness> {
  const api = new FakeApi();
  const logged: Harness['logged'] = [];
  const server = await startApiServer({
    api,
    token,
    logger: { error: (fields, message) => logged.push({ fields, message }) },
    ...options,
  });
  return {
    api,
    url: server.url,
    logged,
    close: () => server.close(),
    fetch: (path, init = {}) =>
      fetch(server.url + path, {
        ...init,
        headers: { Authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) },
      }),
    kubeConfig: () => {
      const kc = new KubeConfig();
      kc.loadFromOptions({
        clusters: [{ name: 'capstan', server: server.url, skipTLSVerify: true }],
        users: [{ name: 'capstan', token }],
        contexts: [{ name: 'capstan', cluster: 'capstan', user: 'capstan', namespace: 'default' }],
        currentContext: 'capstan',
      });
      return kc;
    },
  };
}

/** Polls until `check` returns a value or throws after `tries` attempts. */
export async function eventually<T>(check: () => T | undefined | false, tries = 200): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = check();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('condition not met');
}

/** Reads a watch response body line by line. */
export async function* lines(res: JsonResponse): AsyncGenerator<Record<string, any>> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffered += decoder.decode(value, { stream: true });
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (line.trim()) yield JSON.parse(line);
    }
  }
}
