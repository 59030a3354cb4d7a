import { Coalescer } from '../database/coalescer';
import { isUuid } from '../realm';
import type { CareTeamDirectory, PatientFactsAnswer, PatientFactsQuery } from './care-team.directory';

/** A valid UUID that is no user: asking for it yields the clinic and "not a member". */
const NOBODY = '00000000-0000-4000-8000-000000000000';

type BatchingDirectory = CareTeamDirectory & Required<Pick<CareTeamDirectory, 'patientFacts' | 'patientFactsMany'>>;

/**
 * The policy's care-team lookups, coalesced: the facts of requests decided at the same time are
 * fetched in one statement (`patientFactsMany`), each still read after its request arrived. A pair
 * that statement cannot settle goes to the directory's own `patientFacts` on its own.
 */
export class CoalescedCareTeamDirectory implements CareTeamDirectory {
  private readonly facts: Coalescer<PatientFactsQuery, PatientFactsAnswer>;

  constructor(private readonly inner: BatchingDirectory) {
    this.facts = new Coalescer(async (queries) => {
      const answers = await inner.patientFactsMany(queries);
      return answers.map((answer, i) => answer ?? inner.patientFacts(queries[i].patientId, queries[i].userId));
    });
  }

  /** Wraps `directory` when it can answer many pairs at once; returns it unchanged otherwise. */
  static over(directory: CareTeamDirectory): CareTeamDirectory {
    if (directory instanceof CoalescedCareTeamDirectory || !directory.patientFacts || !directory.patientFactsMany) return directory;
    return new CoalescedCareTeamDirectory(directory as BatchingDirectory);
  }

  async isOnCareTeam(patientId: string, userId: string): Promise<boolean> {
    return (await this.patientFacts(patientId, userId)).onCareTeam;
  }

  /** The clinic alone shares the same statements (asked for a user on no care team). */
  async patientClinic(patientId: string): Promise<string | undefined> {
    return (await this.patientFacts(patientId, NOBODY)).clinicId;
  }

  async patientFacts(patientId: string, userId: string): Promise<PatientFactsAnswer> {
    // One malformed id must not fail the statement it would share with other requests.
    if (!isUuid(patientId) || !isUuid(userId)) return { onCareTeam: false };
    return this.facts.load({ patientId, userId });
  }

  patientFactsMany(queries: readonly PatientFactsQuery[]): Promise<ReadonlyArray<PatientFactsAnswer | undefined>> {
    return this.inner.patientFactsMany(queries);
  }

  /** A list page's pairs: the inner directory's batch wait when it has one, else each pair through the coalescer. */
  patientFactsAll(queries: readonly PatientFactsQuery[]): Promise<ReadonlyArray<PatientFactsAnswer>> {
    if (this.inner.patientFactsAll) return this.inner.patientFactsAll(queries);
    return Promise.all(queries.map((q) => this.patientFacts(q.patientId, q.userId)));
  }
}
