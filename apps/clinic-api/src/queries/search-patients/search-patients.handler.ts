import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ACCESS_SERVICES, type AccessServices, CurrentPatientFacts, scopeMatches } from '@ortholedger/access';
import type { ReadModelServices } from '@ortholedger/read-models';
import { assertServing, searchUnavailable } from '../query-errors';
import { READ_MODELS } from '../read-models.tokens';
import { SearchPatientsQuery } from './search-patients.query';
import type { SearchPatientsResponse } from './search-patients.request.dto';

/**
 * Ranks in the process's decrypted index (access scopes applied first), then loads the page's
 * records from patient_directory and checks the scope again on them: a transfer or erasure that
 * landed between index and row never leaks a record. The index and the directory may both lag
 * behind a removal from the care team or a transfer, so each record is kept only if the caller's
 * scopes still reach the patient by the facts the guard decides single records by (care_team,
 * current for that patient, or 503 AUTH.UNAVAILABLE). While the directory projection is stopped,
 * its care teams and clinics are frozen: no answer.
 */
@QueryHandler(SearchPatientsQuery)
export class SearchPatientsHandler implements IQueryHandler<SearchPatientsQuery> {
  constructor(
    @Inject(READ_MODELS) private readonly readModels: ReadModelServices,
    @Inject(ACCESS_SERVICES) private readonly access: Pick<AccessServices, 'careTeam'>,
  ) {}

  async execute({ request, filter }: SearchPatientsQuery): Promise<SearchPatientsResponse> {
    const { search, directory } = this.readModels;
    if (!search.ready && !(await search.whenReady(2000))) throw searchUnavailable();
    await assertServing(this.readModels, ['patient_directory']);
    const page = request.page ?? 1;
    const pageSize = request.pageSize ?? 20;
    const found = search.search(
      { name: request.name, dateOfBirth: request.dateOfBirth, chartNumber: request.chartNumber, offset: (page - 1) * pageSize, limit: pageSize },
      filter.scopes,
    );
    const records = (await directory.byIds(found.hits.map((h) => h.patientId))).filter((r) => scopeMatches(filter, { clinicId: r.clinicId, careTeam: r.careTeam }));
    const now = await CurrentPatientFacts.load(this.access.careTeam, [filter], records.map((r) => r.patientId));
    const score = new Map(found.hits.map((h) => [h.patientId, h.score]));
    const results = records
      .filter((r) => now.reaches(filter, r.patientId))
      .map((r) => ({ patientId: r.patientId, clinicId: r.clinicId, name: r.name, dateOfBirth: r.dateOfBirth, chartNumber: r.chartNumber, score: score.get(r.patientId)! }));
    return {
      results,
      // The index's count, less this page's hits that did not survive the checks: a hit dropped here
      // (erased, transferred, removed from the care team) is not confirmed by the count either. Hits
      // on other pages are counted as the index has them.
      total: found.total - (found.hits.length - results.length),
      page,
      pageSize,
    };
  }
}
