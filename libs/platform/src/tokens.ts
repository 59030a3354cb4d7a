/** DI tokens of the platform: ports are bound by configuration, not module-level singletons. */
export const APP_CONFIG = Symbol('APP_CONFIG');
export const DATABASE_POOLS = Symbol('DATABASE_POOLS');
/** The raw event store adapter (ciphertext). Application code uses the encrypted store. */
export const RAW_EVENT_STORE = Symbol('RAW_EVENT_STORE');
/** Which realm an HTTP app serves: 'clinic' or 'backoffice'. */
export const REALM = Symbol('REALM');
/** The EncryptedEventStore over RAW_EVENT_STORE: application code appends and reads plaintext here. */
export const EVENT_STORE = Symbol('EVENT_STORE');
/** The key provider chosen by KEY_PROVIDER (local keyring file or AWS KMS), one per app. */
export const KEY_PROVIDER = Symbol('KEY_PROVIDER');
