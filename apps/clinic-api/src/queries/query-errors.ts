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

/** A read model the route scopes its answer by has stopped (poison event): answering would scope by a frozen care team or clinic. */
export const readModelStopped = () =>
  new QueryError('READ_MODEL.STOPPED', 'unavailable', 'this list is unavailable while a read model it depends on is stopped; it answers again once the model is rebuilt');

/** Refuses when any of `projections` is stopped; see ReadModelServices.stoppedAmong. */
export async function assertServing(readModels: { stoppedAmong(names: readonly string[]): Promise<string[]> }, projections: readonly string[]): Promise<void> {
  if ((await readModels.stoppedAmong(projections)).length > 0) throw readModelStopped();
}
