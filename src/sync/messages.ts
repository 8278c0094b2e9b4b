/** How the engine names objects and errors in what it reports. */
import { isCapstanError } from '../core/index.js';

/** `Deployment shop/web`, `Namespace shop`. */
export const describeObject = (o: { kind: string; metadata: { name?: string; namespace?: string } }) =>
  `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name ?? ''}`;

/** `<object>: <why>`, naming the object once when `why` already starts with it (a ClusterError's does). */
export const aboutObject = (what: string, why: string) =>
  why.startsWith(`${what}: `) ? why : `${what}: ${why}`;

/** A thrown value's message, with the code of a CapstanError. */
export const messageOf = (e: unknown) =>
  isCapstanError(e) ? `${e.message} [${e.code}]` : String((e as Error)?.message ?? e);
