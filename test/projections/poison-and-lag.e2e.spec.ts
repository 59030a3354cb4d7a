import { randomUUID } from 'node:crypto';
import { syntheticClinic } from '../../apps/cli/src/commands/seed/synthetic-clinic';
import { writeClinic } from '../../apps/cli/src/commands/seed/seed-writer';
import { type Clinician, WorkflowHarness } from '../treatment-workflow/support/workflow-harness';
import { eventStoreOf, readModelsOf, waitForIndex, stopHarness } from './support/api';
import { domainEvent } from './support/writers';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const BIN = path.resolve(__dirname, '../../bin/ortholedger.js');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('lag in /health/ready and `projections status`; a poison event stops one projection loudly', () => {
  let h: WorkflowHarness;
  let ortho: Clinician;
  const cli = async (...args: string[]) => {
    try {
      const { stdout } = await run(process.execPath, [BIN, ...args], { env: { ...process.env, DATABASE_URL: h.db.url, DATA_DIR: `/tmp/ortholedger-test-${h.db.name}`, LOG_LEVEL: 'silent' } });
      return { code: 0, stdout };
    } catch (error) {
      return { code: (error as { code: number }).code, stdout: (error as { stdout: string }).stdout };
    }
  };

  beforeAll(async () => {
    h = await WorkflowHarness.start();
    const clinic = await h.clinic('A');
    ortho = await h.user('orthodontist', clinic);
    const staff = [{ clinicId: clinic, orthodontists: [ortho.id], dentists: [ortho.id], staff: [ortho.id] }];
    await writeClinic(eventStoreOf(h), syntheticClinic({ patients: 30, casesPerPatient: 1, clinics: staff, seed: 3 }), { mode: 'commands', concurrency: 4 });
    await waitForIndex(h, 30);
  }, 120_000);
  afterAll(() => stopHarness(h));

  it('readiness and the CLI report each projection caught up, with events and seconds behind', async () => {
    let ready = await h.app.inject({ method: 'GET', url: '/health/ready' });
    for (const deadline = Date.now() + 10_000; Date.now() < deadline; ready = await h.app.inject({ method: 'GET', url: '/health/ready' })) {
      const lag = Object.values(ready.json().details.projections.projections as Record<string, { eventsBehind: number }>);
      if (lag.every((p) => p.eventsBehind === 0)) break;
      await sleep(100);
    }
    expect(ready.statusCode).toBe(200);
    const details = ready.json().details.projections;
    expect(details.search).toMatchObject({ ready: true });
    expect(details.search.patients).toBeUndefined(); // readiness needs no login: no count of all clinics' patients
    for (const name of ['patient_directory', 'care_team', 'case_board', 'case_timeline']) {
      expect(details.projections[name]).toMatchObject({ state: 'running', eventsBehind: 0, secondsBehind: 0 });
    }
    const status = await cli('projections', 'status', '--json');
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout).map((s: { projection: string; state: string; eventsBehind: number }) => [s.projection, s.state, s.eventsBehind])).toEqual([
      ['patient_directory', 'running', 0], ['care_team', 'running', 0], ['case_board', 'running', 0], ['case_timeline', 'running', 0],
    ]);
  }, 60_000);

  it('an event the directory cannot apply stops the directory only, with an alert line naming ids (no PHI); the others go on', async () => {
    const patientId = randomUUID();
    const marker = `Poisonname${randomUUID().slice(0, 6)}`;
    // A registration whose data lacks the chart number and date of birth the directory needs (written past the deciders).
    const poison = domainEvent('PatientRegistered', patientId, { patientId, clinicId: ortho.clinicId, registeredBy: ortho.id, name: { given: marker, family: marker } });
    const bad = JSON.parse(Buffer.from(poison.data).toString());
    delete bad.dateOfBirth;
    await eventStoreOf(h).appendToStream(`patient-${patientId}`, [{ ...poison, data: Buffer.from(JSON.stringify({ ...bad, patientId: 'not-a-uuid' })) }]);
    const deadline = Date.now() + 10_000;
    let statuses = await readModelsOf(h).statuses();
    while (!statuses.some((s) => s.state === 'stopped') && Date.now() < deadline) {
      await sleep(100);
      statuses = await readModelsOf(h).statuses();
    }
    const byName = Object.fromEntries(statuses.map((s) => [s.projection, s]));
    expect(byName.patient_directory.state).toBe('stopped');
    expect(byName.patient_directory.failure!.code).toBe('PROJECTION.POISON_EVENT');
    expect(byName.patient_directory.failure!.detail).toContain(`patient-${patientId}@0`);
    expect(byName.care_team.state).toBe('stopped'); // the care team reads the same registration
    const alert = h.log.lines.find((l) => l.includes('projection_stopped'));
    expect(alert).toBeDefined();
    expect(h.log.lines.join('\n')).not.toContain(marker);

    // Case projections were not affected: new case events still arrive on the board.
    await writeClinic(eventStoreOf(h), syntheticClinic({ patients: 2, casesPerPatient: 1, clinics: [{ clinicId: ortho.clinicId!, orthodontists: [ortho.id], dentists: [ortho.id], staff: [ortho.id] }], seed: 4 }), { mode: 'commands' });
    // Waited for, not slept on: on a loaded machine the board may take more than a second to catch up.
    const caughtUp = Date.now() + 15_000;
    let after = Object.fromEntries((await readModelsOf(h).statuses()).map((s) => [s.projection, s]));
    while (after.case_board.eventsBehind > 0 && Date.now() < caughtUp) {
      await sleep(100);
      after = Object.fromEntries((await readModelsOf(h).statuses()).map((s) => [s.projection, s]));
    }
    expect(after.case_board).toMatchObject({ state: 'running', eventsBehind: 0 });
    expect(after.patient_directory.eventsBehind).toBeGreaterThan(0);
    const status = await cli('projections', 'status');
    expect(status.code).toBe(2);
    expect(status.stdout).toContain('STOPPED PROJECTION.POISON_EVENT');
    expect(status.stdout).not.toContain(marker);
  }, 60_000);

  it('while the directory and care team are stopped, search and the case list refuse (503) rather than scope by a frozen care team', async () => {
    const search = await h.call(ortho, 'POST', '/patients/search', { name: 'a' });
    expect(search.status).toBe(503);
    expect(search.body).toMatchObject({ code: 'READ_MODEL.STOPPED' });
    expect(search.body.results).toBeUndefined();
    const list = await h.call(ortho, 'GET', '/case-board?limit=5');
    expect(list.status).toBe(503);
    expect(list.body).toMatchObject({ code: 'READ_MODEL.STOPPED' });
    expect(list.body.cases).toBeUndefined();
  }, 30_000);
});
