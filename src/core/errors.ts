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
export class CapstanError extends Error {
  readonly code: string;
  readonly data: Record<string, unknown>;

  constructor(code: string, message: string, data: Record<string, unknown> = {}, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'CapstanError';
    this.code = code;
    this.data = data;
  }
}

export function isCapstanError(e: unknown): e is CapstanError {
  return e instanceof CapstanError;
}
