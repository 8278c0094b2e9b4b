/** How the engine names objects and errors in what it reports. */
import { isCapstanError } from '../core/index.js';

/** `Deployment shop/web`, `Namespace shop`. */
export const describeObject = (o: { kind: string; metadata: { name?: string; namespace?: string } }) =>
  `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name ?? ''}`;

/** A thrown value's message, with the code of a CapstanError. */
export const messageOf = (e: unknown) =>
  isCapstanError(e) ? `${e.message} [${e.code}]` : String((e as Error)?.message ?? e);
