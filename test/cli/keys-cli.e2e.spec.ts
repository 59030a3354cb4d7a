import { randomUUID } from 'node:crypto';
import { cryptoFixture, type CryptoFixture, phiEvent } from '../../libs/crypto/src/testing/crypto-fixture';
import { runCli } from '../support/cli-bin';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

/** The built CLI, as an engineer runs it. */
const cli = runCli;

describe('ortholedger keys', () => {
  // Nothing listens there: a command that opened the database would fail with a connection error instead.
  const noDatabase = { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/postgres' };

  it.each(['abc', '0', '-1', '1.5'])('retire-master %s is refused as a version before the database is opened', async (version) => {
    const result = await cli(noDatabase, 'keys', 'retire-master', '--', version);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('<version> must be an integer from 1 to');
  });

  describe('against a database with a patient', () => {
    let db: TestDatabase;
    let fx: CryptoFixture;
    let env: NodeJS.ProcessEnv;
    const patientId = randomUUID();
    const keyRows = async () =>
      (await db.pools.owner.query<{ action: string; outcome: string; reason: string | null; params: object | null; realm: string; role: string; purpose: string }>(
        "select action, outcome, reason, params, realm, role, purpose from access.audit_events where action like 'keys.%' order by seq",
      )).rows;

    beforeAll(async () => {
      db = await createTestDatabase();
      fx = cryptoFixture(db);
      await fx.store.appendToStream(`patient-${patientId}`, [phiEvent(patientId, { name: 'Ada Lovelace' })]);
      env = { DATABASE_URL: db.url, DATA_DIR: `/tmp/ortholedger-keys-${db.name}`, LOCAL_MASTER_KEY_FILE: fx.keyringFile };
    });
    afterAll(async () => {
      await fx.close();
      await db.drop();
    });

    it('erase-subject checks the id, the reason code and --actor before it records anything', async () => {
      const refused = [
        [['not-a-uuid', '--reason', 'gdpr_art17'], 'subjectId must be a UUID'],
        [[patientId, '--reason', 'patient asked by phone'], 'reason must be a code'],
        [[patientId, '--reason', 'gdpr_art17', '--actor', 'dr.smith'], '--actor must be the user id (UUID)'],
      ] as const;
      for (const [args, message] of refused) {
        const result = await cli(env, 'keys', 'erase-subject', ...args);
        expect([result.code, result.stderr.includes(message)]).toEqual([1, true]);
      }
      expect(await keyRows()).toEqual([]);
      expect((await db.pools.owner.query('select count(*)::int as n from keyvault.erasures')).rows[0].n).toBe(0);
    });

    it('erase-subject --actor <user id>: the erasure record and the audit row name who asked for it', async () => {
      const requestedBy = randomUUID();
      const erased = await cli(env, 'keys', 'erase-subject', patientId, '--reason', 'gdpr_art17:T-1', '--actor', requestedBy, '--json');
      expect(erased.code).toBe(0);
      expect(JSON.parse(erased.stdout)).toMatchObject({ subjectId: patientId, actor: requestedBy, streams: 1 });
      expect((await db.pools.owner.query('select actor_id from keyvault.erasures')).rows).toEqual([{ actor_id: requestedBy }]);
      expect(await keyRows()).toEqual([
        { action: 'keys.erase_subject', outcome: 'granted', reason: 'gdpr_art17:T-1', params: { requestedBy }, realm: 'cli', role: 'engineer', purpose: expect.stringMatching(/^cli:/) },
      ]);
    });

    it('rotate-master, rewrap and retire-master leave audit rows (granted, or error with the code), and the chain verifies', async () => {
      const before = (await keyRows()).length;
      const rotated = await cli(env, 'keys', 'rotate-master', '--json');
      expect([rotated.code, JSON.parse(rotated.stdout)]).toEqual([0, { currentVersion: 2 }]);
      const rewrapped = await cli(env, 'keys', 'rewrap', '--json');
      expect(rewrapped.code).toBe(0);
      expect(JSON.parse(rewrapped.stdout)).toMatchObject({ keyRef: 'local:v2', skipped: 0 });
      expect((await cli(env, 'keys', 'retire-master', '2')).code).toBe(1); // the current version
      expect((await cli(env, 'keys', 'retire-master', '1')).code).toBe(0);

      const cliActor = { realm: 'cli', role: 'engineer', purpose: expect.stringMatching(/^cli:/) };
      expect((await keyRows()).slice(before)).toEqual([
        { action: 'keys.rotate_master', outcome: 'granted', reason: null, params: null, ...cliActor },
        { action: 'keys.rewrap', outcome: 'granted', reason: null, params: null, ...cliActor },
        { action: 'keys.retire_master', outcome: 'granted', reason: null, params: { version: 2 }, ...cliActor },
        { action: 'keys.retire_master', outcome: 'error', reason: 'CRYPTO.CONFIG', params: { version: 2 }, ...cliActor },
        { action: 'keys.retire_master', outcome: 'granted', reason: null, params: { version: 1 }, ...cliActor },
      ]);
      const verify = await cli(env, 'audit', 'verify', '--json');
      expect(verify.code).toBe(0);
      expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true });
    });
  });
});
