/** mulberry32: a small seeded PRNG, so a seed reproduces the same synthetic clinic. */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** A v4-shaped UUID from the stream (deterministic for a seed). */
  uuid(): string {
    const hex = Array.from({ length: 32 }, () => Math.floor(this.next() * 16).toString(16)).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${'89ab'[Math.floor(this.next() * 4)]}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  }
}

/** A typing slip: a dropped, doubled, swapped or replaced letter (never on the first letter). */
export function misspell(word: string, random: SeededRandom): string {
  const chars = [...word];
  if (chars.length < 4) return word;
  const i = random.int(1, chars.length - 2);
  switch (random.int(0, 3)) {
    case 0:
      chars.splice(i, 1);
      break;
    case 1:
      chars.splice(i, 0, chars[i]);
      break;
    case 2:
      [chars[i], chars[i + 1]] = [chars[i + 1], chars[i]];
      break;
    default:
      chars[i] = 'aeiou'[random.int(0, 4)];
  }
  return chars.join('');
}
