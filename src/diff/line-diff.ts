/**
 * Line diff (Myers' O(ND) algorithm, "An O(ND) Difference Algorithm and Its Variations",
 * 1986) and unified hunks. Hand-written: no line-diff library is among our dependencies,
 * and the few dozen lines here are all a per-object YAML diff needs.
 */

export type EditOp = ' ' | '-' | '+';

export interface Edit {
  op: EditOp;
  line: string;
}

/**
 * Beyond this many differing lines the edit path is not searched: the middle is shown as
 * removed then added. Keeps the trace (D² integers) small for a wholly rewritten ConfigMap.
 */
const MAX_EDIT_DISTANCE = 1000;

/** The edit script turning `a` into `b`: kept (' '), removed ('-') and added ('+') lines, in order. */
export function diffLines(a: readonly string[], b: readonly string[]): Edit[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const out: Edit[] = [];
  for (let i = 0; i < start; i++) out.push({ op: ' ', line: a[i]! });
  out.push(...middle(a.slice(start, endA), b.slice(start, endB)));
  for (let i = endA; i < a.length; i++) out.push({ op: ' ', line: a[i]! });
  return out;
}

function middle(a: readonly string[], b: readonly string[]): Edit[] {
  const n = a.length;
  const m = b.length;
  const removeAll = () => [
    ...a.map((line): Edit => ({ op: '-', line })),
    ...b.map((line): Edit => ({ op: '+', line })),
  ];
  if (n === 0 || m === 0) return removeAll();
  // lines as numbers: comparing integers is cheaper than strings in the inner loop
  const ids = new Map<string, number>();
  const id = (s: string) => {
    let v = ids.get(s);
    if (v === undefined) ids.set(s, (v = ids.size));
    return v;
  };
  const A = Int32Array.from(a, id);
  const B = Int32Array.from(b, id);
  const max = Math.min(n + m, MAX_EDIT_DISTANCE);
  const offset = max + 1;
  // v[k + offset] = furthest x on diagonal k (k = x - y); trace[d] = v after step d
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    for (let k = -d; k <= d; k += 2) {
      let x =
        k === -d || (k !== d && v[k - 1 + offset]! < v[k + 1 + offset]!)
          ? v[k + 1 + offset]! // down: an insertion
          : v[k - 1 + offset]! + 1; // right: a deletion
      let y = x - k;
      while (x < n && y < m && A[x] === B[y]) {
        x++;
        y++;
      }
      v[k + offset] = x;
      if (x >= n && y >= m) {
        trace.push(v.slice());
        return backtrack(trace, a, b, offset);
      }
    }
    trace.push(v.slice());
  }
  return removeAll();
}

function backtrack(
  trace: readonly Int32Array[],
  a: readonly string[],
  b: readonly string[],
  offset: number,
): Edit[] {
  const out: Edit[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = trace.length - 1; d > 0; d--) {
    const v = trace[d - 1]!;
    const k = x - y;
    const down = k === -d || (k !== d && v[k - 1 + offset]! < v[k + 1 + offset]!);
    const prevK = down ? k + 1 : k - 1;
    const prevX = v[prevK + offset]!;
    const prevY = prevX - prevK;
    for (; x > prevX && y > prevY; y--) out.push({ op: ' ', line: a[--x]! });
    if (down) out.push({ op: '+', line: b[--y]! });
    else out.push({ op: '-', line: a[--x]! });
  }
  for (; x > 0 && y > 0; y--) out.push({ op: ' ', line: a[--x]! });
  return out.reverse();
}

export interface Hunk {
  /** `@@ -l,s +l,s @@` */
  header: string;
  edits: Edit[];
}

/** Groups an edit script into unified hunks with `context` unchanged lines around each change. */
export function hunks(edits: readonly Edit[], context = 3): Hunk[] {
  const out: Hunk[] = [];
  // positions (in `edits`) of changed lines; a hunk spans changes closer than 2 × context
  const changes: number[] = [];
  edits.forEach((e, i) => {
    if (e.op !== ' ') changes.push(i);
  });
  let c = 0;
  while (c < changes.length) {
    let last = c;
    while (last + 1 < changes.length && changes[last + 1]! - changes[last]! <= 2 * context + 1) last++;
    const from = Math.max(0, changes[c]! - context);
    const to = Math.min(edits.length, changes[last]! + context + 1);
    // line numbers (1-based) of the hunk's first line on each side
    let oldLine = 1;
    let newLine = 1;
    for (let i = 0; i < from; i++) {
      if (edits[i]!.op !== '+') oldLine++;
      if (edits[i]!.op !== '-') newLine++;
    }
    const slice = edits.slice(from, to);
    const oldCount = slice.filter((e) => e.op !== '+').length;
    const newCount = slice.filter((e) => e.op !== '-').length;
    // an empty side names the line before it (`-0,0` for a file that did not exist)
    const range = (line: number, count: number) => `${count === 0 ? line - 1 : line},${count}`;
    out.push({ header: `@@ -${range(oldLine, oldCount)} +${range(newLine, newCount)} @@`, edits: slice });
    c = last + 1;
  }
  return out;
}
