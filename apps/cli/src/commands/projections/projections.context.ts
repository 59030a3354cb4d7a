import { createKeyProvider } from '@ortholedger/crypto';
import { createRawEventStore } from '@ortholedger/platform';
import { createOpener, createProjections, DecryptingEventSource, kyselyOver, type Projection, ReadModelKeys } from '@ortholedger/read-models';
import type { CliRuntime } from '../../cli-runtime.service';

/**
 * What the projections commands need: the log (raw + decrypting), the read-model keys and both
 * pools. `serving` (the `projections run` worker) is checked as a serving process: in production it
 * runs with the app login alone (assertServingConfig).
 */
export async function projectionsContext(cli: CliRuntime, options: { serving?: boolean } = {}) {
  const runtime = await cli.get({ serving: options.serving });
  const provider = createKeyProvider(runtime.config);
  const raw = createRawEventStore(runtime);
  const decrypting = await createOpener(runtime.pools.app, raw, provider);
  const keys = await ReadModelKeys.load({ pool: runtime.pools.app, provider });
  const projections = createProjections(keys);
  const app = kyselyOver(runtime.pools.app);
  const owner = kyselyOver(runtime.pools.owner);
  return {
    runtime,
    source: new DecryptingEventSource(raw, decrypting.opener),
    projections,
    app,
    owner,
    select(names: readonly string[], all: boolean): Projection[] {
      // `--all nope` would rebuild everything and quietly ignore the name.
      if (all && names.length > 0) throw new Error('name projections or pass --all, not both');
      if (all) return projections;
      if (names.length === 0) throw new Error('name a projection or pass --all (see `projections list`)');
      // A name given twice is one projection (the swap would otherwise move its shadow table twice and roll back).
      return [...new Set(names)].map((name) => {
        const found = projections.find((p) => p.name === name);
        if (!found) throw new Error(`unknown projection ${name}; known: ${projections.map((p) => p.name).join(', ')}`);
        return found;
      });
    },
    /** The pools belong to the CLI runtime (closed at exit); Kysely's destroy() would end them twice. */
    async close() {
      await decrypting.close();
      await raw.close();
      keys.close();
    },
  };
}
