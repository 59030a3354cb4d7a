export * from './treatment-case.commands';
export * from './treatment-case.events';
export * from './treatment-case.state';
export { CLINICIANS, MAX_STAGES } from './treatment-case.guards';
export { IPR_MM, MAX_IPR_MM_PER_CONTACT, WEAR_DAYS } from './treatment-case.plan-rules';
export { CORRECTABLE_ENTRIES } from './treatment-case.corrections';
export * from './treatment-case.decider';
export * from './treatment-case.next-action';
export * from './treatment-case.summary';
