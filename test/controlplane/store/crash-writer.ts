/**
 * Child process of crash.test.ts: `node --import tsx crash-writer.ts <dataDir> <run> <writers>`.
 * Writes forever with several writers in flight and prints `<writer> <step> <rev>[,<rev>]`
 * once a step is acknowledged, until the parent kills it with SIGKILL.
 */
import { openStore, type StoredObject, type StoreWrite } from '../../../src/controlplane/store/index.js';
import { stepWrites } from './crash-model.js';

const [dataDir, run, writersArg] = process.argv.slice(2);
const store = openStore({ dataDir });

/** Single writes go through create/update/delete, several through a transaction. */
async function apply(writes: StoreWrite[]): Promise<StoredObject[]> {
  if (writes.length > 1) return store.transaction(writes);
  const [write] = writes;
  if (write.op === 'create') return [await store.create(write.key, write.value)];
  if (write.op === 'update') return [await store.update(write.key, write.value)];
  return [await store.delete(write.key)];
}

async function writer(w: number): Promise<never> {
  for (let s = 0; ; s++) {
    const results = await apply(stepWrites(run, w, s));
    // Synchronous on Linux pipes: once written, the parent reads the line even if we die next.
    process.stdout.write(`${w} ${s} ${results.map((r) => r.revision).join(',')}\n`);
  }
}

for (let w = 0; w < Number(writersArg); w++) {
  writer(w).catch((e: Error) => {
    process.stderr.write(`writer ${w} failed: ${e.stack}\n`);
    process.exit(1);
  });
}
