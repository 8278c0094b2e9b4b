/**
 * Content negotiation on the Accept header, as kube-apiserver's `negotiation` package
 * does it: a media type may ask for a conversion with `as`/`g`/`v` parameters
 * (`application/json;as=Table;v=v1;g=meta.k8s.io`), and a client lists fallbacks in
 * order of preference (`…as=Table…,application/json`). We speak JSON only.
 */

/** What a response can be rendered as. */
export type Output =
  'json' | 'table' | 'partial-object' | 'partial-list' | 'discovery-v2' | 'discovery-v2beta1';

interface MediaRange {
  type: string;
  params: Record<string, string>;
  q: number;
}

function parseAccept(header: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  for (const part of header.split(',')) {
    const [type, ...rawParams] = part.split(';').map((s) => s.trim());
    if (!type) continue;
    const params: Record<string, string> = {};
    for (const p of rawParams) {
      const eq = p.indexOf('=');
      if (eq > 0)
        params[p.slice(0, eq).trim().toLowerCase()] = p
          .slice(eq + 1)
          .trim()
          .replace(/^"|"$/g, '');
    }
    const q = params.q === undefined ? 1 : Number(params.q);
    ranges.push({ type: type.toLowerCase(), params, q: Number.isFinite(q) ? q : 0 });
  }
  // Array.prototype.sort is stable: equal weights keep the client's order
  return ranges.filter((r) => r.q > 0).sort((a, b) => b.q - a.q);
}

/** The output one media range asks for, or undefined when we cannot produce it. */
function outputOf(range: MediaRange): Output | undefined {
  if (range.type !== 'application/json' && range.type !== 'application/*' && range.type !== '*/*') {
    return undefined;
  }
  const { as, g, v } = range.params;
  if (as === undefined) return 'json';
  if (g === 'meta.k8s.io' && (v === 'v1' || v === 'v1beta1')) {
    if (as === 'Table') return 'table';
    if (as === 'PartialObjectMetadata') return 'partial-object';
    if (as === 'PartialObjectMetadataList') return 'partial-list';
  }
  if (g === 'apidiscovery.k8s.io' && as === 'APIGroupDiscoveryList') {
    if (v === 'v2') return 'discovery-v2';
    if (v === 'v2beta1') return 'discovery-v2beta1';
  }
  return undefined;
}

/**
 * The first output the client accepts among those the endpoint offers; undefined means
 * 406. No Accept header at all means plain JSON.
 */
export function negotiate(accept: string | undefined, offered: readonly Output[]): Output | undefined {
  if (!accept || !accept.trim()) return offered.includes('json') ? 'json' : offered[0];
  for (const range of parseAccept(accept)) {
    const out = outputOf(range);
    if (out && offered.includes(out)) return out;
  }
  return undefined;
}

/** The Content-Type of aggregated discovery: clients tell the format apart by it alone. */
export function discoveryContentType(out: 'discovery-v2' | 'discovery-v2beta1'): string {
  const version = out === 'discovery-v2' ? 'v2' : 'v2beta1';
  return `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`;
}

/** The media type of a request body without its parameters (`; charset=utf-8`). */
export function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}
