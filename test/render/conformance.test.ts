/**
 * The renderer's conformance suite: every fixture under test/render/fixtures is a small kustomize
 * tree, and Capstan's `render` must give exactly what `kubectl kustomize` (kustomize v5.5) gave —
 * the same objects, in the same order, printed byte for byte as kubectl prints them — or, for
 * error fixtures, fail with a user-facing message.
 * Reference outputs come from test/render/generate-expected.mjs; see test/render/README.md.
 */
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { emitYamlDocuments } from '../../src/core/yaml-emit.js';
import { render } from '../../src/render/index.js';

interface Fixture {
  /** directory to build, relative to the fixture; default "." */
  target?: string;
  covers: string[];
  /** regex (case-insensitive) that Capstan's error message must match; set for error fixtures */
  error?: string;
  kustomizeFails: boolean;
  /** symlinks the fixture needs: link path -> link target, both relative to the fixture */
  symlinks?: Record<string, string>;
  /** why Capstan's printed text differs from kubectl's although the objects are equal */
  textDiffers?: string;
}

const fixturesDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

const fixtureNames = fs
  .readdirSync(fixturesDir, { withFileTypes: true })
  .filter((d) => d.isDirectory() && /^\d{3}-/.test(d.name))
  .map((d) => d.name)
  .sort();

/** A checkout may lose symlinks (e.g. core.symlinks=false); put them back as the generator does. */
function ensureSymlinks(dir: string, symlinks: Record<string, string> = {}): void {
  for (const [link, target] of Object.entries(symlinks)) {
    const at = path.join(dir, link);
    let current: string | undefined;
    try {
      current = fs.readlinkSync(at);
    } catch {
      current = undefined;
    }
    if (current === target) continue;
    fs.rmSync(at, { force: true });
    fs.symlinkSync(target, at);
  }
}

/**
 * kubectl's output is YAML that a YAML 1.1 reader reads correctly (ambiguous strings such as
 * "yes", "on", "0644" are quoted), so the default YAML 1.2 core schema reads it faithfully too.
 */
function parseExpected(file: string): unknown[] {
  const docs = parseAllDocuments(fs.readFileSync(file, 'utf8'));
  const out: unknown[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]!.message}`);
    if (doc.contents === null) continue;
    out.push(doc.toJS());
  }
  return out;
}

test('the suite has fixtures', (t) => {
  t.true(fixtureNames.length > 0);
});

for (const name of fixtureNames) {
  const dir = path.join(fixturesDir, name);
  const fx = JSON.parse(fs.readFileSync(path.join(dir, 'fixture.json'), 'utf8')) as Fixture;
  const target = path.join(dir, fx.target ?? '.');

  test(name, (t) => {
    ensureSymlinks(dir, fx.symlinks);

    if (fx.error === undefined) {
      const expectedFile = path.join(dir, 'expected.yaml');
      if (!fs.existsSync(expectedFile)) {
        t.fail(`${name}/expected.yaml is missing: run node test/render/generate-expected.mjs`);
        return;
      }
      const expected = parseExpected(expectedFile);
      const { objects } = render(target, { repoRoot: dir });
      t.deepEqual(objects, expected);
      // and printed as kubectl prints them, byte for byte
      if (fx.textDiffers === undefined)
        t.is(emitYamlDocuments(objects), fs.readFileSync(expectedFile, 'utf8'));
      return;
    }

    const err = t.throws(() => render(target, { repoRoot: dir }), { message: new RegExp(fx.error, 'i') });
    if (!err) return;
    const code = (err as Error & { code?: unknown }).code;
    t.is(typeof code, 'string', 'the error carries a string `code`');
    t.regex(String(code), /^(RENDER|MERGE|YAML)_[A-Z0-9_]+$/, 'the code is one of the documented families');
    t.notRegex(err.message, /\n\s+at .+(:\d+:\d+\)?|<anonymous>)/, 'no stack trace in the message');
    t.false(err.message.includes(fixturesDir), 'paths in the message are relative, not absolute');
  });
}
