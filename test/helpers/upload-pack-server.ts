/**
 * A hostile Git smart-HTTP server for tests: it advertises one branch at a given commit, then
 * answers every upload-pack request with whatever pack bytes the test supplies (an endless
 * stream, a real pack with flipped bytes), in side-band-64k pkt-lines after a NAK. It counts
 * the bytes it managed to send, honouring backpressure, so a test can tell whether the
 * client stopped reading.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** Largest side-band payload of side-band-64k: 65520 - 4 (length) - 1 (band). */
const BAND_PAYLOAD = 65515;

export function pktLine(payload: string | Buffer): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
  return Buffer.concat([Buffer.from((body.length + 4).toString(16).padStart(4, '0')), body]);
}

export interface UploadPackServerOptions {
  /** The commit `refs/heads/main` (and HEAD) point to. */
  commit: string;
  /** The pack's bytes, chunk by chunk; the server stops when it ends or the client goes. */
  pack: () => AsyncIterable<Buffer> | Iterable<Buffer>;
}

export class UploadPackServer {
  /** Bytes of upload-pack responses written and accepted by the socket. */
  sent = 0;
  /** Upload-pack responses whose connection closed (the client went, or the pack ended). */
  finished = 0;
  readonly #server: http.Server;
  readonly #sockets = new Set<Socket>();
  readonly #opts: UploadPackServerOptions;

  private constructor(options: UploadPackServerOptions) {
    this.#opts = options;
    this.#server = http.createServer((req, res) => void this.#handle(req, res));
    this.#server.on('connection', (s) => {
      this.#sockets.add(s);
      s.on('close', () => this.#sockets.delete(s));
    });
  }

  static async start(options: UploadPackServerOptions): Promise<UploadPackServer> {
    const server = new UploadPackServer(options);
    await new Promise<void>((resolve) => server.#server.listen(0, '127.0.0.1', resolve));
    return server;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/repo.git`;
  }

  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'GET' && url.pathname.endsWith('/info/refs')) {
      const { commit } = this.#opts;
      const caps =
        'multi_ack_detailed side-band-64k ofs-delta shallow no-done symref=HEAD:refs/heads/main agent=hostile';
      res.writeHead(200, { 'Content-Type': 'application/x-git-upload-pack-advertisement' });
      res.end(
        Buffer.concat([
          pktLine('# service=git-upload-pack\n'),
          Buffer.from('0000'),
          pktLine(`${commit} HEAD\0${caps}\n`),
          pktLine(`${commit} refs/heads/main\n`),
          Buffer.from('0000'),
        ]),
      );
      return;
    }
    if (req.method !== 'POST' || !url.pathname.endsWith('/git-upload-pack')) {
      res.writeHead(404).end();
      return;
    }
    req.resume();
    res.writeHead(200, { 'Content-Type': 'application/x-git-upload-pack-result' });
    let open = true;
    res.on('close', () => {
      open = false;
      this.finished++;
    });
    const write = async (bytes: Buffer): Promise<void> => {
      if (!open) return;
      const more = res.write(bytes, (err) => {
        if (!err) this.sent += bytes.length;
      });
      if (!more)
        await new Promise<void>((resolve) => {
          const done = (): void => {
            res.off('drain', done);
            res.off('close', done);
            resolve();
          };
          res.on('drain', done);
          res.on('close', done);
        });
    };
    await write(pktLine('NAK\n'));
    for await (const chunk of this.#opts.pack()) {
      for (let i = 0; i < chunk.length && open; i += BAND_PAYLOAD) {
        await write(pktLine(Buffer.concat([Buffer.from([1]), chunk.subarray(i, i + BAND_PAYLOAD)])));
      }
      if (!open) return;
    }
    await write(Buffer.from('0000'));
    res.end();
  }
}
