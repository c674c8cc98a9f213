import { spawnSync } from 'child_process';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_CONFIG, parseAlgo, resolveConfig, snr } from '../src/training/config';
import { loadPreset, presetNames } from '../src/training/presets';

const BIN = path.join(__dirname, '..', 'bin', 'claimcheck.js');
function cli(...args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
}

describe('configuration', () => {
  it('bad keys and values are errors that name the field', () => {
    expect(() => resolveConfig(DEFAULT_CONFIG, { m: -3 })).toThrow(/^m: must be >= 1/);
    expect(() => resolveConfig(DEFAULT_CONFIG, { width: 3 })).toThrow(/^width: unknown key/);
    expect(() => resolveConfig(DEFAULT_CONFIG, { eta: 0 })).toThrow(/^eta: must be > 0/);
    expect(() => resolveConfig(DEFAULT_CONFIG, { n: 2.5 })).toThrow(/^n: must be an integer/);
    expect(() => resolveConfig(DEFAULT_CONFIG, { noise: 'gaussian' })).toThrow(/^noise: must be one of projected, isotropic/);
    expect(() => resolveConfig(DEFAULT_CONFIG, { p: 1.5 })).toThrow(ConfigError);
    expect(() => resolveConfig(DEFAULT_CONFIG, { algo: 'lngd-uniform', a: 2, b: 1 })).toThrow(/^a: must be < b/);
  });

  it('algo parameters: lngd-gauss:a,b, lngd-uniform:a,b, smoothing:alpha; the uniform variant defaults to U[-1, 2]', () => {
    expect(parseAlgo('lngd-gauss:0.6,1')).toEqual({ algo: 'lngd-gauss', a: 0.6, b: 1 });
    expect(parseAlgo('smoothing:0.3')).toEqual({ algo: 'smoothing', alpha: 0.3 });
    expect(() => parseAlgo('sgd')).toThrow(/^algo: must be one of/);
    expect(() => parseAlgo('gd:1')).toThrow(/no parameters/);
    const u = resolveConfig(DEFAULT_CONFIG, { algo: 'lngd-uniform' });
    expect([u.a, u.b]).toEqual([-1, 2]);
  });

  it('presets load and paper-a-main is the paper\'s setting', () => {
    expect(presetNames()).toEqual(expect.arrayContaining(['paper-a-main', 'paper-a-q3', 'paper-a-q4', 'paper-b']));
    const c = loadPreset('paper-a-main').config;
    expect(c).toMatchObject({ n: 200, nTest: 2000, d: 2000, m: 20, q: 2, A: 2, sigmaP: 0.5, p: 0.1, steps: 2000, eta: 1 });
    expect(snr(c)).toBeCloseTo(2 / (0.5 * Math.sqrt(2000)), 12);
    for (const name of presetNames()) expect(() => loadPreset(name)).not.toThrow();
    expect(() => loadPreset('paper-z')).toThrow(/^preset: unknown preset "paper-z"/);
  });
});

describe('claimcheck train (compiled CLI)', () => {
  it('prints one JSON object with config, backend, engine, seconds, final and trajectory', () => {
    const r = cli('train', '--preset', 'small', '--set', 'steps=20', '--set', 'evalEvery=10', '--algo', 'lngd', '--json', '--quiet');
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(expect.arrayContaining(['config', 'backend', 'engine', 'seconds', 'final', 'trajectory']));
    expect(out.config.algo).toBe('lngd');
    expect(out.trajectory.map((m: { step: number }) => m.step)).toEqual([0, 10, 20]);
    for (const k of ['step', 'trainLoss', 'trainLossObserved', 'trainError', 'testError', 'maxGamma', 'maxRho', 'diverged']) expect(out.final).toHaveProperty(k);
  });

  it('bad input exits 2 with one line naming the field', () => {
    for (const [args, msg] of [
      [['train', '--set', 'm=-1'], /m: must be >= 1/],
      [['train', '--set', 'width=3'], /width: unknown key/],
      [['train', '--preset', 'nope'], /unknown preset "nope"/],
      [['train', '--engine', 'gpu'], /--engine must be one of/],
      [['train', '--frobnicate'], /unknown flag --frobnicate/],
      [['train', '--set', 'eta=fast'], /eta: must be a number/],
    ] as const) {
      const r = cli(...args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(msg);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    }
  });
});

describe("paper A's main result from the CLI (issue acceptance)", () => {
  it('paper-a-main: GD memorizes noise (test error >= 0.3, train loss <= 0.01); label-noise GD learns the signal', () => {
    const run = (algo: string) => {
      const r = cli('train', '--preset', 'paper-a-main', '--algo', algo, '--json', '--quiet');
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout);
    };
    const gd = run('gd');
    expect(gd.final.testError).toBeGreaterThanOrEqual(0.3);
    expect(gd.final.trainLoss).toBeLessThanOrEqual(0.01);
    expect(gd.final.ratio).toBeGreaterThan(10); // noise memorization dominates
    const ln = run('lngd');
    expect(ln.final.testError).toBeLessThanOrEqual(0.05);
    expect(ln.final.trainLoss).toBeGreaterThan(0.05);
    expect(ln.final.diverged).toBeNull();
  });
});
