/**
 * Service cluster IPs from 10.96.0.0/12, as kube-apiserver's default service CIDR. The
 * allocator is rebuilt from the stored Services at start, so addresses survive restarts
 * and are never handed out twice.
 */
const BASE = (10 << 24) | (96 << 16); // 10.96.0.0
const SIZE = 1 << 20; // a /12

const toIp = (n: number) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');

function toInt(ip: string): number | undefined {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return undefined;
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}

export class ClusterIpAllocator {
  private readonly used = new Set<number>();
  private next = 10; // .0.1 is the kubernetes Service's; leave a few low addresses

  /** Marks an address as taken (a stored Service's). */
  reserve(ip: string): boolean {
    const n = toInt(ip);
    if (n === undefined || n - BASE < 0 || n - BASE >= SIZE) return false;
    if (this.used.has(n)) return false;
    this.used.add(n);
    return true;
  }

  release(ip: string): void {
    const n = toInt(ip);
    if (n !== undefined) this.used.delete(n);
  }

  /** The next free address; throws when the range is exhausted. */
  allocate(): string {
    for (let i = 0; i < SIZE; i++) {
      const offset = ((this.next + i) % (SIZE - 2)) + 1;
      const n = (BASE + offset) >>> 0;
      if (!this.used.has(n)) {
        this.used.add(n);
        this.next = offset + 1;
        return toIp(n);
      }
    }
    throw new Error('the service cluster IP range is full');
  }

  /** Whether `ip` is a valid address inside the range. */
  inRange(ip: string): boolean {
    const n = toInt(ip);
    return n !== undefined && n - BASE > 0 && n - BASE < SIZE - 1;
  }
}
