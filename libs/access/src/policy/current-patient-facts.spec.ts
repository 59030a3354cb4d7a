import { randomUUID } from 'node:crypto';
import type { CareTeamDirectory, PatientFactsQuery } from '../care-team/care-team.directory';
import { CurrentPatientFacts } from './access-policy.service';
import type { QueryFilter } from './policy.types';

const filter = (...scopes: QueryFilter['scopes'][number][]): QueryFilter => ({ allowed: true, scopes, breakGlass: false, policyVersion: 'test' });

/** A directory over fixed facts that records the pairs it was asked, as one page's batch. */
function directory(facts: Record<string, { clinicId: string; team: string[] }>) {
  const asked: PatientFactsQuery[][] = [];
  const dir: CareTeamDirectory = {
    isOnCareTeam: async () => false,
    patientClinic: async () => undefined,
    async patientFactsAll(queries) {
      asked.push([...queries]);
      return queries.map(({ patientId, userId }) => ({ clinicId: facts[patientId]?.clinicId, onCareTeam: facts[patientId]?.team.includes(userId) ?? false }));
    },
  };
  return { dir, asked };
}

describe('CurrentPatientFacts', () => {
  const [clinicA, clinicB] = [randomUUID(), randomUUID()];
  const [me, colleague] = [randomUUID(), randomUUID()];
  const [mine, colleagues, transferred, unknown] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  const facts = {
    [mine]: { clinicId: clinicA, team: [me] },
    [colleagues]: { clinicId: clinicA, team: [colleague] },
    [transferred]: { clinicId: clinicB, team: [me] },
  };
  const all = [mine, colleagues, transferred, unknown];

  it('a care-team scope reaches the patients of its clinic the member is on the team of, now', async () => {
    const ortho = filter({ clinicId: clinicA, careTeamMember: me });
    const now = await CurrentPatientFacts.load(directory(facts).dir, [ortho], all);
    expect(all.filter((p) => now.reaches(ortho, p))).toEqual([mine]);
  });

  it('a clinic scope reaches the clinic\'s patients, asking nobody\'s membership when no scope names a member', async () => {
    const staff = filter({ clinicId: clinicA });
    const { dir, asked } = directory(facts);
    const now = await CurrentPatientFacts.load(dir, [staff], [...all, mine]);
    expect(all.filter((p) => now.reaches(staff, p))).toEqual([mine, colleagues]);
    // One batch, one pair per patient (the duplicate asked once), none for a member.
    expect(asked).toHaveLength(1);
    expect(asked[0].map((q) => q.patientId).sort()).toEqual([...all].sort());
  });

  it('two filters (access and clinical) share one batch; the clinic comes from the member\'s pair', async () => {
    const access = filter({ clinicId: clinicA }, { clinicId: clinicA, careTeamMember: me });
    const clinical = filter({ clinicId: clinicA, careTeamMember: me });
    const { dir, asked } = directory(facts);
    const now = await CurrentPatientFacts.load(dir, [access, clinical], all);
    expect(all.filter((p) => now.reaches(access, p))).toEqual([mine, colleagues]);
    expect(all.filter((p) => now.reaches(clinical, p))).toEqual([mine]);
    expect(asked).toHaveLength(1);
    expect(new Set(asked[0].map((q) => q.userId))).toEqual(new Set([me]));
  });

  it('several members: each scope is held to its own member', async () => {
    const two = filter({ clinicId: clinicA, careTeamMember: me }, { clinicId: clinicA, careTeamMember: colleague });
    const now = await CurrentPatientFacts.load(directory(facts).dir, [two], all);
    expect(all.filter((p) => now.reaches(two, p))).toEqual([mine, colleagues]);
  });

  it('an unrestricted scope reaches everyone; no scope reaches no one; malformed ids are never asked', async () => {
    const { dir, asked } = directory(facts);
    const anyone = filter({});
    const nobody = filter();
    const now = await CurrentPatientFacts.load(dir, [anyone, nobody], [...all, 'not-a-uuid']);
    expect(all.every((p) => now.reaches(anyone, p))).toBe(true);
    expect(all.some((p) => now.reaches(nobody, p))).toBe(false);
    expect(asked.flat()).toEqual([]);
  });

  it('a directory that cannot answer current facts is a 503 naming only the cause\'s code', async () => {
    const stale: CareTeamDirectory = {
      isOnCareTeam: async () => false,
      patientClinic: async () => undefined,
      patientFactsAll: async () => {
        throw Object.assign(new Error(`care team behind for patient ${mine}`), { code: 'ACCESS.CARE_TEAM_STALE' });
      },
    };
    const error = await CurrentPatientFacts.load(stale, [filter({ clinicId: clinicA })], all).catch((e) => e);
    expect(error).toMatchObject({ code: 'AUTH.UNAVAILABLE', kind: 'unavailable', detail: 'ACCESS.CARE_TEAM_STALE' });
    expect(JSON.stringify(error) + String(error.message)).not.toContain(mine);
  });
});
