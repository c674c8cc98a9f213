import type { Regime, SeedStream } from './types';

/**
 * Pre-registration (spec/claims.md): constants chosen by looking at results are fitted on a
 * calibration seed stream that never shares a seed with the stream verdicts are scored on.
 *
 * Every training seed of a unit is a regime's `seed` plus a replicate offset (kit/training replicateSeeds),
 * and every generator draws `seed` in [1, SEED_DRAW_MAX]. The scoring stream is used as drawn;
 * the calibration stream adds CALIBRATION_OFFSET. With replicates below MAX_REPLICATES the two
 * ranges [1, SEED_DRAW_MAX + MAX_REPLICATES) and [CALIBRATION_OFFSET + 1, ...) are disjoint.
 */
export const SEED_DRAW_MAX = 1_000_000;
export const MAX_REPLICATES = 100_000;
export const CALIBRATION_OFFSET = 2 ** 30;
/** the largest seed a scoring unit may train with */
export const SCORING_SEED_MAX = SEED_DRAW_MAX + MAX_REPLICATES;

/** The regime with its seed moved into the given stream (scoring regimes are left as drawn). */
export function inStream(regime: Regime, stream: SeedStream): Regime {
  if (stream === 'score') return regime;
  const seed = typeof regime.seed === 'number' ? regime.seed : 1;
  if (seed > CALIBRATION_OFFSET) return regime; // already in the calibration stream
  return { ...regime, seed: CALIBRATION_OFFSET + (((Math.max(1, seed) - 1) % SEED_DRAW_MAX) + 1) };
}

/** The stream a training seed belongs to (throws for a seed in neither). */
export function streamOf(seed: number): SeedStream {
  if (Number.isInteger(seed) && seed >= 1 && seed < SCORING_SEED_MAX) return 'score';
  if (Number.isInteger(seed) && seed > CALIBRATION_OFFSET && seed < CALIBRATION_OFFSET + SCORING_SEED_MAX) return 'calibrate';
  throw new RangeError(`seed ${seed} is in neither the scoring nor the calibration stream`);
}
