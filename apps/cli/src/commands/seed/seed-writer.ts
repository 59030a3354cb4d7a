import { randomUUID } from 'node:crypto';
import { type Decider, type Message, patientDecider, treatmentCaseDecider, caseStream, patientStream } from '@ortholedger/domain';
import type { EventStore, EventToAppend } from '@ortholedger/event-store';
import { createEnvelope, encodeEvent, handleCommand } from '@ortholedger/platform';
import type { SeededPatient, StreamPlan } from './synthetic-clinic';

export type SeedMode =
  /** Each actor's batch through the generic command handler (load, decide, append with the exact revision). */
  | 'commands'
  /** The same deciders and event encoding, but a new stream's whole history in one append (bulk seeding). */
  | 'batched';

const deciderOf = (plan: StreamPlan) => (plan.aggregate === 'patient' ? patientDecider : treatmentCaseDecider) as unknown as Decider<Message, Message, unknown>;
const streamOf = (plan: StreamPlan) => (plan.aggregate === 'patient' ? patientStream(plan.id) : caseStream(plan.id));

/** Writes one stream plan; returns the number of events appended. */
export async function writeStream(store: EventStore, plan: StreamPlan, mode: SeedMode): Promise<number> {
  const decider = deciderOf(plan);
  const streamId = streamOf(plan);
  if (mode === 'commands') {
    let events = 0;
    for (const step of plan.steps) {
      const envelope = createEnvelope({ ctx: step.ctx, correlationId: randomUUID() });
      const outcome = await handleCommand({ store, decider, aggregate: plan.aggregate, streamId, subjectId: plan.subjectId }, step.commands as Message[], envelope);
      events += outcome.events.length;
    }
    return events;
  }
  let state = decider.initialState();
  const toAppend: EventToAppend[] = [];
  for (const step of plan.steps) {
    const envelope = createEnvelope({ ctx: step.ctx, correlationId: randomUUID() });
    let index = 0;
    for (const command of step.commands) {
      for (const event of decider.decide(command as Message, state, step.ctx)) {
        state = decider.evolve(state, event);
        toAppend.push(encodeEvent(event, { streamId, index: index++, subjectId: plan.subjectId, envelope }));
      }
    }
  }
  await store.appendToStream(streamId, toAppend, { expectedRevision: 'no_stream' });
  return toAppend.length;
}

export interface SeedProgress {
  patients: number;
  events: number;
}

/**
 * Writes patients with `concurrency` workers; each patient's stream first (the case needs its
 * consent), then its cases. Returns what was registered.
 */
export async function writeClinic(
  store: EventStore,
  source: Iterable<{ patient: SeededPatient; streams: StreamPlan[] }>,
  options: { mode: SeedMode; concurrency?: number; onProgress?: (p: SeedProgress) => void; keep?: boolean },
): Promise<{ patients: SeededPatient[]; events: number }> {
  const iterator = source[Symbol.iterator]();
  const patients: SeededPatient[] = [];
  const progress: SeedProgress = { patients: 0, events: 0 };
  const worker = async () => {
    for (let next = iterator.next(); !next.done; next = iterator.next()) {
      const [patientStreamPlan, ...cases] = next.value.streams;
      // `x += await y` would read x before the await and lose other workers' additions.
      const written = await writeStream(store, patientStreamPlan, options.mode);
      progress.events += written;
      for (const plan of cases) {
        const more = await writeStream(store, plan, options.mode);
        progress.events += more;
      }
      if (options.keep !== false) patients.push(next.value.patient);
      progress.patients++;
      options.onProgress?.(progress);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker));
  return { patients, events: progress.events };
}
