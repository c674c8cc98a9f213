import seedrandom from 'seedrandom';
import type { SweepAxis } from '../report/model';
import { axisValue } from './axes';

/**
 * Sweep designs: a full grid (k points per axis) or a random design (n uniform points in the unit
 * cube), both returned in a seeded random order so that a partial or interrupted sweep already
 * covers the whole domain. Index i of the shuffled design belongs to shard i mod N.
 */
export interface DesignPoint {
  index: number;
  point: Record<string, number>;
}

function shuffle<T>(xs: T[], seed: number): T[] {
  const rng = seedrandom.alea(`claimcheck/sweep/${seed}`);
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

export function gridDesign(axes: SweepAxis[], perAxis: number, seed: number): DesignPoint[] {
  let pts: Record<string, number>[] = [{}];
  for (const a of axes) {
    const values = [...new Set(Array.from({ length: perAxis }, (_, i) => axisValue(a, perAxis === 1 ? 0.5 : i / (perAxis - 1))))];
    pts = pts.flatMap((p) => values.map((v) => ({ ...p, [a.name]: v })));
  }
  return shuffle(pts, seed).map((point, index) => ({ index, point }));
}

export function randomDesign(axes: SweepAxis[], count: number, seed: number): DesignPoint[] {
  const rng = seedrandom.alea(`claimcheck/random-design/${seed}`);
  const pts = Array.from({ length: count }, () => Object.fromEntries(axes.map((a) => [a.name, axisValue(a, rng())])));
  return pts.map((point, index) => ({ index, point }));
}

// Shards (i/N, /N with JOB_COMPLETION_INDEX, CLAIMCHECK_SHARD) live in engine/shard.ts, shared with verify.
export { inShard, parseShard } from '../engine/shard';
export type { Shard } from '../engine/shard';
