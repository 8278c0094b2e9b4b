/**
 * Which generator we are running, so every error names the kustomization file, the
 * generator list and the generator's name.
 */
import { CapstanError } from '../../../core/errors.js';

/** Identifies one generator entry in one kustomization. */
export interface GeneratorContext {
  /** display path of the kustomization file */
  source: string;
  field: 'configMapGenerator' | 'secretGenerator';
  /** the generator's `name` ('' when missing) */
  name: string;
}

/** `overlays/dev/kustomization.yaml: configMapGenerator "app"` */
export function describeGenerator(ctx: GeneratorContext): string {
  return `${ctx.source}: ${ctx.field} ${JSON.stringify(ctx.name)}`;
}

/** A user error raised while generating, prefixed with where it happened. */
export function generatorError(
  ctx: GeneratorContext,
  code: string,
  message: string,
  data: Record<string, unknown> = {},
  cause?: unknown,
): CapstanError {
  return new CapstanError(
    code,
    `${describeGenerator(ctx)}: ${message}`,
    { kustomization: ctx.source, generator: ctx.field, name: ctx.name, ...data },
    cause,
  );
}
