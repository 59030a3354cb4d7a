import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { cryptoFixture, type CryptoFixture, phiEvent } from '../../libs/crypto/src/testing/crypto-fixture';

describe('keyvault grants: the app role gets exactly what it needs', () => {
  let db: TestDatabase;
  let fx: CryptoFixture;
  const stream = `patient-${randomUUID()}`;
  const app = (sql: string, params: unknown[] = []) => db.pools.app.query(sql, params);

  beforeAll(async () => {
    db = await createTestDatabase();
    fx = cryptoFixture(db);
    await fx.store.appendToStream(stream, [phiEvent(stream.slice(8), { n: 1 })]);
  });
  afterAll(async () => {
    await fx.close();
    await db.drop();
  });

  it('may read keys and advance counters', async () => {
    expect((await app('select wrapped_key from keyvault.data_keys where stream_id = $1', [stream])).rowCount).toBe(1);
    await app('update keyvault.data_keys set encryptions = encryptions + 1 where stream_id = $1', [stream]);
  });

  it.each([
    ['rewrite a wrapped key', "update keyvault.data_keys set wrapped_key = '\\x00'"],
    ['change the provider key ref', "update keyvault.data_keys set provider_key_ref = 'x'"],
    ['mark a key destroyed directly', 'update keyvault.data_keys set destroyed_at = now()'],
    ['delete keys', 'delete from keyvault.data_keys'],
    ['truncate keys', 'truncate keyvault.data_keys'],
    ['forge an erasure record', "insert into keyvault.erasures (subject_id, actor_id, reason, streams, key_versions) values (gen_random_uuid(), 'x', 'x', 0, 0)"],
    ['alter an erasure record', "update keyvault.erasures set reason = 'x'"],
    ['rewrite an index root key', "update keyvault.index_root_keys set wrapped_key = '\\x00'"],
  ])('may not %s', async (_what, sql) => {
    await expect(app(sql)).rejects.toMatchObject({ code: '42501' });
  });

  it('counters never go backwards, even for the owner', async () => {
    await expect(db.pools.owner.query('update keyvault.data_keys set encryptions = 0 where stream_id = $1', [stream])).rejects.toThrow(/only grow/);
  });

  it('erases only through keyvault.erase_subject, which also records the erasure', async () => {
    const { rows } = await app('select * from keyvault.erase_subject($1, $2, $3)', [stream.slice(8), randomUUID(), 'gdpr_art17']);
    expect(rows[0]).toMatchObject({ streams: 1, key_versions: 1 });
  });

  it('keeps no plaintext key: every stored key is a 65-byte local wrap or destroyed', async () => {
    const { rows } = await db.pools.owner.query('select wrapped_key from keyvault.data_keys union all select wrapped_key from keyvault.index_root_keys');
    for (const r of rows) expect(r.wrapped_key === null || r.wrapped_key.length === 65).toBe(true);
  });
});
