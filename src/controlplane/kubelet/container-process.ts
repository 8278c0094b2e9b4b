/**
 * One run of a container: a child process in its own process group (so a shell wrapper
 * and everything it forks are signalled and reaped together, as a PID namespace would),
 * with stdout and stderr appended straight to a log file by the kernel — the log survives
 * a crash of the daemon and needs no pumping.
 */
import fs from 'node:fs';
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import type { Clock } from './clock.js';

/** How a run ended, in the terms of a container's `terminated` state. */
export interface ExitInfo {
  exitCode: number;
  /** The signal number when the process was killed by one. */
  signal?: number;
  /** Completed (exit 0), Error (non-zero) or StartError (could not be started, exit 128). */
  reason: 'Completed' | 'Error' | 'StartError';
  message?: string;
  finishedAt: number;
}

/** What `ContainerProcess.start` needs. */
export interface StartOptions {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  logPath: string;
  clock: Clock;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

/** A started container process. */
export class ContainerProcess {
  readonly containerID = `process://${randomBytes(16).toString('hex')}`;
  readonly startedAt: number;
  readonly exited: Promise<ExitInfo>;
  private exitInfo?: ExitInfo;
  private readonly child: ChildProcess;

  private constructor(private readonly opts: StartOptions) {
    this.startedAt = opts.clock.now();
    const fd = fs.openSync(opts.logPath, 'a');
    try {
      this.child = spawn(opts.argv[0], opts.argv.slice(1), {
        cwd: opts.cwd,
        env: opts.env,
        stdio: ['ignore', fd, fd],
        detached: true,
      });
    } finally {
      fs.closeSync(fd);
    }
    this.exited = new Promise((resolve) => {
      const finish = (info: Omit<ExitInfo, 'finishedAt'>) => {
        if (this.exitInfo) return;
        this.exitInfo = { ...info, finishedAt: opts.clock.now() };
        // The main process is gone: like a container runtime, reap whatever it left behind.
        if (this.child.pid) signalGroup(this.child.pid, 'SIGKILL');
        resolve(this.exitInfo);
      };
      this.child.once('error', (e) => {
        if (this.child.pid !== undefined && this.child.exitCode === null) return;
        const message = `failed to start ${JSON.stringify(opts.argv[0])}: ${e.message}`;
        fs.appendFileSync(opts.logPath, `${message}\n`);
        finish({ exitCode: 128, reason: 'StartError', message });
      });
      this.child.once('exit', (code, sig) => {
        if (sig) {
          const signal = os.constants.signals[sig];
          finish({ exitCode: 128 + signal, signal, reason: 'Error' });
        } else {
          finish({ exitCode: code ?? 0, reason: code === 0 ? 'Completed' : 'Error' });
        }
      });
    });
  }

  /** Starts `argv`; a failure to start is reported through `exited` (reason StartError). */
  static start(opts: StartOptions): ContainerProcess {
    return new ContainerProcess(opts);
  }

  /** The process id, when the process was started. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Whether the process has exited. */
  get done(): boolean {
    return this.exitInfo !== undefined;
  }

  /**
   * SIGTERM to the process group, then SIGKILL after `graceMs` if it is still there
   * (immediately when `graceMs` is 0). Resolves when the process has exited.
   */
  kill(graceMs: number): Promise<ExitInfo> {
    const pid = this.child.pid;
    if (this.exitInfo || pid === undefined) return this.exited;
    if (graceMs <= 0) {
      signalGroup(pid, 'SIGKILL');
      return this.exited;
    }
    signalGroup(pid, 'SIGTERM');
    const timer = this.opts.clock.setTimeout(() => signalGroup(pid, 'SIGKILL'), graceMs);
    return this.exited.finally(() => this.opts.clock.clearTimeout(timer));
  }
}
