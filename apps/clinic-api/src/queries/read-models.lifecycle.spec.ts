import type { Logger } from 'pino';
import { ReadinessRegistry } from '@ortholedger/platform';
import type { ProjectionStatus, ReadModelServices } from '@ortholedger/read-models';
import { ReadModelsLifecycle, STATUSES_REUSED_FOR_MS } from './read-models.lifecycle';

const status: ProjectionStatus = {
  projection: 'care_team', version: 3, state: 'running', position: '1/1', eventsBehind: 0, secondsBehind: 0, lastCommitAt: null, failure: null, rebuild: null,
};

describe('readiness over the projections (answers anyone, as often as asked)', () => {
  let computed = 0;
  let fail = false;
  let release: () => void = () => undefined;
  let gate: Promise<void> = Promise.resolve();
  let now = 1_000_000;
  const readModels = {
    statuses: async () => {
      computed++;
      await gate;
      if (fail) throw new Error('database error 57P01');
      return [status];
    },
    search: { ready: true, lastLoad: { ms: 3 }, whenReady: async () => true },
    host: { start: () => undefined, status: () => ({ leading: ['care_team'] }) },
    close: async () => undefined,
  } as unknown as ReadModelServices;

  beforeEach(() => {
    computed = 0;
    fail = false;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
  });
  afterEach(() => jest.restoreAllMocks());

  async function readinessCheck() {
    const readiness = new ReadinessRegistry();
    await new ReadModelsLifecycle(readModels, { info: () => undefined } as unknown as Logger, readiness).onApplicationBootstrap();
    return readiness.all()[0].check;
  }

  it('computes the statuses (a count over the whole log) once for all probes meanwhile, and reuses them for a second', async () => {
    const check = await readinessCheck();
    gate = new Promise((resolve) => (release = resolve));
    const probes = Array.from({ length: 50 }, () => check());
    release();
    const answers = await Promise.all(probes);
    expect(computed).toBe(1);
    expect(answers[49]).toMatchObject({ projections: { care_team: { state: 'running', eventsBehind: 0 } } });

    now += STATUSES_REUSED_FOR_MS - 1;
    await check();
    expect(computed).toBe(1);
    now += 1;
    await check();
    expect(computed).toBe(2);
  });

  it('a failed computation is not reused: the next probe asks again', async () => {
    const check = await readinessCheck();
    fail = true;
    await expect(check()).rejects.toThrow('57P01');
    await Promise.resolve();
    fail = false;
    await expect(check()).resolves.toMatchObject({ projections: { care_team: { state: 'running' } } });
    expect(computed).toBe(2);
  });
});
