/**
 * Resource usage of container processes, read from Linux /proc (there are no cgroups per
 * container here). A container is its process group plus every descendant of its main
 * process (a descendant may have left the group with setsid):
 *   - CPU: utime + stime (fields 14 and 15 of /proc/<pid>/stat, in clock ticks of 1/100 s,
 *     the USER_HZ Linux exports on every common architecture), summed; cpu-rate.ts turns
 *     two readings into a rate: 0.5 s of CPU over 1 s of wall time = 500,000,000 nano-cores.
 *   - Memory: VmRSS of /proc/<pid>/status, summed (the resident set, close to the
 *     working set metrics-server reports from cgroups).
 * The process table is read once per request and shared by every container asked about,
 * so listing the metrics of many pods costs one walk of /proc, not one per container.
 * Elsewhere than Linux there is no table and everything reads as 0.
 */
import fs from 'node:fs';

const TICK_NS = 10_000_000;
const TICKS_PER_SECOND = 100;

/** The shortest interval a CPU rate is measured over, and the window reported when there is none. */
export const MIN_RATE_WINDOW_MS = 1000;

/** What one container uses: a CPU rate (1e9 = one core), resident memory, and the window of the rate. */
export interface ContainerUsage {
  name: string;
  cpuNanoCores: number;
  memoryBytes: number;
  windowMs: number;
}

interface ProcInfo {
  pid: number;
  ppid: number;
  pgrp: number;
  cpuTicks: number;
  /** field 22: when the process started, in ticks since boot */
  startTicks: number;
}

/** One reading of every process, to attribute them to containers. */
export interface ProcessTable {
  procs: ProcInfo[];
  /** seconds since boot when the table was read (/proc/uptime) */
  uptimeSeconds: number;
}

/** CPU time used so far, resident memory, and how long the tree's main process has run. */
export interface TreeUsage {
  cpuNs: number;
  memoryBytes: number;
  ranNs: number;
}

function readStat(pid: number): ProcInfo | undefined {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: split after the last ')'.
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // rest[0] is field 3 (state): field n is rest[n - 3].
    return {
      pid,
      ppid: Number(rest[1]),
      pgrp: Number(rest[2]),
      cpuTicks: Number(rest[11]) + Number(rest[12]),
      startTicks: Number(rest[19]),
    };
  } catch {
    return undefined;
  }
}

function rssBytes(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Reads the process table, or undefined where there is no Linux /proc. */
export function readProcessTable(): ProcessTable | undefined {
  let uptimeSeconds: number;
  try {
    uptimeSeconds = Number(fs.readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
    if (!fs.existsSync('/proc/self/stat')) return undefined;
  } catch {
    return undefined;
  }
  const procs: ProcInfo[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const info = readStat(Number(name));
    if (info) procs.push(info);
  }
  return { procs, uptimeSeconds };
}

/** Usage of the tree rooted at `root` (its process group and descendants) in `table`. */
export function treeUsage(table: ProcessTable | undefined, root: number): TreeUsage {
  const main = table?.procs.find((p) => p.pid === root);
  if (!table || !main) return { cpuNs: 0, memoryBytes: 0, ranNs: 0 };
  const members = new Set<number>();
  for (const p of table.procs) if (p.pgrp === root || p.pid === root) members.add(p.pid);
  // Descendants through ppid, until nothing new is found.
  for (let grew = true; grew;) {
    grew = false;
    for (const p of table.procs) {
      if (!members.has(p.pid) && members.has(p.ppid)) {
        members.add(p.pid);
        grew = true;
      }
    }
  }
  let cpuNs = 0;
  let memoryBytes = 0;
  for (const p of table.procs) {
    if (!members.has(p.pid)) continue;
    cpuNs += p.cpuTicks * TICK_NS;
    memoryBytes += rssBytes(p.pid);
  }
  const ranNs = Math.max(0, table.uptimeSeconds - main.startTicks / TICKS_PER_SECOND) * 1e9;
  return { cpuNs, memoryBytes, ranNs };
}
