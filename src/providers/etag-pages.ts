/**
 * Conditional requests for paged lists (the open pull requests a preview poll reads): each
 * page's URL keeps the ETag and body of its last 200, the next GET of that URL sends
 * If-None-Match, and a 304 is answered from the kept body. A listing is `unchanged` only when
 * every page it read was a 304; a provider that ignores If-None-Match simply answers 200
 * every time, and the list is then always reported as changed.
 */

export interface KeptPage {
  etag: string;
  body: unknown;
  headers: Record<string, string>;
}

/** The pages kept for one client, by URL. */
export class EtagPages {
  readonly #pages = new Map<string, KeptPage>();

  /** The If-None-Match header for `url`, when a page is kept for it. */
  conditionFor(url: string): Record<string, string> {
    const kept = this.#pages.get(url);
    return kept ? { 'if-none-match': kept.etag } : {};
  }

  kept(url: string): KeptPage | undefined {
    return this.#pages.get(url);
  }

  /** Keeps a 200's page when it came with an ETag. */
  keep(url: string, etag: string | null | undefined, body: unknown, headers: Record<string, string>): void {
    if (etag) this.#pages.set(url, { etag, body, headers });
    else this.#pages.delete(url);
  }
}

/** Counts one listing's pages and how many were 304: `unchanged` when all were. */
export class PageTally {
  pages = 0;
  notModified = 0;

  get unchanged(): boolean {
    return this.pages > 0 && this.notModified === this.pages;
  }
}
