import pg from 'pg';
import { clientConfigOf } from '@ortholedger/event-store';
import { createDatabasePools, OwnerLoginUnavailable, type PasswordTarget } from './database';

describe('createDatabasePools', () => {
  it('with passwordFor, every connection (and a client opened from the pool settings) asks it, never the URL', async () => {
    const asked: PasswordTarget[] = [];
    const passwordFor = (target: PasswordTarget) => async () => {
      asked.push(target);
      return 'token';
    };
    const url = 'postgres://app_login@db.example:6543/ol?sslmode=verify-full';
    const pools = createDatabasePools({ appUrl: url, passwordFor });
    try {
      const options = (pools.app as unknown as { options: pg.ClientConfig & { connectionString?: string } }).options;
      expect(options).toMatchObject({ host: 'db.example', port: '6543', user: 'app_login', database: 'ol' });
      expect(options.ssl).toBeTruthy(); // verify-full kept
      expect(options.connectionString).toBeUndefined();
      expect(typeof options.password).toBe('function');
      await expect((options.password as () => Promise<string>)()).resolves.toBe('token');
      expect(asked).toEqual([{ host: 'db.example', port: 6543, user: 'app_login' }]);
      // Side connections (LISTEN, advisory-lock sessions) are opened from a copy of the pool's
      // settings, where pg-pool keeps the password non-enumerable: a spread loses it, clientConfigOf does not.
      expect(typeof (new pg.Client({ ...options }) as unknown as { password: unknown }).password).not.toBe('function');
      const side = clientConfigOf(pools.app, { application_name: 'side' });
      expect(side).toMatchObject({ host: 'db.example', user: 'app_login', application_name: 'side' });
      expect(typeof (new pg.Client(side) as unknown as { password: unknown }).password).toBe('function');
      expect(Object.keys(side)).not.toContain('password'); // still kept out of anything that logs the settings
    } finally {
      await pools.close();
    }
  });

  it('passwordFor is asked for the host pg connects to: a `?host=` parameter, a percent-encoded user, the default port', async () => {
    const asked: PasswordTarget[] = [];
    const pools = createDatabasePools({ appUrl: 'postgres://app%2Blogin@ignored.example/ol?host=db.internal&sslmode=verify-full', passwordFor: (t) => (asked.push(t), async () => 'token') });
    try {
      const options = (pools.app as unknown as { options: pg.ClientConfig }).options;
      expect(options.host).toBe('db.internal');
      expect(asked).toEqual([{ host: 'db.internal', port: 5432, user: 'app+login' }]);
    } finally {
      await pools.close();
    }
  });

  it('without the owner login, the owner pool refuses queries and connections, promise or callback', async () => {
    const pools = createDatabasePools({ appUrl: 'postgres://app_login@db.example/ol' });
    try {
      await expect(pools.owner.query('select 1')).rejects.toBeInstanceOf(OwnerLoginUnavailable);
      await expect(pools.owner.connect()).rejects.toBeInstanceOf(OwnerLoginUnavailable);
      const viaCallback = await new Promise<Error>((resolve) => pools.owner.connect((error) => resolve(error as Error)));
      expect(viaCallback).toBeInstanceOf(OwnerLoginUnavailable);
      expect(() => createDatabasePools({})).toThrow(/needs the owner login, the app login, or both/);
    } finally {
      await pools.close();
    }
  });
});
