export { createAppStore } from './create-store.js';
export { DEFAULT_INTERVALS, type StartPollersOptions, startPollers } from './pollers/index.js';
export * from './selectors.js';
export { sortOptions, sortSpec, TABLE_LABELS } from './tables.js';
export * from './types.js';
