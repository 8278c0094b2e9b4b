/** Reads a configured secret from its file or variable; errors name where, never the value. */
import fs from 'node:fs';
import { CapstanError, type SecretRef } from '../core/index.js';

export function readSecret(ref: SecretRef, what: string, env: NodeJS.ProcessEnv = process.env): string {
  if ('env' in ref) {
    const value = env[ref.env];
    if (!value)
      throw new CapstanError('SECRET_MISSING', `${what}: the environment variable ${ref.env} is not set`);
    return value;
  }
  let value: string;
  try {
    value = fs.readFileSync(ref.file, 'utf8').trim();
  } catch (e) {
    throw new CapstanError(
      'SECRET_MISSING',
      `${what}: cannot read ${ref.file}: ${(e as NodeJS.ErrnoException).code ?? e}`,
    );
  }
  if (!value) throw new CapstanError('SECRET_MISSING', `${what}: ${ref.file} is empty`);
  return value;
}
