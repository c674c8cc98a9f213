import type { EvalContext, Regime } from '../types';
import { makeDataset } from '../../data/signalNoise';
import { CONFIG_KEYS, DEFAULT_CONFIG, resolveConfig, TrainConfig } from '../../training/config';
import { TrainResult } from '../../training/train';

/** A regime's training configuration and its replicate seeds, trained together (every paper's claims). */

/** The training configuration of a regime: its training keys over the defaults, then overrides. */
export function regimeConfig(regime: Regime, overrides: Partial<TrainConfig> = {}): TrainConfig {
  const keys: Record<string, unknown> = {};
  for (const k of CONFIG_KEYS) if (k in regime) keys[k] = regime[k];
  return resolveConfig(DEFAULT_CONFIG, keys, overrides as Record<string, unknown>);
}

/** The seeds of a regime's replicates: regime.seed, regime.seed + 1, ... (never 0). */
export function replicateSeeds(regime: Regime, count: number): number[] {
  const base = typeof regime.seed === 'number' ? regime.seed : 1;
  return Array.from({ length: count }, (_, i) => Math.max(1, base) + i);
}

export interface Trained {
  seed: number;
  runs: Record<string, TrainResult>;
}

/**
 * Train each algorithm variant on the same data and initialisation (same seed: the data, init and
 * test streams do not depend on the algorithm) for every seed. `variants` maps a name to the
 * overrides of that run, e.g. { gd: { algo: 'gd' }, lngd: { algo: 'lngd' } }.
 */
export async function trainVariants(
  base: TrainConfig,
  variants: Record<string, Partial<TrainConfig>>,
  seeds: number[],
  ctx: Pick<EvalContext, 'engine'>,
  perSample = false,
): Promise<Trained[]> {
  // Every seed x variant as one batch (src/training/batched): each seed's data drawn once (lean:
  // the test noise is drawn again when the batch is built) and shared by its variants.
  const { trainBatch } = await import('../../training/batched/trainBatch');
  const configs: TrainConfig[] = [];
  const data: ReturnType<typeof makeDataset>[] = [];
  const slot: { seed: number; name: string }[] = [];
  for (const seed of seeds) {
    const shared = { ...base, seed };
    const d = makeDataset(shared, { lean: true });
    for (const [name, o] of Object.entries(variants)) {
      configs.push(resolveConfig(shared, o as Record<string, unknown>));
      data.push(d);
      slot.push({ seed, name });
    }
  }
  const results: TrainResult[] = await trainBatch(configs, { engine: ctx.engine, data, perSample });
  return seeds.map((seed) => {
    const runs: Record<string, TrainResult> = {};
    slot.forEach((x, k) => {
      if (x.seed === seed) runs[x.name] = results[k];
    });
    return { seed, runs };
  });
}
