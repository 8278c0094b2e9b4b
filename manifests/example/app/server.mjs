// The example "hello" service that Capstan deploys. Dependency-free on purpose: the embedded
// kubelet runs it as a plain child process (the daemon's configuration maps the image to
// `node …/app/server.mjs`) with no npm install step.
//
// Environment:
//   PORT            port to listen on (the kubelet maps the first containerPort to it); default 8080
//   APP_VERSION     reported by GET /
//   GREETING        reported by GET / (fed from the hello-config ConfigMap)
//   READY_DELAY_MS  GET /ready answers 503 until this many ms have passed since start; default 0
//   FAIL_READINESS  "true" makes GET /ready always 503, to roll out a revision that never gets healthy
import http from 'node:http';
import os from 'node:os';

const name = process.env.APP_NAME || 'hello';
const version = process.env.APP_VERSION || 'unknown';
const greeting = process.env.GREETING || 'Hello';
const readyDelayMs = Number(process.env.READY_DELAY_MS || 0);
const failReadiness = process.env.FAIL_READINESS === 'true';
const port = Number(process.env.PORT || 8080);
const startedAt = Date.now();

function send(res, status, body, type = 'text/plain; charset=utf-8') {
  res.writeHead(status, { 'content-type': type });
  res.end(body);
}

function ready() {
  return !failReadiness && Date.now() - startedAt >= readyDelayMs;
}

const server = http.createServer((req, res) => {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  res.on('finish', () => console.log(`${new Date().toISOString()} ${req.method} ${req.url} ${res.statusCode}`));
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed\n');
  if (path === '/healthz') return send(res, 200, 'ok\n');
  if (path === '/ready') return ready() ? send(res, 200, 'ready\n') : send(res, 503, 'not ready\n');
  if (path === '/') {
    const body = { name, version, greeting, hostname: os.hostname(), pid: process.pid };
    return send(res, 200, JSON.stringify(body) + '\n', 'application/json');
  }
  send(res, 404, 'not found\n');
});

// Probes open a new connection each time; short keep-alive keeps close() from waiting on idle sockets.
server.keepAliveTimeout = 1000;

server.listen(port, () => {
  console.log(`${name} ${version} listening on port ${server.address().port}`);
});

// Graceful stop: refuse new connections, let in-flight requests finish, exit 0 — what the
// kubelet expects within terminationGracePeriodSeconds before it sends SIGKILL.
function shutdown(signal) {
  console.log(`${signal} received, shutting down`);
  server.close(() => process.exit(0));
  server.closeIdleConnections();
}
process.once('SIGTERM', () => shutdown('SIGTERM'));
process.once('SIGINT', () => shutdown('SIGINT'));
