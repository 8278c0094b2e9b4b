/**
 * The one place Capstan starts Node timers. Node keeps delays in a signed 32-bit field:
 * anything above 2^31−1 ms (24.8 days) — or NaN — is silently set to 1 ms, so a
 * `pollInterval: 1000000h` once polled a Git server 23–62 times a second. Every timer in
 * src/ goes through here (eslint's no-restricted-globals enforces it), and durations a
 * user writes are refused above the range when the configuration is read.
 */

/** The longest delay Node's timers hold: 2^31−1 ms, about 24.8 days. */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/**
 * A delay Node can keep: clamped to [0, MAX_TIMER_DELAY_MS]; NaN counts as 0.
 * Worked example: 3.6e12 (1,000,000 h) → 2,147,483,647; −5 → 0.
 */
export function timerDelay(ms: number): number {
  if (!(ms > 0)) return 0;
  return Math.min(ms, MAX_TIMER_DELAY_MS);
}

/** `setTimeout` with a clamped delay. */
export function setTimer(fn: () => void, ms: number): NodeJS.Timeout {
  // eslint-disable-next-line no-restricted-globals -- the one sanctioned caller
  return setTimeout(fn, timerDelay(ms));
}

/** `setInterval` with a clamped period (at least 1 ms, as Node would use for 0). */
export function setRepeatingTimer(fn: () => void, ms: number): NodeJS.Timeout {
  // eslint-disable-next-line no-restricted-globals -- the one sanctioned caller
  return setInterval(fn, Math.max(1, timerDelay(ms)));
}

/** Resolves after `ms` (clamped). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimer(resolve, ms));
}
