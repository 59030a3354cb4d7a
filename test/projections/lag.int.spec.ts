import { randomUUID } from 'node:crypto';
import { type EventSource, projectionStatuses } from '@ortholedger/read-models';
import { projectionFixture, type ProjectionFixture, waitForVisible } from './support/projection-fixture';
import { registered, totalEvents } from './support/writers';

/** The lag figures readiness and `projections status` show. */
describe('projection lag', () => {
  let f: ProjectionFixture;
  const clinicId = randomUUID();

  beforeAll(async () => {
    f = await projectionFixture();
  });
  afterAll(() => f.close());

  const append = async (count: number) => {
    for (let i = 0; i < count; i++) {
      const p = randomUUID();
      await f.fx.store.appendToStream(`patient-${p}`, [registered(p, clinicId, i)]);
    }
    await waitForVisible(f.fx, await totalEvents(f.db.pools.app));
  };

  it('a projection behind is never reported caught up, even where the store counts fewer events than it holds (a bounded stats scan)', async () => {
    await append(3);
    await f.catchUp();
    const directory = f.projections.filter((p) => p.name === 'patient_directory');
    const caughtUp = await projectionStatuses(f.app, f.source, directory);
    expect(caughtUp[0]).toMatchObject({ state: 'running', eventsBehind: 0, secondsBehind: 0 });

    await append(2);
    await new Promise((r) => setTimeout(r, 300));
    const exact = await projectionStatuses(f.app, f.source, directory);
    expect(exact[0].eventsBehind).toBe(2);
    expect(exact[0].secondsBehind).toBeGreaterThan(0);

    // As EventStoreDB's stats() answers past its scan limit: a count no larger than what the checkpoint has seen.
    const bounded: EventSource = Object.assign(Object.create(f.source), { stats: async () => ({ ...(await f.source.stats()), events: 3 }) });
    const [status] = await projectionStatuses(f.app, bounded, directory);
    expect(status.eventsBehind).toBeGreaterThanOrEqual(1);
    expect(status.secondsBehind).toBeGreaterThan(0);
  }, 60_000);
});
