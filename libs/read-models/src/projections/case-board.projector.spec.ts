import { evolveCase, initialCaseState, type CaseEvent, type CaseState } from '@ortholedger/domain';
import { history, progressChecked } from '../../../domain/src/testing';
import { boardState } from './case-board.projector';

describe('the case board state (a plaintext column)', () => {
  it('keeps none of the facts only corrections read: entry ids, scan facts, the stage shipped at each progress check', () => {
    const events: CaseEvent[] = [...history.inTreatment(), progressChecked(1, 18)];
    const decided = events.reduce<CaseState>((state, event) => evolveCase(state, event), initialCaseState());
    if (decided.status === 'NotOpened') throw new Error('the fixture opens the case');
    expect(Object.keys(decided.scans ?? {})).not.toHaveLength(0);
    expect(Object.values(decided.checkStageLimits ?? {})).toEqual([20]);

    const kept = boardState(decided);
    expect(kept).not.toHaveProperty('scans');
    expect(kept).not.toHaveProperty('checkStageLimits');
    expect(kept).toMatchObject({ status: decided.status, entries: {} });
  });
});
