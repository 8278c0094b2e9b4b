/** The Cluster interface and its drivers. This file is the layer's only public face. */
export * from './types.js';
export { embeddedCluster, type EmbeddedClusterOptions } from './embedded.js';
export { kubeCluster, type KubeClusterOptions } from './kube.js';
export type { KubeConfigSource } from './kube-config.js';
export type { ResumeOptions } from './resumable-watch.js';
