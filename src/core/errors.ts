/**
 * Every error a user can cause carries a stable `code` that scripts may match on,
 * structured `data`, and an optional `cause`. The CLI and the HTTP layer each turn these
 * into output in exactly one place; user mistakes never print a stack trace.
 *
 * Codes (documented in README.md):
 *   RENDER_*  — the renderer (kustomize and plain directories)
 *   MERGE_*   — strategic merge / JSON patch
 *   YAML_*    — parsing
 */
/**
 * Marks a CapstanError whichever copy of this module made it: `capstan render` runs from a
 * bundle that holds its own copy, and its errors must still read as errors of the user's.
 */
const BRAND = Symbol.for('capstan.CapstanError');

export class CapstanError extends Error {
  readonly code: string;
  readonly data: Record<string, unknown>;

  constructor(code: string, message: string, data: Record<string, unknown> = {}, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'CapstanError';
    this.code = code;
    this.data = data;
    Object.defineProperty(this, BRAND, { value: true });
  }
}

export function isCapstanError(e: unknown): e is CapstanError {
  return (
    e instanceof CapstanError ||
    (e instanceof Error && (e as unknown as Record<symbol, unknown>)[BRAND] === true)
  );
}
