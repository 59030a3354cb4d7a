import { randomUUID } from 'node:crypto';
import type { CareTeamDirectory, QueryFilter } from '@ortholedger/access';
import type { ReadModelServices } from '@ortholedger/read-models';
import { SearchPatientsHandler } from './search-patients.handler';
import { SearchPatientsQuery } from './search-patients.query';

/**
 * The handler's last word on a page: a hit the index and the directory still show the caller, but
 * whose current facts no longer reach them (removed from the care team a moment ago), is dropped
 * from the results and from the count, which would otherwise confirm the patient is there.
 */
describe('SearchPatientsHandler', () => {
  const clinic = randomUUID();
  const me = randomUUID();
  const [kept, removed] = [randomUUID(), randomUUID()];
  const record = (patientId: string) => ({
    patientId, clinicId: clinic, careTeam: [me], status: 'active', registeredAt: '', updatedAt: '',
    name: { given: 'Zoë', family: 'Peña' }, dateOfBirth: '2011-04-02', chartNumber: `CH-${patientId.slice(0, 4)}`, contact: {},
  });
  const readModels = {
    search: { ready: true, search: () => ({ hits: [{ patientId: kept, score: 2 }, { patientId: removed, score: 1 }], total: 2 }) },
    directory: { byIds: async (ids: string[]) => ids.map(record) },
    stoppedAmong: async () => [],
  } as unknown as ReadModelServices;
  const careTeam: CareTeamDirectory = {
    isOnCareTeam: async () => false,
    patientClinic: async () => undefined,
    patientFactsAll: async (queries) => queries.map((q) => ({ clinicId: clinic, onCareTeam: q.patientId === kept && q.userId === me })),
  };
  const filter: QueryFilter = { allowed: true, scopes: [{ clinicId: clinic, careTeamMember: me }], breakGlass: false, policyVersion: 'test' };

  it('drops a hit the caller no longer reaches now, from the results and from the total', async () => {
    const handler = new SearchPatientsHandler(readModels, { careTeam });
    const page = await handler.execute(new SearchPatientsQuery({ name: 'Peña' }, filter));
    expect(page.results.map((r) => r.patientId)).toEqual([kept]);
    expect(page.total).toBe(1);
    expect(JSON.stringify(page)).not.toContain(removed);
  });
});
