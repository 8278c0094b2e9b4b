/**
 * What a container runs: its `command` + `args`, or — since a process runtime has no
 * image to take an entrypoint from — the command configured for images matching a pattern.
 */
import type { ContainerSpec } from './pod-spec.js';

/** Maps images to the command that stands in for the image's entrypoint. */
export interface ImageCommand {
  /** A glob (`*`, `?`) on the whole image reference, or a regular expression written `/…/`. */
  pattern: string;
  command: string[];
}

/** True when `image` matches `pattern` (see ImageCommand). */
export function imageMatches(pattern: string, image: string): boolean {
  if (pattern.length > 2 && pattern.startsWith('/') && pattern.endsWith('/')) {
    return new RegExp(pattern.slice(1, -1)).test(image);
  }
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`).test(image);
}

/**
 * Expands `$(VAR)` references the way the kubelet does for env values, command and args:
 * a defined variable is substituted, an undefined one is left as written, `$$` is a
 * literal `$`. Example with A=1: "$(A)-$(B)-$$(A)" → "1-$(B)-$(A)".
 */
export function expandVars(input: string, vars: Record<string, string>): string {
  let out = '';
  for (let i = 0; i < input.length; i++) {
    const ch = input[i];
    if (ch !== '$' || i + 1 >= input.length) {
      out += ch;
      continue;
    }
    const next = input[i + 1];
    if (next === '$') {
      out += '$';
      i++;
    } else if (next === '(') {
      const close = input.indexOf(')', i + 2);
      if (close < 0) {
        out += input.slice(i);
        break;
      }
      const name = input.slice(i + 2, close);
      out += Object.hasOwn(vars, name) ? vars[name] : `$(${name})`;
      i = close;
    } else {
      out += ch;
    }
  }
  return out;
}

/** The argv to run, or undefined when neither the container nor an image mapping gives a command. */
export function resolveCommand(
  container: ContainerSpec,
  imageCommands: readonly ImageCommand[],
  env: Record<string, string>,
): string[] | undefined {
  // As in Kubernetes, `command` replaces the entrypoint and `args` are appended to it.
  const entry =
    container.command ?? imageCommands.find((m) => imageMatches(m.pattern, container.image))?.command;
  if (!entry || entry.length === 0) return undefined;
  return [...entry, ...(container.args ?? [])].map((a) => expandVars(a, env));
}

/** The waiting message shown when a container has nothing to run. */
export function noCommandMessage(container: ContainerSpec): string {
  return (
    `container "${container.name}" has no command and no image command mapping matches image ` +
    `"${container.image}": set spec.containers[].command, or configure an image mapping ` +
    `(imageCommands) for this image`
  );
}
