import { DomainError } from '../shared/domain-error';
import { archOf, isValidIprContact, isValidTooth, type Arch, type ToothNumber } from '../shared/tooth';
import { isIntegerInRange, optional, requireText } from '../shared/validation';
import type {
  ArchSelection,
  PlannedAttachment,
  PlannedIpr,
  ProposeTreatmentPlan,
  RevisionComment,
  StagesPerArch,
} from './treatment-case.commands';
import { MAX_STAGES } from './treatment-case.guards';

/* The shape of a plan ("setup"): stages per treated arch, attachments and IPR on real teeth within those stages. */

export const WEAR_DAYS = { min: 5, max: 21 } as const;
export const IPR_MM = { min: 0.05, max: 0.5 } as const;
/**
 * Enamel removed at one contact over the whole plan, all stages together. 0.5 mm is the common
 * clinical ceiling per contact (DOMAIN.md: typically 0.1-0.5 mm per contact); more risks the enamel.
 */
export const MAX_IPR_MM_PER_CONTACT = 0.5;
/** Slack for float sums (0.1 + 0.2 + 0.2 > 0.5 in binary floating point); far below any planned amount. */
const IPR_SUM_EPSILON_MM = 1e-9;

const treatedArches = (arches: ArchSelection): Arch[] => (arches === 'both' ? ['upper', 'lower'] : [arches]);

export function validateStages(stages: unknown, arches: ArchSelection): StagesPerArch {
  const value = (stages ?? {}) as Record<string, unknown>;
  const treated = treatedArches(arches);
  const given = Object.keys(value).filter((key) => value[key] !== undefined);
  if (given.length !== treated.length || !treated.every((arch) => given.includes(arch))) {
    throw new DomainError(
      'VALIDATION.STAGES_DO_NOT_MATCH_ARCHES',
      `stages must be given for exactly: ${treated.join(', ')}`,
    );
  }
  for (const arch of treated) {
    if (!isIntegerInRange(value[arch], 1, MAX_STAGES)) {
      throw new DomainError('VALIDATION.STAGE_COUNT_OUT_OF_RANGE', `stages.${arch} must be 1 to ${MAX_STAGES}`);
    }
  }
  return Object.fromEntries(treated.map((arch) => [arch, value[arch]])) as StagesPerArch;
}

/** A tooth the plan may touch: a valid FDI number in an arch the case treats. */
export function requireTreatedTooth(tooth: unknown, stages: StagesPerArch, field: string): ToothNumber {
  if (!isValidTooth(tooth)) throw new DomainError('VALIDATION.INVALID_TOOTH', `${field} is not an FDI tooth number`);
  if (stages[archOf(tooth)] === undefined) {
    throw new DomainError('VALIDATION.ARCH_NOT_TREATED', `${field} ${tooth} is in an arch this case does not treat`);
  }
  return tooth;
}

/** A stage of the given arch, or of the longer arch when none is named. */
export function requireStage(stage: unknown, stages: StagesPerArch, field: string, arch?: Arch): number {
  const last = arch ? (stages[arch] ?? 0) : Math.max(stages.upper ?? 0, stages.lower ?? 0);
  if (!isIntegerInRange(stage, 1, last)) {
    throw new DomainError('VALIDATION.STAGE_OUT_OF_RANGE', `${field} must be a stage from 1 to ${last}`);
  }
  return stage;
}

function validateAttachments(value: unknown, stages: StagesPerArch): PlannedAttachment[] {
  if (!Array.isArray(value)) throw new DomainError('VALIDATION.INVALID_VALUE', 'attachments must be a list');
  const seen = new Set<number>();
  return value.map((item: Partial<PlannedAttachment>, i) => {
    const tooth = requireTreatedTooth(item?.tooth, stages, `attachments[${i}].tooth`);
    if (seen.has(tooth)) throw new DomainError('VALIDATION.DUPLICATE_ATTACHMENT', `tooth ${tooth} has two attachments`);
    seen.add(tooth);
    return { tooth, stage: requireStage(item.stage, stages, `attachments[${i}].stage`, archOf(tooth)) };
  });
}

function validateIpr(value: unknown, stages: StagesPerArch): PlannedIpr[] {
  if (!Array.isArray(value)) throw new DomainError('VALIDATION.INVALID_VALUE', 'ipr must be a list');
  const seen = new Set<string>();
  const totalMm = new Map<string, number>();
  return value.map((item: Partial<PlannedIpr>, i) => {
    const field = `ipr[${i}]`;
    const contact = item?.contact;
    if (!Array.isArray(contact) || contact.length !== 2) {
      throw new DomainError('VALIDATION.INVALID_IPR_CONTACT', `${field}.contact must be two teeth`);
    }
    const [a, b] = contact.map((tooth, j) => requireTreatedTooth(tooth, stages, `${field}.contact[${j}]`));
    if (!isValidIprContact(a, b)) {
      throw new DomainError('VALIDATION.INVALID_IPR_CONTACT', `${field}: ${a}|${b} are not adjacent teeth`);
    }
    const stage = requireStage(item.stage, stages, `${field}.stage`, archOf(a));
    const amountMm = item.amountMm;
    if (typeof amountMm !== 'number' || !(amountMm >= IPR_MM.min && amountMm <= IPR_MM.max)) {
      throw new DomainError(
        'VALIDATION.IPR_AMOUNT_OUT_OF_RANGE',
        `${field}.amountMm must be ${IPR_MM.min} to ${IPR_MM.max}`,
      );
    }
    // Contacts are order-insensitive; store them low tooth first so equal contacts compare equal.
    const sorted: [ToothNumber, ToothNumber] = a < b ? [a, b] : [b, a];
    const key = `${sorted.join('|')}@${stage}`;
    if (seen.has(key))
      throw new DomainError(
        'VALIDATION.DUPLICATE_IPR',
        `${field} repeats contact ${sorted.join('|')} at stage ${stage}`,
      );
    seen.add(key);
    const contactKey = sorted.join('|');
    const total = (totalMm.get(contactKey) ?? 0) + amountMm;
    if (total > MAX_IPR_MM_PER_CONTACT + IPR_SUM_EPSILON_MM) {
      throw new DomainError(
        'VALIDATION.IPR_AMOUNT_OUT_OF_RANGE',
        `${field}: IPR at contact ${contactKey} totals more than ${MAX_IPR_MM_PER_CONTACT} mm over the plan`,
      );
    }
    totalMm.set(contactKey, total);
    return { contact: sorted, stage, amountMm };
  });
}

type PlanContent = Pick<
  ProposeTreatmentPlan['data'],
  'stages' | 'alignerCount' | 'attachments' | 'ipr' | 'wearScheduleDays' | 'notes'
>;

export function validatePlanContent(command: PlanContent, arches: ArchSelection): PlanContent {
  const stages = validateStages(command.stages, arches);
  const expectedAligners = (stages.upper ?? 0) + (stages.lower ?? 0);
  if (command.alignerCount !== expectedAligners) {
    // One aligner per stage per arch.
    throw new DomainError(
      'VALIDATION.ALIGNER_COUNT_MISMATCH',
      `alignerCount must be ${expectedAligners} (one per stage per arch)`,
    );
  }
  if (!isIntegerInRange(command.wearScheduleDays, WEAR_DAYS.min, WEAR_DAYS.max)) {
    throw new DomainError(
      'VALIDATION.WEAR_SCHEDULE_OUT_OF_RANGE',
      `wearScheduleDays must be ${WEAR_DAYS.min} to ${WEAR_DAYS.max}`,
    );
  }
  return {
    stages,
    alignerCount: expectedAligners,
    attachments: validateAttachments(command.attachments, stages),
    ipr: validateIpr(command.ipr, stages),
    wearScheduleDays: command.wearScheduleDays,
    ...optional('notes', command.notes === undefined ? undefined : requireText(command.notes, 'notes', 10_000)),
  };
}

export function validateComments(value: unknown, stages: StagesPerArch): RevisionComment[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new DomainError('VALIDATION.COMMENTS_REQUIRED', 'a revision request needs at least one comment');
  }
  return value.map((comment: Partial<RevisionComment>, i) => {
    const field = `comments[${i}]`;
    const tooth =
      comment?.tooth === undefined ? undefined : requireTreatedTooth(comment.tooth, stages, `${field}.tooth`);
    const stage =
      comment?.stage === undefined
        ? undefined
        : requireStage(comment.stage, stages, `${field}.stage`, tooth === undefined ? undefined : archOf(tooth));
    return {
      text: requireText(comment?.text, `${field}.text`, 2000),
      ...optional('tooth', tooth),
      ...optional('stage', stage),
    };
  });
}
