import { randomUUID } from 'node:crypto';
import { Global, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AccessModule, CARE_TEAM_DIRECTORY, type CareTeamDirectory } from '@ortholedger/access';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { captureLogger, testRuntime } from '../support/test-runtime';

/**
 * How AccessModule gets its care-team directory: `careTeamFrom` builds it from other modules'
 * providers (the clinic API: from the raw event store); a `careTeam` value (a test hook) wins.
 */
describe('AccessModule care-team wiring', () => {
  let db: TestDatabase;
  const SOURCE = Symbol('SOURCE');
  const patient = randomUUID();
  const user = randomUUID();

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db?.drop());

  const directory = (clinicId: string): CareTeamDirectory => ({
    isOnCareTeam: async () => true,
    patientClinic: async () => clinicId,
    patientFacts: async () => ({ clinicId, onCareTeam: true }),
  });

  async function resolve(options: { careTeam?: CareTeamDirectory; factory: jest.Mock }) {
    @Global()
    @Module({ providers: [{ provide: SOURCE, useValue: 'from-source' }], exports: [SOURCE] })
    class SourceModule {}
    const module = await Test.createTestingModule({
      imports: [
        SourceModule,
        AccessModule.forRoot(testRuntime(db), captureLogger().logger, {
          realm: 'clinic',
          env: {},
          ...(options.careTeam ? { careTeam: options.careTeam } : {}),
          careTeamFrom: { inject: [SOURCE], useFactory: options.factory },
        }),
      ],
    }).compile();
    try {
      return await module.get<CareTeamDirectory>(CARE_TEAM_DIRECTORY).patientFacts!(patient, user);
    } finally {
      await module.close();
    }
  }

  it('careTeamFrom receives its injected providers and its directory answers', async () => {
    const factory = jest.fn((source: unknown) => directory(`built-${String(source)}`));
    expect(await resolve({ factory })).toEqual({ clinicId: 'built-from-source', onCareTeam: true });
    expect(factory).toHaveBeenCalledWith('from-source');
  });

  it('a careTeam value wins; the factory is not called', async () => {
    const factory = jest.fn(() => directory('from-factory'));
    expect(await resolve({ careTeam: directory('from-value'), factory })).toEqual({ clinicId: 'from-value', onCareTeam: true });
    expect(factory).not.toHaveBeenCalled();
  });
});
