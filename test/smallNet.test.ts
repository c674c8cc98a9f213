import * as tf from '@tensorflow/tfjs-core';
import { spawnSync } from 'child_process';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { trainSmallNet, type SmallNetEvaluation } from '../src/training/smallNet';

/** The small MNIST network with fixed flips (src/training/smallNet.ts; review row 19). */
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const split = (e: SmallNetEvaluation) => ({
  flipped: mean(e.perSampleLoss.filter((_, i) => e.flipped[i])),
  clean: mean(e.perSampleLoss.filter((_, i) => !e.flipped[i])),
});

describe('trainSmallNet', () => {
  it('is deterministic for a seed, leaves no tensors behind, and the seed matters', async () => {
    await trainSmallNet({ n: 20, nTest: 20, tau: 0.2, seed: 1, steps: 2 }); // backend set-up outside the count
    const before = tf.memory().numTensors;
    const o = { n: 80, nTest: 100, tau: 0.2, seed: 3, steps: 30, evalEvery: 10 };
    const a = await trainSmallNet(o);
    const b = await trainSmallNet(o);
    const gd = await trainSmallNet({ ...o, optimizer: 'gd', eta: 0.3 });
    expect(tf.memory().numTensors).toBe(before);
    expect(a.trajectory).toEqual(b.trajectory);
    expect(a.trajectory.map((e) => e.step)).toEqual([0, 10, 20, 30]);
    expect(gd.trajectory[3].trainLoss).toBeLessThan(gd.trajectory[0].trainLoss);
    const c = await trainSmallNet({ ...o, seed: 4 });
    expect(c.trajectory[3].trainLoss).not.toBe(a.trajectory[3].trainLoss);
  });

  it('memorizes its flipped labels with long training; flipped samples have the larger loss early', async () => {
    const r = await trainSmallNet({ n: 200, nTest: 200, tau: 0.2, seed: 1, steps: 250, evalEvery: 25 });
    const flips = r.trajectory[0].flipped.reduce((a, b) => a + b, 0);
    expect(flips).toBeGreaterThan(20);
    const last = r.trajectory[r.trajectory.length - 1];
    expect(last.step).toBe(250);
    expect(last.trainError).toBe(0); // every flipped label fitted
    expect(last.trainLoss).toBeLessThan(0.05);
    // early on the clean majority is fitted first: flipped samples keep the larger loss
    const early = split(r.trajectory[2]);
    expect(early.flipped).toBeGreaterThan(2 * early.clean);
    // the test labels are clean: memorizing flips does not make test error vanish nor reach chance
    expect(last.testError).toBeGreaterThan(0);
    expect(last.testError).toBeLessThan(0.4);
  });

  it('bad options name themselves', async () => {
    await expect(trainSmallNet({ n: 0, nTest: 10, tau: 0.2, seed: 1 })).rejects.toThrow(/^n: must be an integer >= 1/);
    await expect(trainSmallNet({ n: 10, nTest: 10, tau: 1.5, seed: 1 })).rejects.toThrow(/^tau: must be in \[0, 1\]/);
    await expect(trainSmallNet({ n: 10, nTest: 10, tau: 0.2, seed: 1, normalization: 0 })).rejects.toThrow(/^normalization: must be > 0/);
  });
});

describe('claimcheck train --small-net (compiled CLI)', () => {
  it('prints the trajectory as JSON with the options it ran', () => {
    const BIN = path.join(__dirname, '..', 'bin', 'claimcheck.js');
    const r = spawnSync(process.execPath, [BIN, 'train', '--small-net', '--set', 'n=40', '--set', 'nTest=30', '--set', 'steps=20', '--set', 'evalEvery=10', '--set', 'tauPlus=0.25', '--small-net-hidden', '16', '--json'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.options).toMatchObject({ n: 40, nTest: 30, steps: 20, tau: 0.25, hidden: 16, optimizer: 'adam' });
    expect(out.trajectory.map((e: SmallNetEvaluation) => e.step)).toEqual([0, 10, 20]);
    expect(out.trajectory[0].perSampleLoss).toHaveLength(40);
  });
});
