/**
 * The daemon's last line against leaks: whatever it writes about a sync (history messages,
 * failed-revision reasons, errors the queue logs and keeps) passes through here, so that
 * neither a Secret value of the rendered set nor credentials in a URL reach the API, the
 * state store or a log — even when the code that made the message quoted one.
 */
import {
  redactSecretValues,
  SecretMasker,
  secretValuesOf,
  type KubeObject,
  type SecretValue,
} from '../core/index.js';
import { redactText } from '../git/index.js';

export class Redactor {
  private readonly values: SecretValue[];
  // one masker: the same value gets the same mask in every message of a sync
  private readonly masker = new SecretMasker();

  /** `objects`: the rendered set, whose Secrets' values are looked for. */
  constructor(objects: readonly KubeObject[] = []) {
    this.values = secretValuesOf(objects);
  }

  text(text: string): string;
  text(text: string | undefined): string | undefined;
  text(text: string | undefined): string | undefined {
    return text === undefined ? undefined : redactSecretValues(redactText(text), this.values, this.masker);
  }

  /**
   * Redacts an error's message and stack in place before it is thrown on: the queue logs
   * it and BullMQ keeps both in Redis. The same error object, so its code and retry
   * classification are kept.
   */
  error<E>(e: E): E {
    if (!(e instanceof Error)) return e;
    const message = this.text(e.message);
    if (message !== e.message) e.message = message;
    if (e.stack !== undefined) e.stack = this.text(e.stack);
    return e;
  }
}
