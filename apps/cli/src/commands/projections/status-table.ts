import type { ProjectionStatus } from '@ortholedger/read-models';

/** `projections status` for people: one line per read model, failures and rebuilds spelled out. */
export function formatStatuses(statuses: readonly ProjectionStatus[]): string {
  const rows = [['projection', 'state', 'position', 'behind', 'seconds', 'last commit']];
  for (const s of statuses) {
    rows.push([s.projection, s.state, s.position ?? '-', String(s.eventsBehind), s.secondsBehind.toFixed(1), s.lastCommitAt ?? '-']);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const lines = rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd());
  for (const s of statuses) {
    if (s.failure) lines.push(`  ${s.projection}: STOPPED ${s.failure.code} at ${s.failure.at}: ${s.failure.detail}`);
    if (s.rebuild) lines.push(`  ${s.projection}: rebuild in shadow tables at ${s.rebuild.position} (${s.rebuild.eventsDone} events); rerun \`projections rebuild\` to resume`);
  }
  return lines.join('\n');
}
