/**
 * The Service proxy of the process runtime: one TCP listener on the host per Service
 * port, spreading new connections round-robin over the ready endpoints only. Endpoints
 * are replaced as a whole on every update, so a pod that turns unready stops receiving
 * new connections at once (connections already open are left alone, as kube-proxy does).
 */
import net from 'node:net';

export interface Backend {
  host: string;
  port: number;
}

export interface ListenerOptions {
  /** host port to listen on; 0 picks a free one */
  port: number;
  host?: string;
}

/** One Service port: a listener and its current backends. */
export class ServicePortProxy {
  private backends: Backend[] = [];
  private next = 0;
  private readonly server: net.Server;
  private readonly open = new Set<net.Socket>();
  private listening?: Promise<number>;

  constructor(private readonly options: ListenerOptions) {
    this.server = net.createServer((client) => this.connect(client));
  }

  /** Starts listening; resolves with the host port. */
  start(): Promise<number> {
    this.listening ??= new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host ?? '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve((this.server.address() as net.AddressInfo).port);
      });
    });
    return this.listening;
  }

  /** Replaces the backends (the ready endpoints). */
  setBackends(backends: readonly Backend[]): void {
    this.backends = [...backends];
    if (this.next >= this.backends.length) this.next = 0;
  }

  get backendCount(): number {
    return this.backends.length;
  }

  private connect(client: net.Socket): void {
    this.open.add(client);
    client.on('close', () => this.open.delete(client));
    if (this.backends.length === 0) {
      // no ready endpoint: refuse, as a Service without endpoints does
      client.destroy();
      return;
    }
    const target = this.backends[this.next % this.backends.length];
    this.next = (this.next + 1) % this.backends.length;
    const upstream = net.connect(target.port, target.host);
    this.open.add(upstream);
    upstream.on('close', () => this.open.delete(upstream));
    client.pipe(upstream);
    upstream.pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end);
    upstream.on('error', end);
  }

  /** Stops listening and closes every proxied connection; idempotent. */
  async close(): Promise<void> {
    for (const s of this.open) s.destroy();
    if (!this.server.listening) return;
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
