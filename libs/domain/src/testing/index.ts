/** Spec helpers and fixtures for domain tests. Not exported from the package root: it uses jest's `expect`. */
export * from './given';
export * from './fixtures';
export * from './patient.fixtures';
export * from './treatment-case.fixtures';
