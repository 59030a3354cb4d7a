export * from './patient.commands';
export * from './patient.events';
export * from './patient.state';
export * from './patient.decider';
export * from './patient.summary';
