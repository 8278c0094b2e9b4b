/**
 * The path rules every render judges files by (src/render/root.ts): their fast paths for
 * plain relative paths must agree with path.resolve and path.relative on every input.
 */
import test from 'ava';
import path from 'node:path';
import { isInside, isPlainRelative, resolveBelow } from '../../src/render/root.js';

const RELATIVE = [
  'a.yaml',
  'apps/app-1/deployment.yaml',
  '.hidden',
  'a/.hidden/b',
  '..a/b',
  'a..',
  '...',
  './a',
  'a/./b',
  'a/../b',
  '../a',
  '..',
  '.',
  'a//b',
  'a/',
  '/a',
  '',
  'a/b/..',
];

test('isPlainRelative accepts only paths of non-empty segments other than . and ..', (t) => {
  const plain = RELATIVE.filter(isPlainRelative);
  t.deepEqual(plain, [
    'a.yaml',
    'apps/app-1/deployment.yaml',
    '.hidden',
    'a/.hidden/b',
    '..a/b',
    'a..',
    '...',
  ]);
});

test('resolveBelow is path.resolve for every relative path, from / and from a directory', (t) => {
  for (const dir of ['/', '/repo', '/repo/overlays/prod']) {
    for (const rel of RELATIVE) t.is(resolveBelow(dir, rel), path.resolve(dir, rel), `${dir} + ${rel}`);
  }
});

test('isInside agrees with path.relative, whatever the paths look like', (t) => {
  const paths = [
    '/',
    '/repo',
    '/repo/',
    '/repo/a',
    '/repo/a/b',
    '/repository',
    '/repo/../etc',
    '/repo/a/../../etc',
    '/repo/./a',
    '/repo/.git/config',
    '/repo//a',
    '/other',
  ];
  const slow = (parent: string, child: string) => {
    const rel = path.relative(parent, child);
    return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
  };
  for (const parent of paths) {
    for (const child of paths) t.is(isInside(parent, child), slow(parent, child), `${child} in ${parent}`);
  }
  t.false(isInside('/repo', '/repository'));
  t.false(isInside('/repo', '/repo/../etc'));
  t.true(isInside('/', '/etc'));
});
