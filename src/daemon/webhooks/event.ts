/** What a verified webhook says happened, whichever Git host sent it. */
export interface PushEvent {
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

export interface PullRequestEvent {
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

/** A request as a provider sees it: lower-cased header names, the raw body. */
export interface WebhookRequest {
  headers: Record<string, string | undefined>;
  body: Buffer;
}

export interface WebhookProvider {
  name: 'github' | 'gitlab' | 'gitea' | 'bitbucket' | 'generic';
  /** whether the request carries a valid signature for `secret` */
  verify(req: WebhookRequest, secret: string): boolean;
  /** the provider's delivery id (for replay protection), if it sends one */
  deliveryId(req: WebhookRequest): string | undefined;
  /** the event, or undefined for events Capstan does not act on (ping, issues, …) */
  parse(req: WebhookRequest, payload: unknown): WebhookEvent | undefined;
}
