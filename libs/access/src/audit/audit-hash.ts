import { createHash, createHmac } from 'node:crypto';
import { isIP } from 'node:net';
import { isUuid } from '../realm';
import type { AuditRecord, AuditRow } from './audit.types';
import { isAuditedParam, isCareTeamParam } from './redact';

export const GENESIS_HASH = '0'.repeat(64);

const CODE = /^[a-z0-9][a-z0-9_.:-]{0,79}$/i;
const CORRELATION = /^[A-Za-z0-9._-]{8,64}$/;
const PURPOSE = /^[A-Za-z0-9_.:-]{1,120}$/;

type Unhashed = Omit<AuditRow, 'seq' | 'prevHash' | 'hash'>;

const code = (value: string | undefined) => (value !== undefined && CODE.test(value) ? value : null);
const uuid = (value: string | undefined) => (isUuid(value) ? value : null);

/**
 * The only shape that reaches the table: ids must be UUIDs, codes must look like codes, free text
 * is cut or dropped. A value that fails is stored as null, so nothing a user typed can land here.
 */
export function sanitiseAuditRecord(record: AuditRecord, at: Date): Unhashed {
  const params: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(record.params ?? {}).slice(0, 32)) {
    if (!/^[A-Za-z][A-Za-z0-9_.]{0,63}$/.test(key)) continue;
    // Request parameters pass the same allowlist as in redactParams, whoever built the record.
    const [source, field] = splitParam(key);
    if (key === 'body.careTeam') {
      if (isCareTeamParam(value)) params[key] = value as string;
      continue;
    }
    if (source && !isAuditedParam(source, field, value)) continue;
    if (typeof value === 'boolean' || (typeof value === 'number' && Number.isSafeInteger(value)) || isUuid(value)) params[key] = value;
  }
  return {
    at: record.at ?? at,
    realm: code(record.realm),
    actorId: uuid(record.actorId),
    role: code(record.role),
    sessionId: uuid(record.sessionId),
    action: code(record.action) ?? 'unknown',
    resourceType: code(record.resourceType),
    resourceId: uuid(record.resourceId),
    patientId: uuid(record.patientId),
    outcome: record.outcome,
    status: Number.isInteger(record.status) ? (record.status as number) : null,
    reason: code(record.reason),
    ip: record.ip && isIP(record.ip) ? record.ip : null,
    // Not PHI, but attacker-chosen text: printable ASCII only, bounded.
    userAgent: record.userAgent ? record.userAgent.replace(/[^\x20-\x7e]/g, '').slice(0, 256) || null : null,
    correlationId: record.correlationId && CORRELATION.test(record.correlationId) ? record.correlationId : null,
    purpose: record.purpose && PURPOSE.test(record.purpose) ? record.purpose : null,
    breakGlass: record.breakGlass === true,
    params: Object.keys(params).length > 0 ? params : null,
    policyVersion: code(record.policyVersion),
  };
}

function splitParam(key: string): [source: 'path' | 'query' | 'body' | undefined, field: string] {
  const dot = key.indexOf('.');
  const source = key.slice(0, dot);
  return source === 'path' || source === 'query' || source === 'body' ? [source, key.slice(dot + 1)] : [undefined, key];
}

function canonicalParams(params: AuditRow['params']): string | null {
  if (!params) return null;
  return JSON.stringify(Object.keys(params).sort().map((k) => [k, params[k]]));
}

/**
 * The audit chain's MAC key: HMAC-SHA256 under a secret derived from the access root key, which
 * exists only wrapped by the key provider (KMS in production). A plain hash chain shows edits
 * only to someone who did not also recompute the hashes after them; with the key, someone who
 * can write the database but cannot use the key provider cannot forge a row, a link or a tail.
 */
export class AuditChainKey {
  constructor(private readonly key: Buffer) {
    if (key.length < 32) throw new Error('audit chain key must be at least 256 bits');
  }

  mac(prevHash: string, canonical: string): string {
    return createHmac('sha256', this.key).update(prevHash).update('\n').update(canonical).digest('hex');
  }
}

function canonicalRow(row: Unhashed & { seq: number }): string {
  return JSON.stringify([
    row.seq, row.at.toISOString(), row.realm, row.actorId, row.role, row.sessionId, row.action, row.resourceType,
    row.resourceId, row.patientId, row.outcome, row.status, row.reason, row.ip, row.userAgent, row.correlationId,
    row.purpose, row.breakGlass, canonicalParams(row.params), row.policyVersion,
  ]);
}

/** Fixed field order; any change to a field, its position or the link changes the MAC. */
export function auditRowHash(row: Unhashed & { seq: number }, prevHash: string, key: AuditChainKey): string {
  return key.mac(prevHash, canonicalRow(row));
}

/**
 * The unkeyed SHA-256 link rows had before the chain was keyed: verify names such a row
 * (`unkeyed_row`) rather than calling it edited. It never counts as valid.
 */
export function unkeyedRowHash(row: Unhashed & { seq: number }, prevHash: string): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonicalRow(row)).digest('hex');
}
