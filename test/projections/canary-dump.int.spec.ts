import type pg from 'pg';
import { syntheticClinic, type SeededPatient } from '../../apps/cli/src/commands/seed/synthetic-clinic';
import { writeClinic } from '../../apps/cli/src/commands/seed/seed-writer';
import { copyDump, findPgDump, pgDump } from '../crypto/pg-dump';
import { projectionFixture, type ProjectionFixture, waitForVisible } from './support/projection-fixture';
import { totalEvents } from './support/writers';

/** Every PHI value the seed wrote: full names, distinctive name words, dates of birth, chart numbers, emails, phones. */
function canariesOf(patients: readonly SeededPatient[]): string[] {
  const out = new Set<string>();
  for (const p of patients) {
    out.add(`${p.name.given} ${p.name.family}`);
    for (const word of [p.name.given, ...p.name.family.split(/[ -]/)]) if (word.length >= 5) out.add(word);
    out.add(p.dateOfBirth);
    out.add(p.chartNumber);
    out.add(p.email);
    out.add(p.phone);
  }
  return [...out];
}

describe('canary dump after seeding: read models hold no plaintext PHI', () => {
  let f: ProjectionFixture;
  let admin: pg.Client;
  let canaries: string[];

  beforeAll(async () => {
    f = await projectionFixture();
    admin = await f.db.admin();
    const { patients, events } = await writeClinic(f.fx.store, syntheticClinic({ patients: 150, casesPerPatient: 2, seed: 77 }), { mode: 'commands', concurrency: 6 });
    await waitForVisible(f.fx, await totalEvents(f.db.pools.app));
    await f.catchUp();
    canaries = canariesOf(patients);
    const { rows } = await f.db.pools.app.query('select count(*)::int as n from read_models.patient_directory');
    expect(rows[0].n).toBe(150);
    expect(events).toBeGreaterThan(600);
  }, 180_000);
  afterAll(async () => {
    await admin.end();
    await f.close();
  });

  const found = (dump: Buffer) => {
    const text = dump.toString('utf8');
    return canaries.filter((c) => text.includes(c));
  };

  it('pg_dump of the whole database: 0 canary names, dates of birth, chart numbers, emails or phones', async () => {
    const { bin, reason } = await findPgDump(admin);
    if (!bin) {
      console.log(`canary dump: pg_dump skipped: ${reason}; the COPY dump below still checks every table`);
      return;
    }
    const dump = pgDump(bin, f.db.url);
    console.log(`canary dump: ${canaries.length} canaries, pg_dump ${dump.length} bytes, ${found(dump).length} found`);
    expect(found(dump)).toEqual([]);
    // The read models are in the dump (as ciphertext), not missing from it.
    expect(dump.toString('utf8')).toContain('COPY read_models.patient_directory');
  }, 120_000);

  it('COPY dump of every table as text: 0 canaries', async () => {
    const dump = await copyDump(admin);
    expect(found(dump)).toEqual([]);
    // The search would find them: the plaintext exists only after decryption in memory.
    expect(canaries.length).toBeGreaterThan(400);
  }, 120_000);
});
