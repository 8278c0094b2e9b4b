/**
 * Spreads periodic requeues so that keys added together do not come due together
 * (apimachinery's `wait.Jitter`): the result lies in `[ms, ms × (1 + factor))`. With the
 * default factor 0.1, a 5-minute resync lands between 5 min and 5 min 30 s. A factor of 0
 * or less means 1.0, as in apimachinery, so `jittered(60_000, 0)` is up to two minutes.
 */
export function jittered(ms: number, factor = 0.1, random: () => number = Math.random): number {
  const f = factor > 0 ? factor : 1;
  return ms + random() * f * ms;
}
