import type { EmulatorState } from './state.js';

/** The `demo` seed: a realistic account (filled in below). */
export function seedDemo(_state: EmulatorState): void {}
