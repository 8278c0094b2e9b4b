// Reads the .cpuprofile files `node --cpu-prof` wrote (one per thread) and says where the
// time went: self time by function, and by file (src/… or the package in node_modules).
import fs from 'node:fs';
import path from 'node:path';

/** Lines naming the `top` functions and files with the most self time over all profiles in `dir`. */
export function summarizeProfiles(dir, top = 20) {
  const byFunction = new Map();
  const byFile = new Map();
  let total = 0;
  const threads = [];
  // CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile: thread 0 is the main thread
  const threadOf = (f) => Number(f.split('.')[4] ?? 0);
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .sort((a, b) => threadOf(a) - threadOf(b));
  for (const file of files) {
    const profile = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
    const selfUs = selfTimes(profile);
    let busy = 0;
    for (const node of profile.nodes) {
      const us = selfUs.get(node.id) ?? 0;
      const { functionName, url, lineNumber } = node.callFrame;
      if (us === 0 || IDLE.has(functionName)) continue;
      busy += us;
      total += us;
      const where = shortUrl(url);
      const fn = `${functionName || '(anonymous)'} ${where ? `${where}:${lineNumber + 1}` : ''}`.trim();
      byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
      const area = where || functionName || '(native)';
      byFile.set(area, (byFile.get(area) ?? 0) + us);
    }
    threads.push(`${(busy / 1e6).toFixed(1)} s`);
  }
  const lines = [
    `${files.length} threads, ${(total / 1e6).toFixed(1)} s busy (per thread: ${threads.join(', ')}; main thread first)`,
  ];
  const list = (title, map) => {
    lines.push(title);
    for (const [name, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top))
      lines.push(
        `  ${(us / 1e3).toFixed(0).padStart(7)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${name}`,
      );
  };
  list('by function (self time):', byFunction);
  list('by file:', byFile);
  return lines;
}

/** Not work: the main thread idle, a piscina worker blocked until its next task. */
const IDLE = new Set(['(idle)', 'atomicsWaitLoop']);

/** Self time per node, in µs, from the samples and their time deltas. */
function selfTimes(profile) {
  const out = new Map();
  const { samples = [], timeDeltas = [] } = profile;
  for (let i = 0; i < samples.length; i++) {
    // a sample's time is the delta to the next one
    const us = timeDeltas[i + 1] ?? 0;
    out.set(samples[i], (out.get(samples[i]) ?? 0) + us);
  }
  return out;
}

/** `src/daemon/app-reconciler.ts`, `node_modules/piscina`, `node:internal/…`, or '' for natives. */
function shortUrl(url) {
  if (!url) return '';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return `node_modules/${rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]}`;
  }
  const src = url.lastIndexOf('/src/');
  if (src >= 0) return url.slice(src + 1);
  return url.replace(/^file:\/\//, '');
}
