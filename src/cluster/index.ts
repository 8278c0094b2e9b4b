/** The Cluster interface and its drivers. This file is the layer's only public face. */
export * from './types.js';
