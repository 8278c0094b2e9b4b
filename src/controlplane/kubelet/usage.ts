/**
 * Resource usage of container processes, read from Linux /proc (there are no cgroups per
 * container here). A container is its process group plus every descendant of its main
 * process (a descendant may have left the group with setsid):
 *   - CPU: utime + stime (fields 14 and 15 of /proc/<pid>/stat, in clock ticks of 1/100 s,
 *     the USER_HZ Linux exports on every common architecture), summed, turned into a rate
 *     between two readings: 0.5 s of CPU over 1 s of wall time = 500,000,000 nano-cores.
 *   - Memory: VmRSS of /proc/<pid>/status, summed (the resident set, close to the
 *     working set metrics-server reports from cgroups).
 * Elsewhere than Linux everything reads as 0.
 */
import fs from 'node:fs';

const TICK_NS = 10_000_000;

interface ProcInfo {
  pid: number;
  ppid: number;
  pgrp: number;
  cpuTicks: number;
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

/** CPU time used so far (ns) and resident memory (bytes) of the trees rooted at `roots`. */
export function sampleTrees(roots: readonly number[]): { cpuNs: number; memoryBytes: number } {
  if (roots.length === 0 || !fs.existsSync('/proc/self/stat')) return { cpuNs: 0, memoryBytes: 0 };
  const all: ProcInfo[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const info = readStat(Number(name));
    if (info) all.push(info);
  }
  const members = new Set<number>();
  for (const p of all) if (roots.includes(p.pgrp) || roots.includes(p.pid)) members.add(p.pid);
  // Descendants through ppid, until nothing new is found.
  for (let grew = true; grew;) {
    grew = false;
    for (const p of all) {
      if (!members.has(p.pid) && members.has(p.ppid)) {
        members.add(p.pid);
        grew = true;
      }
    }
  }
  let cpuNs = 0;
  let memoryBytes = 0;
  for (const p of all) {
    if (!members.has(p.pid)) continue;
    cpuNs += p.cpuTicks * TICK_NS;
    memoryBytes += rssBytes(p.pid);
  }
  return { cpuNs, memoryBytes };
}
