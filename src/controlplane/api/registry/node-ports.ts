/**
 * Service node ports from 30000–32767, as kube-apiserver's port allocator
 * (pkg/registry/core/service/portallocator). Rebuilt from the stored Services at start, so
 * a port is never handed out twice.
 *
 * Since v1.29 (KEP-3668, ServiceNodePortStaticSubrange) the range has a low band kept for
 * ports users ask for: its size is min(max(16, size / 32), 128). For 30000–32767 (2768 ports)
 * that is min(max(16, 86), 128) = 86, so 30000–30085 are left for static requests and random
 * allocations come from 30086–32767 first, falling back to the low band only when that is full.
 * https://kubernetes.io/docs/concepts/services-networking/service/#avoid-nodeport-collisions
 */

export interface PortRange {
  base: number;
  size: number;
}

/** kube-apiserver's default --service-node-port-range. */
export const DEFAULT_NODE_PORT_RANGE: PortRange = { base: 30000, size: 2768 };

/** The size of the low band reserved for requested ports (0 for ranges under 16 ports). */
export function staticBandSize(size: number): number {
  if (size < 16) return 0;
  return Math.min(Math.max(16, Math.floor(size / 32)), 128);
}

export class NodePortAllocator {
  private readonly used = new Set<number>();
  private readonly offset: number;

  constructor(
    readonly range: PortRange = DEFAULT_NODE_PORT_RANGE,
    private readonly random: () => number = Math.random,
  ) {
    this.offset = staticBandSize(range.size);
  }

  /** `30000-32767`, as the range appears in error messages. */
  get rangeString(): string {
    return `${this.range.base}-${this.range.base + this.range.size - 1}`;
  }

  inRange(port: number): boolean {
    return Number.isInteger(port) && port >= this.range.base && port < this.range.base + this.range.size;
  }

  has(port: number): boolean {
    return this.used.has(port);
  }

  get allocated(): number {
    return this.used.size;
  }

  /**
   * Reserves a requested port. Returns undefined, or why not in the API server's words
   * (portallocator's ErrNotInRange and ErrAllocated).
   */
  allocate(port: number): string | undefined {
    if (!this.inRange(port))
      return `provided port is not in the valid range. The range of valid ports is ${this.rangeString}`;
    if (this.used.has(port)) return 'provided port is already allocated';
    this.used.add(port);
    return undefined;
  }

  /** A random free port, from the high band first; undefined when the range is full. */
  allocateNext(): number | undefined {
    const found =
      this.scan(this.offset, this.range.size - this.offset) ??
      (this.offset > 0 ? this.scan(0, this.offset) : undefined);
    if (found !== undefined) this.used.add(found);
    return found;
  }

  /** Releasing a free or out-of-range port does nothing. */
  release(port: number): void {
    this.used.delete(port);
  }

  // a random start in [from, from + count), then every offset after it, wrapping around
  private scan(from: number, count: number): number | undefined {
    if (count <= 0) return undefined;
    const start = Math.floor(this.random() * count) % count;
    for (let i = 0; i < count; i++) {
      const port = this.range.base + from + ((start + i) % count);
      if (!this.used.has(port)) return port;
    }
    return undefined;
  }
}
