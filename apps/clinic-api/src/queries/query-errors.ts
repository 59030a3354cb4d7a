/** Errors of the query routes: stable codes, messages without PHI; the platform's filter maps `kind`. */
export class QueryError extends Error {
  constructor(
    readonly code: string,
    readonly kind: 'not_found' | 'unavailable' | 'bad_request',
    message: string,
  ) {
    super(message);
    this.name = 'QueryError';
  }
}

export const searchUnavailable = () => new QueryError('SEARCH.UNAVAILABLE', 'unavailable', 'patient search is starting; try again shortly');
export const caseNotOnBoard = (caseId: string) => new QueryError('CASE_BOARD.NOT_FOUND', 'not_found', `case ${caseId} is not on the case board`);
