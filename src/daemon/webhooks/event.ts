/** What a verified webhook says happened, whichever Git host sent it. */
/** What every event carries: the delivery's id, for replay protection, when the sender gives one. */
interface Delivered {
  delivery?: string;
}

export interface PushEvent extends Delivered {
  kind: 'push';
  /** every URL the payload gives for the repository (clone, web, SSH): matched normalized */
  repoUrls: string[];
  /** the branch pushed to, or undefined for a tag */
  branch?: string;
  tag?: string;
  /** the commit the ref now points to; undefined when the sender did not say (generic) */
  revision?: string;
  /** the push deleted the ref: nothing to sync */
  deleted?: boolean;
  /** files added, modified or removed; undefined when the provider does not say */
  changedPaths?: string[];
  /** the repository's default branch, when the payload names it (for `HEAD` applications) */
  defaultBranch?: string;
}

export type PullRequestAction = 'opened' | 'synchronize' | 'reopened' | 'closed' | 'merged';

export interface PullRequestEvent extends Delivered {
  kind: 'pull_request';
  repoUrls: string[];
  action: PullRequestAction;
  number: number;
  title?: string;
  headBranch: string;
  headSha?: string;
  baseBranch: string;
  url?: string;
}

export type WebhookEvent = PushEvent | PullRequestEvent;

/** Request headers as Node gives them (lower-case names; a repeated header as a list). */
export type WebhookHeaders = Readonly<Record<string, string | string[] | undefined>>;

/**
 * One Git host's webhooks: checks the signature of `body` against `secret` and reads the
 * events it reports — none for events Capstan does not act on (ping, issues, …). Throws a
 * `WEBHOOK_*` CapstanError for a delivery to refuse (missing or invalid signature, not JSON).
 */
export type WebhookProvider = (headers: WebhookHeaders, body: Buffer, secret: string) => WebhookEvent[];

/** `name`'s value in `headers`, whatever the case of the names there; the first of a repeated one. */
export function headerOf(headers: WebhookHeaders, name: string): string | undefined {
  let value = headers[name];
  if (value === undefined) {
    const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
    value = key === undefined ? undefined : headers[key];
  }
  return Array.isArray(value) ? value[0] : value;
}

/** The provider's result for `event`: it, tagged with the delivery id, or nothing. */
export function eventsOf(event: WebhookEvent | undefined, delivery: string | undefined): WebhookEvent[] {
  if (!event) return [];
  return [delivery ? { ...event, delivery } : event];
}
