import { DEFAULT_CONFIG, resolveConfig, type TrainConfig } from '../training/config';
import { loadPreset } from '../training/presets';
import type { TrainResult } from '../training/train';
import type { CatalogueRow, RowContext } from './types';

/**
 * Helpers of the review procedures: seed counts scaled by the budget, and training named variants
 * of a configuration on the same seeds (same data, initialisation and test set per seed: the data
 * and initialisation streams depend on the seed and the data keys only, never on the algorithm).
 */

/** A count at budget F: round(n F), at least `min`. */
export function scaled(n: number, budget: number, min = 2): number {
  return Math.max(min, Math.round(n * budget));
}

/** The first k replicate seeds of the row (k scaled by the budget, never more than the row has). */
export function seedsFor(ctx: RowContext, n: number, min = 2): number[] {
  return ctx.seeds.slice(0, Math.min(ctx.seeds.length, scaled(n, ctx.budget, min)));
}

/** A number the row declares in `settings` (with a default when absent). */
export function setting<T>(row: CatalogueRow, key: string, fallback: T): T {
  const v = row.settings[key];
  return v === undefined ? fallback : (v as T);
}

export function level(row: CatalogueRow, key: string, fallback: number): number {
  return row.levels?.[key] ?? fallback;
}

/**
 * Train every variant (name -> overrides of `base`) on every seed, in one call of ctx.train (one
 * batched plan, cached); result[name][i] is variant `name` on seeds[i]. perSample: the misclassified
 * test points, for paired comparisons.
 */
export async function trainVariants(
  ctx: RowContext, base: TrainConfig, variants: Record<string, Partial<TrainConfig>>, seeds: readonly number[],
): Promise<Record<string, TrainResult[]>> {
  const names = Object.keys(variants);
  const configs = seeds.flatMap((seed) => names.map((name) => resolveConfig(base, { seed }, variants[name] as Record<string, unknown>)));
  const results = await ctx.train(configs, { perSample: true });
  const out: Record<string, TrainResult[]> = {};
  names.forEach((name, j) => {
    out[name] = seeds.map((_, i) => results[i * names.length + j]);
  });
  return out;
}

/** Per-seed pairs of two variants, for the per-seed rules of judge.ts. */
export function zip<T>(a: readonly T[], b: readonly T[]): [T, T][] {
  return a.map((x, i) => [x, b[i]]);
}

/** The base configuration of a row: its preset (or the defaults) with its `set` overrides. */
export function rowBase(row: CatalogueRow, extra: Record<string, unknown> = {}): TrainConfig {
  const base = typeof row.settings.preset === 'string' ? loadPreset(row.settings.preset).config : DEFAULT_CONFIG;
  return resolveConfig(base, (row.settings.set ?? {}) as Record<string, unknown>, extra);
}

/** The file name a row must have: A-01.json, B-16.json. */
export function rowFileName(paper: string, row: number): string {
  return `${paper}-${String(row).padStart(2, '0')}.json`;
}
