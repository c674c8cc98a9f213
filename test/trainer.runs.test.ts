import { describe, expect, it } from 'vitest';
import { chooseEngine, liveTensors, train } from '../src/training/train';
import { initBackend } from '../src/backend/backend';
import { config } from './helpers/trainerHarness';
import { loadPreset } from '../src/training/presets';

function withoutTiming(r: Awaited<ReturnType<typeof train>>) {
  const { seconds, ...rest } = r;
  expect(seconds).toBeGreaterThan(0);
  return JSON.stringify(rest);
}

describe('training runs', () => {
  it('same seed and backend give identical JSON, for every engine and label scheme', async () => {
    for (const engine of ['weight', 'coefficient', 'reference'] as const) {
      for (const algo of ['gd', 'lngd', 'lngd-uniform'] as const) {
        const c = config({ n: 16, nTest: 30, d: 50, m: 2, steps: 30, evalEvery: 10, algo, tauPlus: 0.2, seed: 9 });
        const a = await train(c, { engine, perSample: true });
        const b = await train(c, { engine, perSample: true });
        expect(withoutTiming(a)).toBe(withoutTiming(b));
        const other = await train({ ...c, seed: 10 }, { engine });
        expect(other.final.trainLoss).not.toBe(a.final.trainLoss);
      }
    }
  });

  it('no tensor leaks: tf.memory().numTensors is flat over 10,000 steps (both tfjs engines)', async () => {
    await initBackend();
    for (const engine of ['weight', 'coefficient'] as const) {
      const before = liveTensors();
      const counts: number[] = [];
      const c = config({ n: 8, nTest: 8, d: 20, m: 2, steps: 10_000, evalEvery: 500, algo: 'lngd', eta: 0.1, seed: 2 });
      await train(c, { engine, onStep: (t) => (t % 1000 === 0 && t < c.steps ? counts.push(liveTensors()) : undefined) });
      expect(new Set(counts).size, `${engine}: ${counts.join(',')}`).toBe(1);
      expect(liveTensors()).toBe(before);
    }
  });

  it('divergence is detected and reported with its step, never silently', async () => {
    const c = config({ n: 10, nTest: 10, d: 30, m: 2, q: 3, sigma0: 1, eta: 1e4, steps: 200, evalEvery: 50, seed: 4 });
    const r = await train(c, { engine: 'coefficient' });
    expect(r.final.diverged).not.toBeNull();
    expect(r.final.diverged!.step).toBeLessThan(200);
    expect(r.trajectory[r.trajectory.length - 1].step).toBe(r.final.diverged!.step);
  });

  it('label schemes: lngd flips about p of the labels per step; fixed flips follow tau', async () => {
    const c = config({ n: 400, nTest: 10, d: 20, m: 1, steps: 0, tauPlus: 0.3, tauMinus: 0.1, seed: 3 });
    const { makeDataset } = await import('../src/data/signalNoise');
    const { makeLabelScheme } = await import('../src/training/labels');
    const data = makeDataset(c);
    let plus = 0, plusFlipped = 0, minus = 0, minusFlipped = 0;
    for (let i = 0; i < c.n; i++) {
      if (data.train.y[i] > 0) { plus++; plusFlipped += data.flipped[i]; } else { minus++; minusFlipped += data.flipped[i]; }
      expect(data.yObs[i]).toBe(data.flipped[i] ? -data.train.y[i] : data.train.y[i]);
    }
    expect(Math.abs(plusFlipped / plus - 0.3)).toBeLessThan(0.1);
    expect(Math.abs(minusFlipped / minus - 0.1)).toBeLessThan(0.07);
    const scheme = makeLabelScheme({ ...c, algo: 'lngd', p: 0.25 }, data.yObs);
    let flips = 0;
    for (let t = 0; t < 50; t++) { const u = scheme.labels(t); for (let i = 0; i < c.n; i++) flips += u[i] !== data.yObs[i] ? 1 : 0; }
    expect(Math.abs(flips / (50 * c.n) - 0.25)).toBeLessThan(0.02);
    expect(() => scheme.labels(7)).toThrow(/in order/);
  });

  it('auto picks the coefficient engine at the paper-a-main size and the reference engine for tiny runs', () => {
    expect(chooseEngine(loadPreset('paper-a-main').config)).toBe('coefficient');
    expect(chooseEngine(config({ n: 4, nTest: 4, d: 10, m: 1, steps: 10 }))).toBe('reference');
  });
});
