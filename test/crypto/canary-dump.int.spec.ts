import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { BlindIndex, BLIND_INDEX_ROOT, FieldCipher, normalise, READ_MODEL_ROOT, RootKey } from '@ortholedger/crypto';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { cryptoFixture, type CryptoFixture, phiEvent } from '../../libs/crypto/src/testing/crypto-fixture';
import { copyDump, findPgDump, pgDump } from './pg-dump';

// The threat model: an attacker walks away with a full SQL dump. It must hold no plaintext PHI and no plaintext key.
describe('canary dump: a full pg_dump holds none of the PHI written through the application', () => {
  let db: TestDatabase;
  let fx: CryptoFixture;
  let admin: pg.Client;
  const canaries: string[] = [];
  const deks: Buffer[] = [];
  const PATIENTS = 40;

  const mark = (kind: string) => {
    const value = `${kind}-${randomUUID().replace(/-/g, '').slice(0, 16)}`;
    canaries.push(value);
    return value;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    fx = cryptoFixture(db);
    admin = await db.admin();
    // A read model as the projections will build it: encrypted columns plus blind indexes.
    await admin.query('create table public.canary_patient_directory (id uuid primary key, full_name bytea, dob bytea, last_name_bidx text, dob_bidx text)');
    const fieldRoot = await RootKey.load({ pool: db.pools.app, provider: fx.provider }, READ_MODEL_ROOT);
    const indexRoot = await RootKey.load({ pool: db.pools.app, provider: fx.provider }, BLIND_INDEX_ROOT);
    const cipher = new FieldCipher(fieldRoot, 'patient_directory');
    const lastName = new BlindIndex(indexRoot, { table: 'canary_patient_directory', column: 'last_name', index: 'exact', normalise: normalise.text, expectedRows: 1000 });
    const dobIndex = new BlindIndex(indexRoot, { table: 'canary_patient_directory', column: 'dob', index: 'exact', normalise: normalise.date, expectedRows: 1000 });

    for (let i = 0; i < PATIENTS; i++) {
      const patient = randomUUID();
      const name = `${mark('Givenname')} ${mark('Surname')}`;
      const dob = `19${String(10 + (i % 89)).padStart(2, '0')}-0${1 + (i % 9)}-1${i % 10}`;
      canaries.push(dob);
      const diagnosis = mark('Diagnosis-class-II-malocclusion');
      const stream = `patient-${patient}`;
      await fx.store.appendToStream(stream, [
        phiEvent(patient, { name, dob, phone: `+41 79 ${String(1000000 + i)}` }, 'PatientRegistered'),
        phiEvent(patient, { diagnosis, notes: mark('Note') }, 'ClinicalFindingsRecorded'),
      ]);
      await fx.store.appendToStream(`case-${randomUUID()}`, [phiEvent(patient, { finding: mark('Finding') }, 'CaseOpened')]);
      await fx.keys.openWith(stream, 1, ({ key }) => deks.push(Buffer.from(key)));
      await db.pools.owner.query('insert into public.canary_patient_directory values ($1, $2, $3, $4, $5)', [
        patient,
        cipher.encrypt('canary_patient_directory', 'full_name', patient, name),
        cipher.encrypt('canary_patient_directory', 'dob', patient, dob),
        lastName.computeHex(name.split(' ')[1]),
        dobIndex.computeHex(dob),
      ]);
    }
    fieldRoot.close();
    indexRoot.close();
  }, 120_000);
  afterAll(async () => {
    await admin.end();
    await fx.close();
    await db.drop();
  });

  /** Canaries as text, and DEKs as the hex and base64 a dump could hold them in. */
  const findings = (dump: Buffer) => {
    const text = dump.toString('latin1');
    const phi = canaries.filter((c) => text.includes(c));
    const keys = deks.filter((k) => text.includes(k.toString('hex')) || text.includes(k.toString('base64')) || dump.includes(k));
    return { phi, keys };
  };

  it('pg_dump of the whole database: 0 canaries, 0 plaintext data keys', async () => {
    const { bin, reason } = await findPgDump(admin);
    if (!bin) {
      console.log(`canary dump: pg_dump skipped: ${reason}; the COPY dump below still checks every table`);
      return;
    }
    const dump = pgDump(bin, db.url);
    expect(dump.length).toBeGreaterThan(10_000);
    expect(dump.toString().includes('COPY eventstore.events')).toBe(true);
    const { phi, keys } = findings(dump);
    console.log(`canary dump: ${bin}: ${dump.length} bytes, ${canaries.length} canaries, ${deks.length} DEKs: ${phi.length} canaries found, ${keys.length} keys found`);
    expect(phi).toEqual([]);
    expect(keys).toEqual([]);
  });

  it('every row of every table (COPY dump): 0 canaries, 0 plaintext data keys', async () => {
    const dump = await copyDump(admin);
    const { phi, keys } = findings(dump);
    expect(canaries.length).toBeGreaterThanOrEqual(PATIENTS * 6);
    expect(phi).toEqual([]);
    expect(keys).toEqual([]);
  });

  it('the canaries are really there through the application (the test would see them)', async () => {
    const { rows } = await admin.query<{ stream_id: string }>("select stream_id from eventstore.streams where stream_id like 'patient-%' limit 1");
    const events = await fx.store.readStream(rows[0].stream_id);
    expect(canaries.some((c) => Buffer.from(events[0].data).toString().includes(c))).toBe(true);
  });
});
