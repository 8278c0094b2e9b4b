/**
 * What one PreviewSet knows of its open pull requests, from two sources: the verified
 * webhooks (at once) and the slow poll of the provider's list (the repair). A list replaces
 * what was known, except for the pull requests a webhook spoke of after the list was asked
 * for: the list may predate that event (a PR opened while the list was on its way).
 */
import type { OpenPullRequest } from './preview-settings.js';

export class OpenPullRequests {
  readonly #open = new Map<number, OpenPullRequest>();
  /** when a webhook last spoke of each pull request (ms) */
  readonly #heard = new Map<number, number>();

  /** Starts from what the PreviewSet recorded (after a restart, before the first list). */
  seed(pulls: readonly OpenPullRequest[]): void {
    for (const pr of pulls) if (!this.#open.has(pr.number)) this.#open.set(pr.number, pr);
  }

  /** A webhook: the pull request is open at `pr.headSha`, or closed/merged. */
  event(pr: OpenPullRequest, open: boolean, at: number): void {
    this.#heard.set(pr.number, at);
    if (open) this.#open.set(pr.number, pr);
    else this.#open.delete(pr.number);
  }

  /** The provider's list, asked for at `askedAt` (ms). */
  list(pulls: readonly OpenPullRequest[], askedAt: number): void {
    const listed = new Map(pulls.map((pr) => [pr.number, pr]));
    for (const number of [...this.#open.keys()])
      if (!listed.has(number) && !this.#heardSince(number, askedAt)) this.#open.delete(number);
    for (const [number, pr] of listed) if (!this.#heardSince(number, askedAt)) this.#open.set(number, pr);
    // events older than this list are in it: forget them
    for (const [number, at] of [...this.#heard]) if (at < askedAt) this.#heard.delete(number);
  }

  open(): OpenPullRequest[] {
    return [...this.#open.values()].sort((a, b) => a.number - b.number);
  }

  #heardSince(number: number, at: number): boolean {
    return (this.#heard.get(number) ?? -Infinity) >= at;
  }
}
