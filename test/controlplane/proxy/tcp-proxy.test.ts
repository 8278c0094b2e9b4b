import test from 'ava';
import net from 'node:net';
import { ServicePortProxy } from '../../../src/controlplane/proxy/index.js';

/** A backend that answers every connection with its own name, then closes. */
async function backend(name: string): Promise<{ port: number; close: () => Promise<void> }> {
  const server = net.createServer((s) => s.end(name));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

function ask(port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    let data = '';
    s.on('data', (d) => (data += d));
    s.on('close', () => resolve(data));
    s.on('error', () => resolve(''));
  });
}

test('connections are spread round-robin over the ready backends only', async (t) => {
  const a = await backend('a');
  const b = await backend('b');
  const proxy = new ServicePortProxy({ port: 0 });
  t.teardown(async () => {
    await proxy.close();
    await a.close();
    await b.close();
  });
  const port = await proxy.start();
  proxy.setBackends([
    { host: '127.0.0.1', port: a.port },
    { host: '127.0.0.1', port: b.port },
  ]);
  const answers = [];
  for (let i = 0; i < 4; i++) answers.push(await ask(port));
  t.deepEqual(answers, ['a', 'b', 'a', 'b']);

  // b turns unready: new connections go to a only
  proxy.setBackends([{ host: '127.0.0.1', port: a.port }]);
  const after = [];
  for (let i = 0; i < 3; i++) after.push(await ask(port));
  t.deepEqual(after, ['a', 'a', 'a']);
});

test('with no ready backend a connection is refused, and the proxy keeps serving', async (t) => {
  const a = await backend('a');
  const proxy = new ServicePortProxy({ port: 0 });
  t.teardown(async () => {
    await proxy.close();
    await a.close();
  });
  const port = await proxy.start();
  t.is(await ask(port), '');
  proxy.setBackends([{ host: '127.0.0.1', port: a.port }]);
  t.is(await ask(port), 'a');
});
