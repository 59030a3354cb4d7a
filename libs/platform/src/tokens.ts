/** DI tokens of the platform: ports are bound by configuration, not module-level singletons. */
export const APP_CONFIG = Symbol('APP_CONFIG');
export const DATABASE_POOLS = Symbol('DATABASE_POOLS');
/** The raw event store adapter (ciphertext). Application code uses the encrypted store. */
export const RAW_EVENT_STORE = Symbol('RAW_EVENT_STORE');
/** Which realm an HTTP app serves: 'clinic' or 'backoffice'. */
export const REALM = Symbol('REALM');
