import type { Message } from '../shared/decider';
import type { ToothNumber } from '../shared/tooth';

export const ARCH_SELECTIONS = ['upper', 'lower', 'both'] as const;
export const MALOCCLUSION_CLASSES = ['I', 'II_div1', 'II_div2', 'III'] as const;
export const CLINICAL_CONDITIONS = ['crowding', 'spacing', 'open_bite', 'deep_bite', 'crossbite'] as const;
export const SCAN_KINDS = ['intraoral_3d', 'cbct', 'panoramic', 'cephalometric', 'photo'] as const;
export const PLAN_SERIES = ['initial', 'refinement'] as const;
export const FITS = ['tracking', 'minor_deviation', 'off_track'] as const;

export type ArchSelection = (typeof ARCH_SELECTIONS)[number];
export type MalocclusionClass = (typeof MALOCCLUSION_CLASSES)[number];
export type ClinicalCondition = (typeof CLINICAL_CONDITIONS)[number];
export type ScanKind = (typeof SCAN_KINDS)[number];
export type PlanSeries = (typeof PLAN_SERIES)[number];
export type Fit = (typeof FITS)[number];

/** Stage count per treated arch; exactly the arches the case treats are present. */
export interface StagesPerArch {
  upper?: number;
  lower?: number;
}
export interface PlannedAttachment {
  tooth: ToothNumber;
  stage: number;
}
export interface PlannedIpr {
  contact: [ToothNumber, ToothNumber];
  stage: number;
  amountMm: number;
}
export interface RevisionComment {
  text: string;
  tooth?: ToothNumber;
  stage?: number;
}

/**
 * Every case command names its stream (`caseId`) and brings the id of the entry it will write
 * (`entryId`, a fresh UUID): corrections point at entries, and a retried command keeps its id.
 */
export interface CaseCommandBase {
  caseId: string;
  entryId: string;
  /**
   * Snapshot the application takes from the patient stream before deciding: commands that carry
   * treatment forward (TREATMENT_CONSENT_REQUIRED) are refused without active treatment consent.
   * Never taken from the client.
   */
  patientConsent?: { treatment: boolean };
  /**
   * The patient's current clinic, a snapshot from the patient stream: a transferred patient's cases
   * move with them, so the clinic check follows the patient. Absent: the clinic the case was opened in.
   * Never taken from the client.
   */
  patientClinicId?: string;
  /**
   * The patient's care team (user ids), a snapshot from the patient stream; with the two facts below
   * it says whether the treating orthodontist has handed plan decisions over (requireTreating).
   * Never taken from the client, as the two below.
   */
  patientCareTeam?: readonly string[];
  /** Former members of the patient's care team who removed themselves and have not rejoined (patient stream). */
  patientLeftTeam?: readonly string[];
  /**
   * Whether the treating doctor's account is an active orthodontist or dentist of the patient's
   * current clinic (identity store): false once disabled, no longer a clinician, or the patient
   * was transferred elsewhere. Absent: taken as active.
   */
  treatingDoctorActive?: boolean;
}

export type OpenCase = Message<
  'OpenCase',
  CaseCommandBase & {
    patientId: string;
    clinicId: string;
    treatingOrthodontistId: string;
    arches: ArchSelection;
    chiefComplaint?: string;
    /** Snapshot the caller takes from the patient stream when opening. */
    patientConsent: { treatment: boolean };
  }
>;

export type RecordClinicalFindings = Message<
  'RecordClinicalFindings',
  CaseCommandBase & {
    findingId: string;
    diagnosis: string;
    malocclusionClass: MalocclusionClass;
    conditions: ClinicalCondition[];
    notes?: string;
    measurements?: Record<string, number>;
  }
>;

export type AttachScan = Message<
  'AttachScan',
  CaseCommandBase & {
    scanId: string;
    kind: ScanKind;
    /** SHA-256 of the file, lower-case hex. */
    contentHash: string;
    sizeBytes: number;
    storageRef: string;
    arch?: ArchSelection;
  }
>;

export type ProposeTreatmentPlan = Message<
  'ProposeTreatmentPlan',
  CaseCommandBase & {
    planId: string;
    version: number;
    series: PlanSeries;
    stages: StagesPerArch;
    alignerCount: number;
    attachments: PlannedAttachment[];
    ipr: PlannedIpr[];
    wearScheduleDays: number;
    notes?: string;
  }
>;

export type ApprovePlan = Message<'ApprovePlan', CaseCommandBase & { planId: string; version: number }>;

export type RequestPlanRevision = Message<
  'RequestPlanRevision',
  CaseCommandBase & { planId: string; version: number; comments: RevisionComment[] }
>;

export type OrderAligners = Message<
  'OrderAligners',
  CaseCommandBase & { orderId: string; planVersion: number; stageFrom: number; stageTo: number }
>;

export type RecordShipment = Message<
  'RecordShipment',
  CaseCommandBase & { orderId: string; carrier: string; trackingRef?: string }
>;

export type RecordProgressCheck = Message<
  'RecordProgressCheck',
  CaseCommandBase & { checkId: string; currentStage: number; fit: Fit; notes?: string }
>;

export type StartRefinement = Message<'StartRefinement', CaseCommandBase & { reason: string }>;
export type CompleteCase = Message<'CompleteCase', CaseCommandBase>;
export type CancelCase = Message<'CancelCase', CaseCommandBase & { reason: string }>;

/** A new entry that amends fields of an earlier one; the earlier entry is never changed. */
export type CorrectEntry = Message<
  'CorrectEntry',
  CaseCommandBase & { correctsEntryId: string; reason: string; replacement: Record<string, unknown> }
>;

export type CaseCommand =
  | OpenCase
  | RecordClinicalFindings
  | AttachScan
  | ProposeTreatmentPlan
  | ApprovePlan
  | RequestPlanRevision
  | OrderAligners
  | RecordShipment
  | RecordProgressCheck
  | StartRefinement
  | CompleteCase
  | CancelCase
  | CorrectEntry;

export type CaseCommandType = CaseCommand['type'];
