import { Global, Module } from '@nestjs/common';
import { DATABASE_POOLS } from '../tokens';
import type { DatabasePools } from '../database/database';
import { IdempotencyStore } from './idempotency/idempotency-store';
import { CommandRequestInterceptor } from './http/command-request.interceptor';
import { RevisionEtagInterceptor } from './http/revision-etag.interceptor';

/** What command routes need besides the CommandBus: the idempotency table and the two interceptors. */
@Global()
@Module({
  providers: [
    { provide: IdempotencyStore, inject: [DATABASE_POOLS], useFactory: (pools: DatabasePools) => new IdempotencyStore(pools.app) },
    CommandRequestInterceptor,
    RevisionEtagInterceptor,
  ],
  exports: [IdempotencyStore, CommandRequestInterceptor, RevisionEtagInterceptor],
})
export class CommandHandlingModule {}
