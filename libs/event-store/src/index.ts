export * from './event-store.port';
export * from './event-store.errors';
export * from './append-validation';
export * from './postgres/postgres-event-store';
export * from './postgres/event-store.migrations';
export * from './postgres/verify-streams';
export * from './eventstoredb/eventstoredb-event-store';
export * from './postgres/transaction-clock';
