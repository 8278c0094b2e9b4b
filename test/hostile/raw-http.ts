/**
 * A raw HTTP/1.1 client over node:net (or node:tls): sends exactly the bytes a test gives,
 * which no HTTP library would (`GET // …`, a 64 KiB request line, a body at a byte a tick),
 * and reads whatever comes back until the server closes the connection.
 */
import net from 'node:net';
import tls from 'node:tls';

/** Where a server listens; `ca` means TLS trusting that certificate. */
export interface Endpoint {
  host: string;
  port: number;
  ca?: string;
}

export interface RawAnswer {
  /** the status of the first response, undefined when none came */
  status: number | undefined;
  headers: Record<string, string>;
  /** the first response's body (by its Content-Length) */
  body: string;
  /** the connection was reset rather than closed */
  reset: boolean;
}

export function endpointOf(url: string, ca?: string): Endpoint {
  const u = new URL(url);
  return { host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port), ca };
}

export function connect(ep: Endpoint): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = ep.ca
      ? tls.connect({ host: ep.host, port: ep.port, ca: ep.ca }, () => resolve(socket))
      : net.connect({ host: ep.host, port: ep.port }, () => resolve(socket));
    socket.once('error', reject);
  });
}

function parse(raw: Buffer, reset: boolean): RawAnswer {
  const text = raw.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(text);
  if (!status || end < 0) return { status: undefined, headers: {}, body: '', reset };
  const headers: Record<string, string> = {};
  for (const line of text.slice(0, end).split('\r\n').slice(1)) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const rest = raw.subarray(end + 4);
  const length = Number(headers['content-length'] ?? rest.length);
  return { status: Number(status[1]), headers, body: rest.subarray(0, length).toString('utf8'), reset };
}

/** Everything the server sends on `socket` until it closes the connection. */
export function readToClose(socket: net.Socket): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let reset = false;
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', (e: NodeJS.ErrnoException) => {
      // EPIPE: we were still writing when the server closed; what it said is what counts
      if (e.code === 'ECONNRESET') reset = true;
    });
    socket.on('close', () => resolve(parse(Buffer.concat(chunks), reset)));
  });
}

/** Sends `request` whole and reads the answer until the server closes. */
export async function exchange(ep: Endpoint, request: string): Promise<RawAnswer> {
  const socket = await connect(ep);
  const answer = readToClose(socket);
  socket.write(request);
  return answer;
}

/**
 * Sends `head` at once, then `trickle` one byte per `everyMs` until the server closes the
 * connection (the trickle repeats, so only the server can end this).
 */
export async function dribble(
  ep: Endpoint,
  head: string,
  trickle: string,
  everyMs = 100,
): Promise<RawAnswer> {
  const socket = await connect(ep);
  const answer = readToClose(socket);
  let closed = false;
  void answer.then(() => (closed = true));
  socket.write(head);
  for (let i = 0; !closed; i++) {
    await new Promise((r) => setTimeout(r, everyMs));
    if (socket.writable) socket.write(trickle[i % trickle.length]);
  }
  return answer;
}
