/**
 * Deterministic randomness for the fake server: every row draws from its own generator seeded by
 * (seed, type, index), so a row can be built on demand, in any order, and always comes out the same.
 */

/** FNV-1a over a string: a 32-bit seed from a key. */
export function hash32(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: a small fast generator; returns floats in [0, 1). */
export function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Rng = ReturnType<typeof rowRng>;

/** The generator of one row, with the helpers the data builders use. */
export function rowRng(seed: string | number, ...key: (string | number)[]) {
  const next = generator(hash32(`${seed}|${key.join('|')}`));
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    chance: (p: number) => next() < p,
    uuid: () => {
      // 32 random hex digits from four 32-bit draws, shaped like MoySklad's time-based ids
      // (version 1, variant bits set).
      const h = [0, 1, 2, 3]
        .map(() =>
          Math.floor(next() * 4294967296)
            .toString(16)
            .padStart(8, '0'),
        )
        .join('');
      const variant = (8 + (parseInt(h[16]!, 16) % 4)).toString(16);
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-11${h.slice(14, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
    },
    digits: (n: number) => {
      let out = '';
      for (let i = 0; i < n; i++) out += Math.floor(next() * 10);
      return out;
    },
  };
}

/** An EAN-13 with a valid check digit from 12 digits. */
export function ean13(twelve: string): string {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(twelve[i]) * (i % 2 === 0 ? 1 : 3);
  return twelve + ((10 - (sum % 10)) % 10);
}
