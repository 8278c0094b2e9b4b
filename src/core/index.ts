export * from './object.js';
export * from './errors.js';
export * from './kinds.js';
