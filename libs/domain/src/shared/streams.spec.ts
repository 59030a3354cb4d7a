import { DomainError } from './domain-error';
import { caseStream, isUuid, parseStreamName, patientStream } from './streams';

const ID = '3f2b8c1e-9d4a-4e6b-8a7c-1b2c3d4e5f60';

describe('stream names', () => {
  it('names patient and case streams by UUID', () => {
    expect(patientStream(ID)).toBe(`patient-${ID}`);
    expect(caseStream(ID)).toBe(`case-${ID}`);
  });

  it.each(['', '42', 'not-a-uuid', ID.toUpperCase(), `${ID}x`, '00000000-0000-0000-0000-000000000000'])(
    'refuses %p as an id',
    (id) => {
      expect(isUuid(id)).toBe(false);
      expect(() => patientStream(id)).toThrow(DomainError);
      expect(() => caseStream(id)).toThrow(DomainError);
    },
  );

  it('parses its own names back and nothing else', () => {
    expect(parseStreamName(patientStream(ID))).toEqual({ aggregate: 'patient', id: ID });
    expect(parseStreamName(caseStream(ID))).toEqual({ aggregate: 'treatment_case', id: ID });
    expect(parseStreamName(`plan-${ID}`)).toBeUndefined();
    expect(parseStreamName('case-17')).toBeUndefined();
  });
});
