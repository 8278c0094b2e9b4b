#!/usr/bin/env node
// Regenerates the reference outputs of the renderer's conformance suite by running the real
// `kubectl kustomize` (kustomize v5.5) on every fixture under test/render/fixtures.
//
//   node test/render/generate-expected.mjs                 # all fixtures, writes outputs
//   node test/render/generate-expected.mjs 042 patches     # only fixtures whose name contains an argument
//   node test/render/generate-expected.mjs --check         # writes nothing; fails if an output is stale
//   KUBECTL=/path/to/kubectl node test/render/generate-expected.mjs
//
// For each fixture it writes exactly one of:
//   expected.yaml          kustomize succeeded and Capstan must print the same (no "error" in fixture.json)
//   kustomize-output.yaml  kustomize succeeded but Capstan refuses the tree ("error" set): for reference only
//   kustomize-error.txt    kustomize failed: its stderr, normalized so reruns are byte-identical
// and deletes the other two. It reports (and exits 1 on) any fixture whose `kustomizeFails` does not match
// what kubectl did, a success fixture kustomize rejects, an invalid fixture.json, or (with --check) a stale
// output. Idempotent: running it twice changes nothing.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixturesDir = path.join(here, 'fixtures');
const kubectl = process.env.KUBECTL || 'kubectl';
const args = process.argv.slice(2);
const check = args.includes('--check');
const filters = args.filter((a) => !a.startsWith('--'));

const OUTPUTS = ['expected.yaml', 'kustomize-output.yaml', 'kustomize-error.txt'];
const KNOWN_KEYS = new Set([
  'target',
  'covers',
  'error',
  'kustomizeFails',
  'symlinks',
  'note',
  'textDiffers',
]);

/** Fixture directories are named NNN-short-name; anything else (e.g. `_outside`) is support material. */
function fixtureNames() {
  return fs
    .readdirSync(fixturesDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && /^\d{3}-/.test(d.name))
    .map((d) => d.name)
    .sort();
}

function validate(name, fx) {
  const problems = [];
  for (const key of Object.keys(fx)) if (!KNOWN_KEYS.has(key)) problems.push(`unknown key "${key}"`);
  if (typeof fx.kustomizeFails !== 'boolean') problems.push('"kustomizeFails" must be true or false');
  if (!Array.isArray(fx.covers) || fx.covers.length === 0) problems.push('"covers" must list features');
  if (fx.target !== undefined && typeof fx.target !== 'string') problems.push('"target" must be a string');
  if (fx.error !== undefined) {
    try {
      new RegExp(fx.error, 'i');
    } catch (e) {
      problems.push(`"error" is not a valid regex: ${e.message}`);
    }
  }
  if (fx.kustomizeFails && fx.error === undefined)
    problems.push('kustomize fails but no "error" regex is given');
  return problems.map((p) => `${name}: fixture.json: ${p}`);
}

/** Symlinks are part of some fixtures; recreate them if a checkout lost them. */
function ensureSymlinks(dir, symlinks = {}) {
  for (const [link, target] of Object.entries(symlinks)) {
    const at = path.join(dir, link);
    let current;
    try {
      current = fs.readlinkSync(at);
    } catch {
      current = undefined;
    }
    if (current === target) continue;
    fs.rmSync(at, { force: true });
    fs.mkdirSync(path.dirname(at), { recursive: true });
    fs.symlinkSync(target, at);
  }
}

/** Makes kubectl's stderr stable across runs and machines. */
function normalizeStderr(text, dir) {
  return (
    text
      .split(dir)
      .join('<fixture>')
      .split(fixturesDir)
      .join('<fixtures>')
      // klog prefix: "E1125 01:55:12.622510   13493 run.go:72] "
      .replace(/^[EIWF]\d{4} \d{2}:\d{2}:\d{2}\.\d+\s+\d+ [\w.]+:\d+\] /gm, '')
      // Go pointers in messages such as "&{0xc000709040 <nil>}"
      .replace(/0x[0-9a-f]{8,}/g, '0x…')
  );
}

function writeIfChanged(file, content, stale) {
  const old = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
  if (old === content) return;
  if (check) stale.push(path.relative(here, file));
  else fs.writeFileSync(file, content);
}

function removeOthers(dir, keep, stale) {
  for (const f of OUTPUTS) {
    if (f === keep) continue;
    const file = path.join(dir, f);
    if (!fs.existsSync(file)) continue;
    if (check) stale.push(`${path.relative(here, file)} (should not exist)`);
    else fs.rmSync(file);
  }
}

const problems = [];
const stale = [];
let count = 0;
const tally = { success: 0, capstanOnlyError: 0, bothFail: 0 };

for (const name of fixtureNames()) {
  if (filters.length > 0 && !filters.some((f) => name.includes(f))) continue;
  count++;
  const dir = path.join(fixturesDir, name);
  let fx;
  try {
    fx = JSON.parse(fs.readFileSync(path.join(dir, 'fixture.json'), 'utf8'));
  } catch (e) {
    problems.push(`${name}: cannot read fixture.json: ${e.message}`);
    continue;
  }
  problems.push(...validate(name, fx));
  if (!check) ensureSymlinks(dir, fx.symlinks);

  const target = path.join(dir, fx.target ?? '.');
  const run = spawnSync(kubectl, ['kustomize', target], { encoding: 'utf8', timeout: 60_000 });
  if (run.error) {
    problems.push(`${name}: could not run ${kubectl}: ${run.error.message}`);
    continue;
  }
  const failed = run.status !== 0;

  if (failed !== fx.kustomizeFails) {
    problems.push(
      `${name}: fixture.json says kustomizeFails=${fx.kustomizeFails} but kubectl ${failed ? 'failed' : 'succeeded'}` +
        (failed ? `:\n    ${normalizeStderr(run.stderr, dir).trim().split('\n').join('\n    ')}` : ''),
    );
  }

  if (failed) {
    tally.bothFail++;
    writeIfChanged(path.join(dir, 'kustomize-error.txt'), normalizeStderr(run.stderr, dir), stale);
    removeOthers(dir, 'kustomize-error.txt', stale);
  } else if (fx.error !== undefined) {
    tally.capstanOnlyError++;
    writeIfChanged(path.join(dir, 'kustomize-output.yaml'), run.stdout, stale);
    removeOthers(dir, 'kustomize-output.yaml', stale);
  } else {
    tally.success++;
    writeIfChanged(path.join(dir, 'expected.yaml'), run.stdout, stale);
    removeOthers(dir, 'expected.yaml', stale);
  }
}

console.log(
  `${count} fixtures: ${tally.success} success, ${tally.bothFail} rejected by kustomize, ` +
    `${tally.capstanOnlyError} rejected by Capstan only`,
);
for (const s of stale) console.log(`stale: ${s}`);
for (const p of problems) console.log(`PROBLEM ${p}`);
if (problems.length > 0 || stale.length > 0) process.exitCode = 1;
