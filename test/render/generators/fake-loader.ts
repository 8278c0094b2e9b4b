/** An in-memory FileLoader for generator tests. */
import { CapstanError } from '../../../src/core/index.js';
import type { FileLoader } from '../../../src/render/kustomize/types.js';

export function fakeLoader(files: Record<string, string | Buffer>, dir = 'app'): FileLoader {
  return {
    dir: '/repo/' + dir,
    display: (rel) => `${dir}/${rel}`,
    readBytes(rel) {
      const f = files[rel];
      if (f === undefined) {
        throw new CapstanError('RENDER_FILE_NOT_FOUND', `${dir}/${rel}: file does not exist`, { path: rel });
      }
      return typeof f === 'string' ? Buffer.from(f, 'utf8') : f;
    },
    readFile(rel) {
      return this.readBytes(rel).toString('utf8');
    },
  };
}
