/** Polls `check` until it returns a truthy value, or throws after `ms` with the last error: never a fixed sleep. */
export async function eventually<T>(
  check: () => T | Promise<T>,
  ms = 10_000,
  every = 20,
): Promise<Exclude<T, undefined | null | false | 0 | ''>> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v as Exclude<T, undefined | null | false | 0 | ''>;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline)
      throw new Error(`eventually: condition not met in ${ms} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, every));
  }
}
