/**
 * Runs the `capstan` command as a user would: a child process of the real CLI (through tsx,
 * so the sources are tested), with only the environment given.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** At most this many CLI processes at once: the machine is small and shared. */
const MAX_CHILDREN = 3;
let running = 0;
const waiting: (() => void)[] = [];

/** `capstan ...args` with PATH, HOME (a temporary directory) and `env`; resolves when it exits. */
export async function runCapstan(env: Record<string, string>, ...args: string[]): Promise<CliRun> {
  return runCapstanWithInput(env, undefined, ...args);
}

/** `capstan ...args` as runCapstan does, with `input` written to its standard input. */
export async function runCapstanWithInput(
  env: Record<string, string>,
  input: string | undefined,
  ...args: string[]
): Promise<CliRun> {
  while (running >= MAX_CHILDREN) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
        cwd: projectRoot,
        env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), ...env },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      // no input reads as an empty standard input, as from /dev/null
      child.stdin.end(input ?? '');
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.on('error', reject);
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });
  } finally {
    running--;
    waiting.shift()?.();
  }
}
