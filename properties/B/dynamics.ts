import type { EvaluatorPool } from '../../src/engine/pool';
import type { DynamicsFigure } from '../../src/report/model';
import type { Measurement } from '../../src/training/measure';
import { loadPreset } from '../../src/training/presets';
import { trajectorySeries } from '../../src/verify/dynamics';

/**
 * Paper B's dynamics figures: its two stages (clean and noisy subsets' training accuracy, signal vs
 * noise coefficients, precision and recall of the log-2 rule).
 */

/** Precision and recall of "loss <= log 2 means clean" against the true clean set S_t (B.log2). */
export function log2Selection(m: Measurement, flipped: readonly boolean[]): { precision: number | null; recall: number | null } {
  const loss = m.perSample?.loss;
  if (!loss) return { precision: null, recall: null };
  let selected = 0, selectedClean = 0, clean = 0;
  loss.forEach((l, i) => {
    const isClean = !flipped[i];
    if (isClean) clean++;
    if (l <= Math.LN2) {
      selected++;
      if (isClean) selectedClean++;
    }
  });
  return { precision: selected ? selectedClean / selected : null, recall: clean ? selectedClean / clean : null };
}

function meanOver(values: number[] | undefined, mask: (i: number) => boolean): number | null {
  if (!values) return null;
  const xs = values.filter((_, i) => mask(i));
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null;
}

export async function paperBDynamics(pool: EvaluatorPool, engine: 'auto' | 'coefficient' | 'weight' | 'reference' = 'auto'): Promise<DynamicsFigure[]> {
  const config = loadPreset('paper-b').config;
  const r = await pool.train({ config, engine, perSample: true });
  // the noisy set S_f is where the observed label differs from the true label: recover it from the
  // data of the same seed (the trainer's data are a pure function of the config)
  const { makeDataset } = await import('../../src/data/signalNoise');
  const flipped = Array.from(makeDataset(config).flipped, (v) => v === 1);
  const cmd = 'npx claimcheck train --preset paper-b --per-sample --json';
  const source = `paper-b (n ${config.n}, d ${config.d}, m ${config.m}, ReLU, isotropic, tau ${config.tauPlus}/${config.tauMinus}, eta ${config.eta})`;
  return [
    {
      id: 'paper-b-subsets', title: 'Training accuracy of clean and noisy samples (paper B)', xLabel: 'step', yLabel: 'accuracy',
      series: [
        trajectorySeries('clean samples', r, (m) => (m.trainErrorClean === null ? null : 1 - m.trainErrorClean)),
        trajectorySeries('noisy samples, vs observed (wrong) label', r, (m) => (m.trainErrorNoisyObserved === null ? null : 1 - m.trainErrorNoisyObserved)),
        trajectorySeries('noisy samples, vs true label', r, (m) => (m.trainErrorNoisyTrue === null ? null : 1 - m.trainErrorNoisyTrue)),
        trajectorySeries('test', r, (m) => 1 - m.testError),
      ],
      source, command: cmd,
    },
    {
      id: 'paper-b-coefficients', title: 'Signal vs noise coefficients (paper B)', xLabel: 'step', yLabel: 'coefficient',
      series: [
        trajectorySeries('max gamma (signal)', r, (m) => m.maxGamma),
        trajectorySeries('mean max rho, noisy samples', r, (m) => meanOver(m.perSample?.maxRhoObs, (i) => flipped[i])),
        trajectorySeries('mean max rho, clean samples', r, (m) => meanOver(m.perSample?.maxRhoObs, (i) => !flipped[i])),
      ],
      source, command: cmd,
    },
    {
      id: 'paper-b-log2', title: 'Log-2 small-loss selection over time (paper B, Prop. 4.3b)', xLabel: 'step', yLabel: 'rate',
      series: [
        trajectorySeries('precision (selected are clean)', r, (m) => log2Selection(m, flipped).precision),
        trajectorySeries('recall (clean are selected)', r, (m) => log2Selection(m, flipped).recall),
      ],
      source, command: cmd,
    },
  ];
}
