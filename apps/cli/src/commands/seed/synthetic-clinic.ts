import type { CaseCommand, CommandContext, PatientCommand, Role } from '@ortholedger/domain';
import { CITIES, FAMILY_NAMES, GIVEN_NAMES } from './synthetic-names';
import { misspell, SeededRandom } from './random';

export interface ClinicStaff {
  readonly clinicId: string;
  readonly orthodontists: readonly string[];
  readonly dentists: readonly string[];
  readonly staff: readonly string[];
}

export interface SeedPlanOptions {
  readonly patients: number;
  readonly casesPerPatient: number;
  /** Synthetic clinics to spread patients over (ignored when `clinics` is given). */
  readonly clinicCount?: number;
  /** Real clinics and users to seed into (demo clinic); synthetic ids otherwise. */
  readonly clinics?: readonly ClinicStaff[];
  readonly seed?: number;
}

/** One actor's commands against one stream, decided and appended together. */
export interface SeedStep {
  readonly ctx: CommandContext;
  readonly commands: readonly (PatientCommand | CaseCommand)[];
}

export interface StreamPlan {
  readonly aggregate: 'patient' | 'treatment_case';
  readonly id: string;
  readonly subjectId: string;
  readonly steps: readonly SeedStep[];
}

/** What was registered (after corrections), so tests and benches know what to look for. */
export interface SeededPatient {
  readonly patientId: string;
  readonly clinicId: string;
  readonly careTeam: readonly string[];
  readonly name: { given: string; family: string };
  readonly dateOfBirth: string;
  readonly chartNumber: string;
  readonly email: string;
  readonly phone: string;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

export function syntheticStaff(random: SeededRandom, count: number): ClinicStaff[] {
  return Array.from({ length: count }, () => ({
    clinicId: random.uuid(),
    orthodontists: Array.from({ length: 4 }, () => random.uuid()),
    dentists: Array.from({ length: 3 }, () => random.uuid()),
    staff: Array.from({ length: 3 }, () => random.uuid()),
  }));
}

/**
 * A realistic synthetic clinic network as command batches for the command side: patients with
 * multi-cultural names (accents, particles), some duplicates (same name and birth date), some
 * mistyped at registration and corrected later, care teams, and cases at every workflow stage.
 */
export function* syntheticClinic(options: SeedPlanOptions): Generator<{ patient: SeededPatient; streams: StreamPlan[] }> {
  const random = new SeededRandom(options.seed ?? 20240601);
  const clinics = options.clinics ?? syntheticStaff(random, options.clinicCount ?? Math.max(1, Math.ceil(options.patients / 2000)));
  const planner = random.uuid();
  const coordinator = random.uuid();
  let clock = Date.parse('2024-01-02T08:00:00.000Z');
  const tick = (minutes: number) => new Date((clock += minutes * 60_000)).toISOString();
  const recent: SeededPatient[] = [];

  for (let i = 0; i < options.patients; i++) {
    const clinic = clinics[i % clinics.length];
    const ortho = random.pick(clinic.orthodontists);
    // A real clinic (seed --clinic-id) may have no staff or no dentist among the clinicians given.
    const registrar = random.chance(0.5) && clinic.staff.length > 0 ? random.pick(clinic.staff) : ortho;
    const patientId = random.uuid();
    const twin = recent.length > 0 && random.chance(0.03) ? random.pick(recent) : undefined;
    const name = twin ? { ...twin.name } : { given: random.pick(GIVEN_NAMES), family: random.pick(FAMILY_NAMES) };
    if (!twin && random.chance(0.15)) name.family = `${name.family}-${random.pick(FAMILY_NAMES).split(' ')[0]}`;
    const dateOfBirth = twin?.dateOfBirth ?? `${random.int(1950, 2019)}-${pad(random.int(1, 12))}-${pad(random.int(1, 28))}`;
    const chartNumber = `CH-${pad(i % 1000, 3)}${pad(random.int(0, 99999), 5)}`;
    const local = `${name.given}.${name.family}`.normalize('NFKD').replace(/[^A-Za-z.]/g, '').toLowerCase();
    const email = `${local}.${i}@mail.example`;
    const phone = `+41 79 ${pad(random.int(0, 999), 3)} ${pad(random.int(0, 99), 2)} ${pad(i % 100, 2)}`;
    const [city, country] = random.pick(CITIES);
    const typo = random.chance(0.05);
    const registeredName = typo ? { given: name.given, family: misspell(name.family, random) } : name;
    const careTeam = [ortho, ...(random.chance(0.3) && clinic.dentists.length > 0 ? [random.pick(clinic.dentists)] : [])];
    const ctx = (userId: string, role: Role, minutes = 1): CommandContext => ({ actor: { userId, role, clinicId: clinic.clinicId }, now: tick(minutes) });
    const registrarRole: Role = registrar === ortho ? 'orthodontist' : 'clinic_staff';

    const patientCommands: PatientCommand[] = [
      {
        type: 'RegisterPatient',
        data: {
          patientId, clinicId: clinic.clinicId, name: registeredName, dateOfBirth, chartNumber,
          contact: { email, phone, address: { lines: [`${random.int(1, 200)} Rue des Aligneurs`], city, country } },
        },
      },
      ...careTeam.map((userId, k): PatientCommand => ({ type: 'AssignCareTeamMember', data: { patientId, userId, role: k === 0 ? 'orthodontist' : 'dentist' } })),
      { type: 'RecordConsent', data: { patientId, consentType: 'treatment', formVersion: 'TX-2024.2', status: 'granted', givenBy: 'patient', recordedAt: new Date(clock).toISOString() } },
    ];
    const patientSteps: SeedStep[] = [{ ctx: ctx(registrar, registrarRole), commands: patientCommands }];
    if (typo) {
      patientSteps.push({ ctx: ctx(ortho, 'orthodontist', 30), commands: [{ type: 'CorrectDemographics', data: { patientId, corrections: { name }, reason: 'typo_at_registration' } }] });
    }
    const patient: SeededPatient = { patientId, clinicId: clinic.clinicId, careTeam, name, dateOfBirth, chartNumber, email, phone };
    recent.push(patient);
    if (recent.length > 200) recent.shift();

    const streams: StreamPlan[] = [{ aggregate: 'patient', id: patientId, subjectId: patientId, steps: patientSteps }];
    for (let c = 0; c < options.casesPerPatient; c++) {
      const caseId = random.uuid();
      streams.push({ aggregate: 'treatment_case', id: caseId, subjectId: patientId, steps: caseSteps(random, caseId, { patientId, clinicId: clinic.clinicId, ortho, planner, coordinator, ctx }) });
    }
    yield { patient, streams };
  }
}

interface CaseActors {
  patientId: string;
  clinicId: string;
  ortho: string;
  planner: string;
  coordinator: string;
  ctx: (userId: string, role: Role, minutes?: number) => CommandContext;
}

/** A case taken to a random point of the workflow: opened only, up to plan approval, in treatment, completed. */
function caseSteps(random: SeededRandom, caseId: string, a: CaseActors): SeedStep[] {
  // Every seeded patient's treatment consent is granted (the snapshot the clinic API takes from the patient stream).
  const cmd = (type: string, data: object) => ({ type, data: { caseId, entryId: random.uuid(), patientConsent: { treatment: true }, ...data } }) as unknown as CaseCommand;
  const depth = random.int(0, 6);
  const steps: SeedStep[] = [];
  const ortho = (...commands: CaseCommand[]) => steps.push({ ctx: a.ctx(a.ortho, 'orthodontist', 60), commands });
  const backOffice = (userId: string, role: Role, ...commands: CaseCommand[]) =>
    steps.push({ ctx: { actor: { userId, role }, now: a.ctx(a.ortho, 'orthodontist', 60).now }, commands });
  const opening = [cmd('OpenCase', { patientId: a.patientId, clinicId: a.clinicId, treatingOrthodontistId: a.ortho, arches: 'both', chiefComplaint: random.pick(['crowding of lower incisors', 'gap between front teeth', 'overbite']), patientConsent: { treatment: true } })];
  if (depth >= 1) {
    opening.push(cmd('RecordClinicalFindings', { findingId: random.uuid(), diagnosis: random.pick(['moderate crowding', 'anterior spacing', 'deep bite']), malocclusionClass: random.pick(['I', 'II_div1', 'II_div2', 'III']), conditions: ['crowding'], measurements: { overjet_mm: random.int(1, 8) } }));
    opening.push(cmd('AttachScan', { scanId: random.uuid(), kind: 'intraoral_3d', contentHash: 'ab'.repeat(32), sizeBytes: random.int(3, 15) * 1_000_000, storageRef: `scans/${random.uuid()}` }));
  }
  ortho(...opening);
  if (depth < 2) return steps;
  const stages = random.int(10, 40);
  const planId = random.uuid();
  backOffice(a.planner, 'treatment_planner', cmd('ProposeTreatmentPlan', { planId, version: 1, series: 'initial', stages: { upper: stages, lower: stages }, alignerCount: stages * 2, attachments: [{ tooth: 13, stage: 1 }], ipr: [{ contact: [11, 21], stage: 2, amountMm: 0.2 }], wearScheduleDays: 7 }));
  if (depth < 3) return steps;
  const orderId = random.uuid();
  ortho(cmd('ApprovePlan', { planId, version: 1 }), cmd('OrderAligners', { orderId, planVersion: 1, stageFrom: 1, stageTo: stages }));
  if (depth < 4) return steps;
  backOffice(a.coordinator, 'case_coordinator', cmd('RecordShipment', { orderId, carrier: 'DHL' }));
  if (depth < 5) return steps;
  ortho(cmd('RecordProgressCheck', { checkId: random.uuid(), currentStage: random.int(1, stages), fit: random.pick(['tracking', 'minor_deviation']) }));
  if (depth < 6) return steps;
  ortho(cmd('CompleteCase', {}));
  return steps;
}
