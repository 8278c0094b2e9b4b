/**
 * The embedded control plane's Kubernetes-compatible HTTP API: what `kubectl` and
 * @kubernetes/client-node talk to, served over the in-process `Api`.
 */
export { createApiHandler, type RequestListener } from './handler.js';
export { defaultApiServerLimits, startApiServer, type ApiServer, type ApiServerOptions } from './server.js';
export {
  defaultMaxBodyBytes,
  versionInfo,
  type ApiHandlerOptions,
  type ApiHttpLogger,
  type VersionInfo,
} from './options.js';
