export * from './object.js';
export * from './errors.js';
export * from './kinds.js';
export * from './yaml.js';
export * from './patch-meta.js';
export * from './label-selector.js';
export * from './quantity.js';
export * from './config.js';
