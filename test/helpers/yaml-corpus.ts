/**
 * Random block-style YAML texts from a seed, for comparing the fast YAML reader with
 * js-yaml: mappings and sequences (compact ones too) at varied indentation, tricky keys and
 * scalars, block scalars with every header, comments, document markers. Many of the texts
 * are invalid on purpose; the same seed always gives the same texts.
 */

/** A small deterministic generator (mulberry32). */
function random(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KEYS = [
  'a',
  'b',
  'c',
  'key',
  'x y',
  '1',
  '2',
  'true',
  'null',
  '~',
  '"q"',
  "'s'",
  'a:b',
  '0x1F',
  '.inf',
  'a#b',
  '2001-12-14',
  'z.y/x',
  'k-1',
  '"a: b"',
  "'it''s'",
  '10',
  '01',
  'é',
];
const SCALARS = [
  'v',
  'yes',
  '~',
  'Null',
  '0x1F',
  '0644',
  '09',
  '1_000',
  '1e3',
  '.5',
  '-.inf',
  '2001-12-14',
  '12:30',
  '"quoted"',
  "'it''s'",
  '"a: b"',
  'http://x:80',
  'v   ',
  'x # c',
  'x#c',
  '[]',
  '{}',
  '[a, "b", 1]',
  '{a: 1, b: "x"}',
  '"\\n\\x41\\u00e9\\t"',
  '[ a , b ]',
  '{ }',
  'true',
  'FALSE',
  '+12',
  '1.0',
  '0.',
  '1e400',
  'a b c',
  '-1',
  '-x',
  '"#"',
  "'  sp  '",
  '""',
  "''",
  'a,b',
  'a]',
  '{"k": v, 2: 3}',
  '<<',
  '"\\u00e9"',
  'é ü',
  '%',
  'a%',
  '?x',
  ':x',
];
const BLOCK_LINES = ['line', '  more', '', '   ', '# hash', '    deep', 'trail  ', 'x: y', '- z', '---x', ''];

export function yamlCorpus(seed: number, count: number): string[] {
  const rnd = random(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)];

  const block = (ind: number): string => {
    const head = pick(['|', '|-', '|+', '>', '>-', '>+']) + pick(['', '', ' # c', '  ']);
    const extra = pick([0, 1, 1, 2, 3]);
    const lines: string[] = [];
    for (let i = 1 + Math.floor(rnd() * 5); i > 0; i--) {
      const l = pick(BLOCK_LINES);
      lines.push(l === '' ? pick(['', ' '.repeat(ind + extra + 2)]) : ' '.repeat(ind + extra) + l);
    }
    if (lines.every((l) => l.trim() === '')) lines.push(' '.repeat(ind + extra) + 'x');
    while (lines[0].trim() === '') lines.shift();
    return head + '\n' + lines.join('\n') + pick(['', '\n', '\n  ']);
  };
  const comment = () =>
    rnd() < 0.1 ? ' '.repeat(Math.floor(rnd() * 6)) + '# c\n' : rnd() < 0.05 ? '\n' : '';

  // a node at column `ind`, starting after a key or a dash on the current line
  const node = (ind: number, depth: number): string => {
    const r = rnd();
    if (ind >= 0 && (depth > 3 || r < 0.45)) {
      if (rnd() < 0.1) return ' ' + block(ind);
      return ' ' + pick(SCALARS) + (rnd() < 0.1 ? ' # t' : '') + '\n';
    }
    if (r < 0.75) {
      const step = ind < 0 ? 2 : pick([2, 2, 4, 1, 3]);
      const used = new Set<string>();
      let out = '\n';
      for (let i = 1 + Math.floor(rnd() * 3); i > 0; i--) {
        const k = pick(KEYS);
        if (used.has(k)) continue;
        used.add(k);
        out += comment() + ' '.repeat(ind + step) + k + ':' + node(ind + step, depth + 1);
      }
      return out;
    }
    const same = rnd() < 0.4 && ind >= 0 ? 0 : ind < 0 ? 2 : pick([2, 2, 4, 1]);
    let out = '\n';
    for (let i = 1 + Math.floor(rnd() * 3); i > 0; i--) {
      const c = ind + same;
      if (rnd() < 0.4) {
        // a compact mapping: `- key: value` and its keys below
        const gap = pick([1, 1, 3]);
        const kc = c + 1 + gap;
        const used = new Set<string>();
        let first = true;
        for (let j = 1 + Math.floor(rnd() * 3); j > 0; j--) {
          const k = pick(KEYS);
          if (used.has(k)) continue;
          used.add(k);
          out +=
            (first ? comment() + ' '.repeat(c) + '-' + ' '.repeat(gap) : comment() + ' '.repeat(kc)) +
            k +
            ':' +
            node(kc, depth + 1);
          first = false;
        }
      } else {
        out += comment() + ' '.repeat(c) + '-' + node(c, depth + 1);
      }
    }
    return out;
  };
  const doc = (): string => {
    for (;;) {
      const t = node(-2, 0);
      if (t.startsWith('\n')) return t.slice(1);
    }
  };

  const texts: string[] = [];
  for (let n = 0; n < count; n++) {
    const docs = Array.from({ length: 1 + Math.floor(rnd() * 2) }, doc);
    let text = (rnd() < 0.3 ? '---\n' : '') + docs.join(pick(['---\n', '--- # x\n', '---\n\n']));
    if (rnd() < 0.2) text = text.replace(/\n$/, '');
    texts.push(text);
  }
  return texts;
}
