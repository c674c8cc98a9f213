import type { EvaluatorPool } from '../../src/engine/pool';
import type { DynamicsFigure } from '../../src/report/model';
import { resolveConfig } from '../../src/training/config';
import { loadPreset } from '../../src/training/presets';
import { trajectorySeries } from '../../src/verify/dynamics';

/** Paper A's dynamics figures: GD vs label-noise GD (noise memorization over signal learning, training loss, test accuracy). */
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
      series: [trajectorySeries('GD', gd, (m) => m.step === 0 ? null : m.ratio), trajectorySeries('label-noise GD (p = 0.1)', ln, (m) => m.step === 0 ? null : m.ratio)],
      source, command: `${cmd('gd')}  /  ${cmd('lngd')}`,
    },
    {
      id: 'paper-a-loss', title: 'Training loss (paper A)', xLabel: 'step', yLabel: 'training loss (log scale)', logY: true,
      series: [
        trajectorySeries('GD', gd, (m) => m.trainLoss),
        trajectorySeries('label-noise GD, noisy labels used', ln, (m) => m.trainLossObserved),
        trajectorySeries('label-noise GD, clean labels', ln, (m) => m.trainLoss),
      ],
      source, command: `${cmd('gd')}  /  ${cmd('lngd')}`,
    },
    {
      id: 'paper-a-test-accuracy', title: 'Test accuracy (paper A)', xLabel: 'step', yLabel: 'test accuracy',
      series: [trajectorySeries('GD', gd, (m) => 1 - m.testError), trajectorySeries('label-noise GD (p = 0.1)', ln, (m) => 1 - m.testError)],
      source, command: `${cmd('gd')}  /  ${cmd('lngd')}`,
    },
  ];
}
