import type { EvaluatorPool } from '../engine/pool';
import type { DynamicsFigure, DynamicsSeries } from '../report/model';
import { resolveConfig } from '../training/config';
import type { Measurement } from '../training/measure';
import { loadPreset } from '../training/presets';
import type { TrainResult } from '../training/train';

/**
 * Dynamics figures like the papers': paper A's GD vs label-noise GD (noise memorization over
 * signal learning, training loss, test accuracy) and paper B's two stages (clean and noisy subsets'
 * training accuracy, signal vs noise coefficients, precision and recall of the log-2 rule).
 */
function series(name: string, r: TrainResult, f: (m: Measurement) => number | null): DynamicsSeries {
  return { name, points: r.trajectory.flatMap((m) => { const y = f(m); return y === null || !Number.isFinite(y) ? [] : [{ x: m.step, y }]; }) };
}

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

export async function paperADynamics(pool: EvaluatorPool, engine: 'auto' | 'coefficient' | 'weight' | 'reference' = 'auto'): Promise<DynamicsFigure[]> {
  const base = resolveConfig(loadPreset('paper-a-main').config, { evalEvery: 20 });
  const [gd, ln] = await Promise.all(
    (['gd', 'lngd'] as const).map((algo) => pool.train({ config: resolveConfig(base, { algo }), engine, perSample: false })),
  );
  const cmd = (algo: string) => `npx claimcheck train --preset paper-a-main --algo ${algo} --set evalEvery=20 --json`;
  const source = 'paper-a-main (n 200, d 2000, m 20, q 2, SNR 0.089, p 0.1, eta 1.0, sigma0 0.01)';
  return [
    {
      id: 'paper-a-ratio', title: 'Noise memorization / signal learning (paper A)', xLabel: 'step', yLabel: 'max rho / max gamma (log scale)', logY: true,
      series: [series('GD', gd, (m) => m.step === 0 ? null : m.ratio), series('label-noise GD (p = 0.1)', ln, (m) => m.step === 0 ? null : m.ratio)],
      source, command: `${cmd('gd')}  /  ${cmd('lngd')}`,
    },
    {
      id: 'paper-a-loss', title: 'Training loss (paper A)', xLabel: 'step', yLabel: 'training loss (log scale)', logY: true,
      series: [
        series('GD', gd, (m) => m.trainLoss),
        series('label-noise GD, noisy labels used', ln, (m) => m.trainLossObserved),
        series('label-noise GD, clean labels', ln, (m) => m.trainLoss),
      ],
      source, command: `${cmd('gd')}  /  ${cmd('lngd')}`,
    },
    {
      id: 'paper-a-test-accuracy', title: 'Test accuracy (paper A)', xLabel: 'step', yLabel: 'test accuracy',
      series: [series('GD', gd, (m) => 1 - m.testError), series('label-noise GD (p = 0.1)', ln, (m) => 1 - m.testError)],
      source, command: `${cmd('gd')}  /  ${cmd('lngd')}`,
    },
  ];
}

export async function paperBDynamics(pool: EvaluatorPool, engine: 'auto' | 'coefficient' | 'weight' | 'reference' = 'auto'): Promise<DynamicsFigure[]> {
  const config = loadPreset('paper-b').config;
  const r = await pool.train({ config, engine, perSample: true });
  // the noisy set S_f is where the observed label differs from the true label: recover it from the
  // data of the same seed (the trainer's data are a pure function of the config)
  const { makeDataset } = await import('../data/signalNoise');
  const flipped = Array.from(makeDataset(config).flipped, (v) => v === 1);
  const cmd = 'npx claimcheck train --preset paper-b --per-sample --json';
  const source = `paper-b (n ${config.n}, d ${config.d}, m ${config.m}, ReLU, isotropic, tau ${config.tauPlus}/${config.tauMinus}, eta ${config.eta})`;
  return [
    {
      id: 'paper-b-subsets', title: 'Training accuracy of clean and noisy samples (paper B)', xLabel: 'step', yLabel: 'accuracy',
      series: [
        series('clean samples', r, (m) => (m.trainErrorClean === null ? null : 1 - m.trainErrorClean)),
        series('noisy samples, vs observed (wrong) label', r, (m) => (m.trainErrorNoisyObserved === null ? null : 1 - m.trainErrorNoisyObserved)),
        series('noisy samples, vs true label', r, (m) => (m.trainErrorNoisyTrue === null ? null : 1 - m.trainErrorNoisyTrue)),
        series('test', r, (m) => 1 - m.testError),
      ],
      source, command: cmd,
    },
    {
      id: 'paper-b-coefficients', title: 'Signal vs noise coefficients (paper B)', xLabel: 'step', yLabel: 'coefficient',
      series: [
        series('max gamma (signal)', r, (m) => m.maxGamma),
        series('mean max rho, noisy samples', r, (m) => meanOver(m.perSample?.maxRhoObs, (i) => flipped[i])),
        series('mean max rho, clean samples', r, (m) => meanOver(m.perSample?.maxRhoObs, (i) => !flipped[i])),
      ],
      source, command: cmd,
    },
    {
      id: 'paper-b-log2', title: 'Log-2 small-loss selection over time (paper B, Prop. 4.3b)', xLabel: 'step', yLabel: 'rate',
      series: [
        series('precision (selected are clean)', r, (m) => log2Selection(m, flipped).precision),
        series('recall (clean are selected)', r, (m) => log2Selection(m, flipped).recall),
      ],
      source, command: cmd,
    },
  ];
}
