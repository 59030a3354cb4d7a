import { Global, Module } from '@nestjs/common';
import { type KeyProvider, RootKey } from '@ortholedger/crypto';
import { DATABASE_POOLS, KEY_PROVIDER } from '../tokens';
import type { DatabasePools } from '../database/database';
import { IDEMPOTENCY_ROOT, IdempotencyStore, RequestFingerprinter } from './idempotency/idempotency-store';
import { CommandRequestInterceptor } from './http/command-request.interceptor';
import { RevisionEtagInterceptor } from './http/revision-etag.interceptor';

/** What command routes need besides the CommandBus: the idempotency table and the two interceptors. */
@Global()
@Module({
  providers: [
    { provide: IdempotencyStore, inject: [DATABASE_POOLS], useFactory: (pools: DatabasePools) => new IdempotencyStore(pools.app) },
    {
      provide: RequestFingerprinter,
      inject: [DATABASE_POOLS, KEY_PROVIDER],
      useFactory: async (pools: DatabasePools, provider: KeyProvider) => {
        const root = await RootKey.load({ pool: pools.app, provider }, IDEMPOTENCY_ROOT);
        try {
          return new RequestFingerprinter(root);
        } finally {
          root.close(); // only the derived secret is kept
        }
      },
    },
    CommandRequestInterceptor,
    RevisionEtagInterceptor,
  ],
  exports: [IdempotencyStore, RequestFingerprinter, CommandRequestInterceptor, RevisionEtagInterceptor],
})
export class CommandHandlingModule {}
