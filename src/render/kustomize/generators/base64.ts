/**
 * Base64 as kustomize writes Secret data and ConfigMap binaryData (kyaml
 * `encodeBase64`): when the encoding is 70 characters or longer, every 70-character
 * line — the last one too — ends with "\n". The newlines are part of the value, so they
 * are in the output (a `|` block) and in the hash.
 *
 * Example: 52 zero bytes encode to 72 characters, written as "AAAA…(70)\n==\n";
 * 51 bytes encode to 68 characters, written on one line without a newline.
 */
const LINE = 70;

/** Encodes bytes to base64 wrapped the way kustomize does. */
export function encodeBase64Wrapped(bytes: Buffer): string {
  const flat = bytes.toString('base64');
  if (flat.length < LINE) return flat;
  const lines: string[] = [];
  for (let i = 0; i < flat.length; i += LINE) lines.push(flat.slice(i, i + LINE));
  return lines.join('\n') + '\n';
}
