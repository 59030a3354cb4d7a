import { DataKeys, DekCache, EncryptedEventStore, type KeyProvider, KeyStore } from '@ortholedger/crypto';
import { PostgresEventStore } from '@ortholedger/event-store';
import { KEY_PROVIDER } from '@ortholedger/platform';
import type { WorkflowHarness } from '../../treatment-workflow/support/workflow-harness';

/** An encrypted store beside the app's (same database and key provider), for writers that need its DataKeys. */
export function writerStore(h: WorkflowHarness) {
  const keys = new DataKeys({ store: new KeyStore(h.db.pools.app), provider: h.app.get<KeyProvider>(KEY_PROVIDER), cache: new DekCache() });
  const inner = new PostgresEventStore({ pool: h.db.pools.app });
  const store = new EncryptedEventStore({ inner, keys });
  return { store, keys, inner, close: async () => { await inner.close(); keys.close(); } };
}
