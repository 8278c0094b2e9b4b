/**
 * Secret values out of free text (an error, a sync message, a log line): the safety net
 * behind messages written never to quote Secret data. A value is looked for in every form a
 * message could show it — base64 as `data` holds it, decoded, and JSON-escaped — and what is
 * found becomes the value's mask (see secret-mask.ts).
 *
 * What counts as found: a run of 8 or more characters that starts a value (a parser's
 * message quotes the start of its input: `"hunter2-co"... is not valid JSON`), or a run of
 * 16 or more anywhere in one. Shorter runs inside a value are left alone, since a Secret
 * holding a config file shares words with ordinary messages ("namespace", "Deployment")
 * and masking those would garble messages without hiding anything a reader could use.
 */
import { isJsonObject, type KubeObject } from './object.js';
import { isSecret, SecretMasker, SECRET_MASK_MIN_LENGTH } from './secret-mask.js';

/** One Secret value: its key, its base64 form (what identifies it for masking) and the forms to look for. */
export interface SecretValue {
  key: string;
  base64: string;
  forms: string[];
}

const PREFIX_RUN = SECRET_MASK_MIN_LENGTH;
const ANYWHERE_RUN = 16;

/** The values of every core/v1 Secret among `objects` (`data` and `stringData`). */
export function secretValuesOf(objects: readonly KubeObject[]): SecretValue[] {
  const out: SecretValue[] = [];
  for (const obj of objects) {
    if (!isSecret(obj)) continue;
    for (const [key, v] of entries(obj.data))
      out.push(valueOf(key, v, Buffer.from(v, 'base64').toString('utf8')));
    for (const [key, v] of entries(obj.stringData))
      out.push(valueOf(key, Buffer.from(v, 'utf8').toString('base64'), v));
  }
  return out;
}

function entries(map: unknown): Array<[string, string]> {
  if (!isJsonObject(map)) return [];
  return Object.entries(map).filter((e): e is [string, string] => typeof e[1] === 'string');
}

function valueOf(key: string, base64: string, clear: string): SecretValue {
  const escaped = JSON.stringify(clear).slice(1, -1);
  const forms = [...new Set([base64, clear, escaped])].filter((f) => f.length >= PREFIX_RUN);
  return { key, base64, forms };
}

/**
 * `text` with every run of a Secret value masked (see the file comment). Pass one `masker`
 * to several calls to keep masks stable across them.
 */
export function redactSecretValues(
  text: string,
  values: readonly SecretValue[],
  masker: SecretMasker = new SecretMasker(),
): string {
  if (text.length < PREFIX_RUN || values.length === 0) return text;
  const index = new WindowIndex(text);
  const owner = new Int32Array(text.length).fill(-1); // which value the window at i belongs to
  const startsValue = new Uint8Array(text.length);
  values.forEach((value, n) => {
    for (const form of value.forms) {
      index.matches(form, (i, j) => {
        if (owner[i] < 0) owner[i] = n;
        if (j === 0) startsValue[i] = 1;
      });
    }
  });
  let out = '';
  let copied = 0;
  for (let i = 0; i < text.length; i++) {
    if (owner[i] < 0) continue;
    // consecutive matching windows i..k cover the characters i .. k+7
    let k = i;
    let startsOne = startsValue[i] === 1;
    while (k + 1 < text.length && owner[k + 1] >= 0) {
      k++;
      if (startsValue[k]) startsOne = true;
    }
    const end = k + PREFIX_RUN;
    if (startsOne || end - i >= ANYWHERE_RUN) {
      const value = values[owner[i]];
      out += text.slice(copied, i) + masker.mask(value.key, value.base64);
      copied = end;
    }
    i = k;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

const BASE = 257;
let basePower = 1; // BASE^(W-1) mod 2^32: what the character leaving a window weighed
for (let k = 1; k < PREFIX_RUN; k++) basePower = Math.imul(basePower, BASE);

/**
 * The text's 8-character windows by rolling hash (Rabin–Karp). A message is short and a
 * value may be a MiB: indexing the message and streaming the value over it costs no
 * memory for the value and no string per position (slicing one took 400 ms a MiB).
 */
class WindowIndex {
  private readonly byHash = new Map<number, number[]>();
  // a cheap first test: most of a value's windows hash to a bucket no window of the text is in
  private readonly buckets = new Uint8Array(1 << 16);

  constructor(private readonly text: string) {
    forEachWindow(text, (h, i) => {
      const at = this.byHash.get(h);
      if (at) at.push(i);
      else this.byHash.set(h, [i]);
      this.buckets[h & 0xffff] = 1;
    });
  }

  /** Calls `found(i, j)` for each window of the text at i equal to the window of `form` at j. */
  matches(form: string, found: (i: number, j: number) => void): void {
    // the loop of forEachWindow, inlined: it runs once per character of a value
    if (form.length < PREFIX_RUN) return;
    const buckets = this.buckets;
    let h = hashAt(form, 0);
    for (let j = 0; ; j++) {
      if (buckets[h & 0xffff]) {
        for (const i of this.byHash.get(h) ?? []) if (sameWindow(this.text, i, form, j)) found(i, j);
      }
      if (j + PREFIX_RUN >= form.length) return;
      h = roll(h, form.charCodeAt(j), form.charCodeAt(j + PREFIX_RUN));
    }
  }
}

function hashAt(s: string, start: number): number {
  let h = 0;
  for (let k = 0; k < PREFIX_RUN; k++) h = (Math.imul(h, BASE) + s.charCodeAt(start + k)) | 0;
  return h;
}

/** The hash of the next window: `leaving` drops out at the front, `entering` comes in at the back. */
function roll(h: number, leaving: number, entering: number): number {
  return (Math.imul(h - Math.imul(leaving, basePower), BASE) + entering) | 0;
}

function forEachWindow(s: string, each: (hash: number, start: number) => void): void {
  if (s.length < PREFIX_RUN) return;
  let h = hashAt(s, 0);
  for (let j = 0; ; j++) {
    each(h, j);
    if (j + PREFIX_RUN >= s.length) return;
    h = roll(h, s.charCodeAt(j), s.charCodeAt(j + PREFIX_RUN));
  }
}

function sameWindow(a: string, i: number, b: string, j: number): boolean {
  for (let k = 0; k < PREFIX_RUN; k++) if (a.charCodeAt(i + k) !== b.charCodeAt(j + k)) return false;
  return true;
}
