/**
 * kustomize's ConfigMap and Secret generators: building the objects, the content-hash
 * name suffix, and `behavior: merge | replace`.
 *
 * Error codes (CapstanError.code):
 *   RENDER_GENERATOR_NO_NAME          an entry without `name`
 *   RENDER_GENERATOR_BAD_LITERAL      a `literals` entry that is not `key=value`
 *   RENDER_GENERATOR_BAD_FILE_SOURCE  a `files` entry like `=path`, `key=` or `a=b=c`
 *   RENDER_GENERATOR_ENV_INVALID      an env file line that is not UTF-8 (names file and line)
 *   RENDER_GENERATOR_DUPLICATE_KEY    one key from two sources of one generator
 *   RENDER_GENERATOR_COLLISION        a create/unspecified generator reusing an existing id
 *   RENDER_GENERATOR_NO_BASE          merge/replace with nothing to merge into
 *   RENDER_GENERATOR_AMBIGUOUS        merge/replace matching several objects
 *   RENDER_GENERATOR_FILE_UNREADABLE  a non-Capstan read failure
 * Loader errors (RENDER_FILE_NOT_FOUND, RENDER_NOT_A_FILE, …) keep their code, with the
 * generator named in the message.
 */
export { makeConfigMap, makeSecret } from './make.js';
export { contentHashSuffix, hashInput } from './hash.js';
export { mergeGenerated, absorbGenerated } from './merge.js';
export { mergeGeneratorOptions } from './options.js';
