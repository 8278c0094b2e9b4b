// Renders the 13-level doubling-diamond kustomization of issue 10 (written by
// test/helpers/diamond-kustomization.ts: 2^LEVELS ConfigMaps from a few KB of YAML) in this
// process, and prints the wall time, the peak resident memory and the outcome: the object
// count when it renders, the error code and message when a render limit refuses it.
// A script that prints figures, never a test.
//
// Usage: node --import tsx bench/hostile/render-diamond.mjs [LEVELS] [--no-limits]
//   LEVELS       default 13
//   --no-limits  raise every render limit out of reach (the work the limits save)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { render } from '../../src/render/index.ts';
import { writeDiamond } from '../../test/helpers/diamond-kustomization.ts';

const args = process.argv.slice(2);
const levels = Number(args.find((a) => !a.startsWith('--')) ?? 13);
const unlimited = args.includes('--no-limits')
  ? {
      maxObjects: Number.MAX_SAFE_INTEGER,
      maxBytes: Number.MAX_SAFE_INTEGER,
      maxKustomizations: Number.MAX_SAFE_INTEGER,
    }
  : {};

/** Total size in bytes of the files under `dir`. */
function treeBytes(dir) {
  let total = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) total += fs.statSync(path.join(e.parentPath ?? e.path, e.name)).size;
  }
  return total;
}
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-diamond-'));
try {
  writeDiamond(root, levels);
  const rssBefore = process.memoryUsage().rss;
  let peak = rssBefore;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const started = process.hrtime.bigint();
  let outcome;
  // give the sampler a first tick, then render synchronously (as the daemon does)
  await new Promise((resolve) => setTimeout(resolve, 10));
  try {
    const { objects } = render(root, { repoRoot: root, ...unlimited });
    outcome = `rendered ${objects.length} objects`;
  } catch (e) {
    outcome = `refused: [${e.code}] ${e.message}`;
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  peak = Math.max(peak, process.memoryUsage().rss);
  clearInterval(sampler);
  const hwm = /^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync('/proc/self/status', 'utf8'));
  console.log(`limits:  ${args.includes('--no-limits') ? 'none' : 'defaults'}`);
  console.log(`diamond: ${levels} levels, ${2 ** levels} ConfigMaps, ${treeBytes(root)} bytes of files`);
  console.log(`time:    ${ms.toFixed(0)} ms`);
  console.log(
    `memory:  rss ${(rssBefore / 2 ** 20).toFixed(0)} MiB before, peak ${(Math.max(peak, hwm ? Number(hwm[1]) * 1024 : 0) / 2 ** 20).toFixed(0)} MiB (VmHWM)`,
  );
  console.log(`outcome: ${outcome}`);
} finally {
  fs.rmSync(root, { recursive: true, force: true });
}
