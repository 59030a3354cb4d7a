import { readTables } from '@ortholedger/read-models';
import type { ProjectionFixture } from './projection-fixture';
import { oracleFromLog } from './oracle';

/** Differences between the live read models and the model computed directly from the log (all zero when equal). */
export async function compareWithLog(f: ProjectionFixture): Promise<{ directory: number; careTeam: number; board: number; timeline: number; rows: Record<string, number> }> {
  const oracle = await oracleFromLog(f.fx.store);
  const t = (await readTables(f.app, f.keys, ['patient_directory', 'care_team', 'case_board', 'case_timeline'])) as Record<string, any[]>;
  let directory = Math.abs(t.patient_directory.length - oracle.directory.size);
  for (const row of t.patient_directory) {
    const want = oracle.directory.get(row.patientId);
    const same =
      want &&
      want.clinicId === row.clinicId &&
      JSON.stringify(want.careTeam) === JSON.stringify(row.careTeam) &&
      JSON.stringify(want.name) === JSON.stringify(row.name) &&
      want.dateOfBirth === row.dateOfBirth &&
      want.chartNumber === row.chartNumber &&
      JSON.stringify(want.contact) === JSON.stringify(row.contact) &&
      new Date(want.updatedAt).getTime() === new Date(row.updatedAt).getTime();
    if (!same) directory++;
  }
  const members = new Set(t.care_team.map((r) => `${r.patient_id}|${r.user_id}`));
  let careTeam = Math.abs(members.size - oracle.careTeam.size);
  for (const m of members) if (!oracle.careTeam.has(m)) careTeam++;
  let board = Math.abs(t.case_board.length - oracle.board.size);
  for (const row of t.case_board) {
    const want = oracle.board.get(row.case_id);
    if (!want || want.status !== row.status || want.nextAction !== row.next_action || want.patientId !== row.patient_id || want.clinicId !== row.clinic_id) board++;
  }
  const ids = t.case_timeline.map((r) => r.event_id as string);
  let timeline = Math.abs(new Set(ids).size - oracle.timeline.size) + (ids.length - new Set(ids).size);
  for (const id of ids) if (!oracle.timeline.has(id)) timeline++;
  const rows = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, v.length]));
  return { directory, careTeam, board, timeline, rows };
}
