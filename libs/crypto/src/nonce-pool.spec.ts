import { randomNonce } from './nonce-pool';

describe('randomNonce', () => {
  it('never repeats a nonce across pool refills and hands out copies', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 50_000; i++) {
      const nonce = randomNonce(12);
      expect(nonce).toHaveLength(12);
      seen.add(nonce.toString('hex'));
    }
    expect(seen.size).toBe(50_000);
    const a = randomNonce(12);
    const copy = Buffer.from(a);
    a.fill(0);
    expect(randomNonce(12).equals(copy)).toBe(false);
  });

  it('serves mixed sizes from one pool without overlap', () => {
    const parts = Array.from({ length: 3000 }, (_, i) => randomNonce(i % 2 === 0 ? 12 : 16).toString('hex'));
    expect(new Set(parts).size).toBe(parts.length);
  });
});
