import seedrandom from 'seedrandom';

/**
 * Seeded random streams. Every random quantity of a run (data, init, test set, fixed flips,
 * per-step label noise) comes from its own named stream derived from the run's seed, so changing
 * one part of a configuration (say the number of steps) never changes the draws of another.
 * All randomness is drawn in JavaScript, never by tfjs random ops (whose seed 0 means "unseeded").
 */
export interface Rng {
  /** Uniform on [0, 1). */
  uniform(): number;
  /** Standard normal (Box-Muller, both values of a pair used). */
  normal(): number;
}

export function stream(seed: number, name: string): Rng {
  const prng = seedrandom.alea(`claimcheck/${seed}/${name}`);
  let spare: number | null = null;
  return {
    uniform: () => prng(),
    normal: () => {
      if (spare !== null) {
        const s = spare;
        spare = null;
        return s;
      }
      let u = 0;
      while (u <= Number.MIN_VALUE) u = prng();
      const v = prng();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
  };
}

/** Fill an array with N(0, sd^2) draws. */
export function fillNormal(rng: Rng, out: Float64Array, sd: number): Float64Array {
  for (let i = 0; i < out.length; i++) out[i] = sd * rng.normal();
  return out;
}
