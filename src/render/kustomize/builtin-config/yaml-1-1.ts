/**
 * The `yaml` package, for the YAML 1.1 reading of `configurations:` and CRD files, loaded
 * on first use: a render that has none (most) does not pay its start-up (72 modules,
 * ~0.1 s of `capstan render`'s start; issue 11).
 */
import { createRequire } from 'node:module';
import type { parseAllDocuments as ParseAllDocuments } from 'yaml';

let loaded: typeof ParseAllDocuments | undefined;

export const parseAllDocuments: typeof ParseAllDocuments = ((
  ...args: Parameters<typeof ParseAllDocuments>
) => {
  loaded ??= (createRequire(import.meta.url)('yaml') as { parseAllDocuments: typeof ParseAllDocuments })
    .parseAllDocuments;
  return loaded(...args);
}) as typeof ParseAllDocuments;
