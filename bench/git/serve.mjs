// Serves the bare repositories under ROOT over smart HTTP (git http-backend behind the test
// helper's Node server) in a process of its own, so the clients being timed do not share an
// event loop with the server. Prints the base URL on stdout, then runs until killed.
//
// Usage: node --import tsx bench/git/serve.mjs ROOT
import { GitServer } from '../../test/helpers/git-server.ts';

const root = process.argv[2];
if (!root) {
  console.error('usage: serve.mjs ROOT');
  process.exit(2);
}
const server = new GitServer({ root });
await server.start();
process.stdout.write(`${server.url}\n`);
process.on('SIGTERM', () => server.stop().then(() => process.exit(0)));
