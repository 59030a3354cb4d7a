import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { PatientSearchService } from '@ortholedger/read-models';
import { projectionFixture, type ProjectionFixture, waitForVisible } from './support/projection-fixture';
import { domainEvent, registered, totalEvents } from './support/writers';

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * The search index refreshes from the directory on every projection commit. A refresh whose read
 * began before an erasure and answered after it must not put the erased patient back into the
 * index (decrypted, in memory) until the next full reload.
 */
describe('search index: an erasure during a refresh', () => {
  let f: ProjectionFixture;
  let search: PatientSearchService;
  const clinicId = randomUUID();
  const patient = randomUUID();
  const chartNumber = 'CH-100041';
  // The refresh's read of changed rows that carries the patient is held until released.
  const gate = { armed: false, held: false, release: () => undefined as void };

  beforeAll(async () => {
    f = await projectionFixture();
    const real = f.db.pools.app;
    const pool = Object.create(real) as pg.Pool;
    pool.query = (async (text: unknown, values?: unknown) => {
      const result = await real.query(text as string, values as unknown[]);
      if (gate.armed && typeof text === 'string' && text.includes('(pos_commit, pos_prepare) >') && result.rows.some((r) => r.patient_id === patient)) {
        gate.armed = false;
        gate.held = true;
        await new Promise<void>((resolve) => (gate.release = resolve));
      }
      return result;
    }) as unknown as pg.Pool['query'];
    search = new PatientSearchService(pool, f.keys, { pollMs: 60_000 });
  }, 60_000);
  afterAll(async () => {
    gate.release();
    await search.stop();
    await f.close();
  });

  const append = async (events: Parameters<typeof f.fx.store.appendToStream>[1]) => {
    await f.fx.store.appendToStream(`patient-${patient}`, events);
    await waitForVisible(f.fx, await totalEvents(f.db.pools.app));
    await f.catchUp();
  };
  const found = () => search.search({ chartNumber }, [{}]).total;

  it('the erased patient stays out of the index once the late answer is applied', async () => {
    await append([registered(patient, clinicId, 41)]);
    await search.start();
    expect(found()).toBe(1);

    // A correction: its commit's notice makes the index read the changed row, and that read is held.
    gate.armed = true;
    await append([domainEvent('PatientDemographicsCorrected', patient, { patientId: patient, corrections: { name: { given: 'Zoë', family: 'Peña' } }, reason: 'typo' })]);
    await until('the refresh to read the changed row', () => gate.held);

    // Erased now: the keyvault's notice takes the patient out of the index at once.
    await f.fx.vault.eraseSubject(patient, 'gdpr_art17', 'test');
    await until('the erasure notice', () => found() === 0);

    // The held read answers with the row as it was before the erasure.
    gate.release();
    await search.refresh();
    expect(found()).toBe(0);
    expect(search.size).toBe(0);
  }, 60_000);
});
