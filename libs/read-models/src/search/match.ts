import { boundedOsa } from './edit-distance';
import { maxTypos } from './name-normalise';

/**
 * How well a query token matches a name token: 0 exact, 1 prefix, 1 + d for a typo at edit
 * distance d (within maxTypos of the query token's length); undefined for no match. Lower ranks first.
 */
export function matchTier(query: string, token: string): number | undefined {
  if (token === query) return 0;
  if (token.startsWith(query)) return 1;
  const k = maxTypos(query.length);
  if (k === 0) return undefined;
  const d = boundedOsa(query, token, k);
  return d <= k ? 1 + d : undefined;
}

/** Sum of each query token's best tier over the name's tokens; undefined if one query token matches nothing. */
export function nameScore(queryTokens: readonly string[], nameTokens: readonly string[]): number | undefined {
  let total = 0;
  for (const q of queryTokens) {
    let best: number | undefined;
    for (const t of nameTokens) {
      const tier = matchTier(q, t);
      if (tier !== undefined && (best === undefined || tier < best)) best = tier;
      if (best === 0) break;
    }
    if (best === undefined) return undefined;
    total += best;
  }
  return total;
}
