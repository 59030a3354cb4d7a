import type { ReadModelKeys } from '../keys/read-model-keys';
import type { Projection } from '../runner/projection';
import { CareTeamProjection } from './care-team.projector';
import { CaseBoardProjection } from './case-board.projector';
import { CaseTimelineProjection } from './case-timeline.projector';
import { PatientDirectoryProjection } from './patient-directory.projector';

/** Every read model, in the order the CLI lists them. */
export function createProjections(keys: ReadModelKeys): Projection[] {
  return [new PatientDirectoryProjection(keys), new CareTeamProjection(), new CaseBoardProjection(keys), new CaseTimelineProjection(keys)];
}

export const PROJECTION_NAMES = ['patient_directory', 'care_team', 'case_board', 'case_timeline'] as const;
