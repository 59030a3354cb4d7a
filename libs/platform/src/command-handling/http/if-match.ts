import { InvalidCommandHeader } from '../command-errors';

/**
 * A stream revision, quoted as this API sends it (or bare). Not a weak ETag (`W/"7"`): If-Match
 * compares strongly (RFC 9110 13.1.1), so a weak one could never match, and is refused as malformed.
 */
const REVISION = /^(?:"(\d{1,15})"|(\d{1,15}))$/;

/** ETag of a stream revision: a strong validator, quoted as RFC 9110 wants. */
export const etagOf = (revision: bigint | number): string => `"${revision}"`;

/** If-Match -> the expected stream revision. `*` (any current state) and absence mean no precondition. */
export function parseIfMatch(header: string | string[] | undefined): bigint | undefined {
  if (header === undefined) return undefined;
  const value = (Array.isArray(header) ? header.join(',') : header).trim();
  if (value === '*') return undefined;
  const match = REVISION.exec(value);
  if (!match) throw new InvalidCommandHeader('If-Match', 'must be one ETag of this API (a quoted stream revision)');
  return BigInt(match[1] ?? match[2]);
}
