/** @ortholedger/domain — pure deciders for patients and treatment cases. No framework, no I/O, no clock. */
export * from './shared';
export * from './patient';
export * from './treatment-case';
