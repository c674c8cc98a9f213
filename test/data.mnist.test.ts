import { describe, expect, it } from 'vitest';
import { makeDataset } from '../src/data/signalNoise';
import { mnistCounts, mnistDigits } from '../src/data/mnistSource';
import { DEFAULT_CONFIG, resolveConfig, type TrainConfig } from '../src/training/config';

/** The MNIST source (spec/model.md "MNIST source"; src/data/mnistSource.ts). */
const D = 784;
const mnist = (o: Record<string, unknown> = {}): TrainConfig =>
  resolveConfig(DEFAULT_CONFIG, { source: 'mnist', d: D, noise: 'isotropic', n: 60, nTest: 80, sigmaP: 5, seed: 7, ...o });

describe('MNIST digits', () => {
  it('ships 0s and 1s as integer pixels in [0, 255]', () => {
    const [zeros, ones] = mnistDigits();
    expect(mnistCounts()).toEqual([zeros.length / D, ones.length / D]);
    expect(mnistCounts()[0]).toBeGreaterThan(900);
    expect(mnistCounts()[1]).toBeGreaterThan(900);
    let max = 0;
    for (const v of zeros) max = Math.max(max, v);
    expect(max).toBe(255);
    // a digit's ink: a few hundred nonzero pixels, never an empty image
    for (const set of [zeros, ones]) {
      for (let i = 0; i < 20; i++) {
        let ink = 0;
        for (let k = 0; k < D; k++) ink += set[i * D + k] > 0 ? 1 : 0;
        expect(ink).toBeGreaterThan(30);
      }
    }
  });
});

describe('source mnist data sets', () => {
  it('signal patch = the digit of the label (0 -> -1, 1 -> +1) / normalization; isotropic noise with sigma_p', () => {
    const c = mnist();
    const data = makeDataset(c);
    const digits = mnistDigits();
    for (const s of [data.train, data.test]) {
      expect(s.signal!.length).toBe(s.count * D);
      let mismatches = 0;
      for (let i = 0; i < s.count; i++) {
        const px = digits[s.y[i] > 0 ? 1 : 0];
        for (let k = 0; k < D; k++) if (s.signal![i * D + k] !== px[s.digit![i] * D + k] / 80) mismatches++;
      }
      expect(mismatches).toBe(0);
      let sum2 = 0;
      for (const v of s.xi) sum2 += v * v;
      expect(Math.sqrt(sum2 / s.xi.length)).toBeGreaterThan(4.9);
      expect(Math.sqrt(sum2 / s.xi.length)).toBeLessThan(5.1);
      let n2 = 0;
      for (let k = 0; k < D; k++) n2 += s.xi[k] * s.xi[k];
      expect(s.xiNorm2[0]).toBeCloseTo(n2, 9);
    }
    expect(Array.from(data.mu).every((v) => v === 0)).toBe(true);
  });

  it('normalization scales the signal patches only', () => {
    const a = makeDataset(mnist());
    const b = makeDataset(mnist({ normalization: 40 }));
    expect(Array.from(b.train.digit!)).toEqual(Array.from(a.train.digit!));
    expect(b.train.xi).toEqual(a.train.xi);
    expect(b.train.signal!.some((v) => v > 0)).toBe(true);
    expect(b.train.signal!.every((v, k) => Math.abs(v - 2 * a.train.signal![k]) < 1e-12)).toBe(true);
  });

  it('train and test share no digit, neither repeats one; labels balanced at random', () => {
    const data = makeDataset(mnist({ n: 400, nTest: 600 }));
    for (const cls of [-1, 1]) {
      const pick = (s: typeof data.train) => Array.from(s.digit!).filter((_, i) => s.y[i] === cls);
      const tr = pick(data.train);
      const te = pick(data.test);
      expect(new Set(tr).size).toBe(tr.length);
      expect(new Set(te).size).toBe(te.length);
      expect(tr.filter((x) => te.includes(x))).toEqual([]);
    }
    const plus = Array.from(data.train.y).filter((y) => y > 0).length;
    // balanced at random: Binomial(400, 1/2) lies in [150, 250] except with probability < 1e-6
    expect(plus).toBeGreaterThan(150);
    expect(plus).toBeLessThan(250);
  });

  it('is reproducible from the seed, and a larger n extends a smaller one', () => {
    const a = makeDataset(mnist());
    const b = makeDataset(mnist());
    expect(b.train.signal).toEqual(a.train.signal);
    expect(b.test.xi).toEqual(a.test.xi);
    const other = makeDataset(mnist({ seed: 8 }));
    expect(other.train.digit).not.toEqual(a.train.digit);
    const big = makeDataset(mnist({ n: 90 }));
    expect(Array.from(big.train.y.subarray(0, 60))).toEqual(Array.from(a.train.y));
    expect(Array.from(big.train.digit!.subarray(0, 60))).toEqual(Array.from(a.train.digit!));
  });

  it('fixed flips work as with the synthetic source', () => {
    const data = makeDataset(mnist({ n: 300, tauPlus: 0.3, tauMinus: 0.3 }));
    let flips = 0;
    for (let i = 0; i < 300; i++) {
      expect(data.yObs[i]).toBe(data.flipped[i] ? -data.train.y[i] : data.train.y[i]);
      flips += data.flipped[i];
    }
    expect(flips).toBeGreaterThan(50);
    expect(flips).toBeLessThan(130);
  });

  it('K > 2 patches append noise patches to the digits', () => {
    const data = makeDataset(mnist({ K: 3 }));
    expect(data.train.xi.length).toBe(2 * 60 * D);
    expect(data.train.signal!.length).toBe(60 * D);
  });
});

describe('source and normalization keys', () => {
  it('defaults are dropped from the resolved config, other values kept', () => {
    const c = resolveConfig(DEFAULT_CONFIG, { source: 'synthetic', normalization: 80 });
    expect('source' in c).toBe(false);
    expect('normalization' in c).toBe(false);
    expect(mnist({ normalization: 100 })).toMatchObject({ source: 'mnist', normalization: 100 });
  });

  it('bad values name the key', () => {
    expect(() => mnist({ normalization: 0 })).toThrow(/^normalization: must be > 0/);
    expect(() => mnist({ source: 'cifar' })).toThrow(/^source: must be one of synthetic, mnist/);
    expect(() => mnist({ d: 100 })).toThrow(/^d: must be 784 with source mnist/);
    expect(() => mnist({ noise: 'projected' })).toThrow(/^noise: must be isotropic with source mnist/);
    expect(() => mnist({ samRho: 0.1 })).toThrow(/^samRho: SAM is not supported with source mnist/);
    expect(() => makeDataset(mnist({ n: 1200, nTest: 1200 }))).toThrow(/^nTest: with n=1200, nTest=1200 .* but the mnist package has/);
  });
});
