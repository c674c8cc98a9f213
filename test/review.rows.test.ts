import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { ASM_DEFAULTS, sigma0Window } from '../properties/A/assumptions';
import { rowFile, validateRow } from '../src/review/catalogue';
import { procedureFor } from '../src/review/procedures';
import { beatsEverywhere, judgeCells, type CellRuns } from '../src/review/procedures/cellsBeat';
import { judgeCell, gridVerdict } from '../src/review/procedures/mnistGrid';
import { compensated, followsRate, thresholds, type Grid } from '../properties/B/review/noiseVsSignal';
import { averageOutcomes, outcomeEquivalence, type RunOutcomes } from '../properties/B/review/outcomeEquivalence';
import { samePairGap, trajectoryGap } from '../properties/B/review/patchPosition';
import { earlyStop, log2Selection, scoringErrors, selectionPoint } from '../src/review/procedures/smallNetSelection';
import { judgeTimes, timeToLevel } from '../src/review/procedures/timeVsWidth';
import type { CatalogueRow, RowContext } from '../src/review/types';
import { DEFAULT_CONFIG, resolveConfig, type TrainConfig } from '../src/training/config';
import { loadPreset } from '../src/training/presets';
import { train, type TrainResult } from '../src/training/train';

/** A run reduced to what the judging rules read: its test set size, misclassified test points, final error and loss. */
function fakeRun(nTest: number, wrong: number[], extra: Partial<TrainResult['final']> = {}): TrainResult {
  return {
    config: { ...DEFAULT_CONFIG, nTest }, backend: 'fake', engine: 'reference', engineRequested: 'auto', seconds: 0, trajectory: [],
    final: { testError: wrong.length / nTest, trainLoss: 0, perSample: { testWrong: wrong, loss: [], maxRhobar: [], maxRhoObs: [], iota: [] }, diverged: null, ...extra } as TrainResult['final'],
  };
}
const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);

describe('review rows: catalogue files', () => {
  const files = ['A-08', 'A-09', 'A-11', 'A-12', 'A-13', 'B-16', 'B-17', 'B-18', 'B-19'];
  it.each(files)('%s validates and names a registered procedure', (f) => {
    const file = rowFile(`${f}.json`);
    const row = validateRow(JSON.parse(fs.readFileSync(file, 'utf8')), file);
    expect(procedureFor(row.procedure)).toBeTypeOf('function');
    if (row.kind === 'question') expect(row.prediction).toBeTruthy();
  });
});

describe('rows 8, 9: label-noise GD beats GD in every cell', () => {
  it('a seed counts only when label-noise GD wins significantly in every cell', () => {
    const gd = [fakeRun(400, range(0, 100)), fakeRun(400, range(0, 100))];
    const cells: CellRuns[] = [
      { cell: { label: 'a', set: {} }, gd, lngd: [fakeRun(400, []), fakeRun(400, [])], beats: [] },
      // seed 2 of cell b: label-noise GD as bad as GD (same points wrong): no win there
      { cell: { label: 'b', set: {} }, gd, lngd: [fakeRun(400, range(0, 2)), fakeRun(400, range(0, 100))], beats: [] },
    ];
    judgeCells(cells, 0);
    expect(cells[0].beats).toEqual([true, true]);
    expect(cells[1].beats).toEqual([true, false]);
    expect(beatsEverywhere(cells)).toEqual([true, false]);
  });

  it("row 9: Assumption 3.1 (iv)'s window is empty at the small preset, and only sigma_0 <= 1e-3 of the row meet its upper side", () => {
    const c = loadPreset('small').config;
    const w = sigma0Window(c, { ...ASM_DEFAULTS });
    const L = Math.log(400 / 0.05);
    expect(w.lo).toBeCloseTo((L * 40) / (0.5 * 400 ** 0.75), 10);
    expect(w.hi).toBeCloseTo(Math.min(1 / (1.2 * 400 ** 0.625), 1 / (0.5 * 20)) / L, 12);
    expect(w.lo).toBeGreaterThan(w.hi);
    expect([1e-4, 1e-3, 1e-2, 1e-1, 1].filter((s) => s <= w.hi)).toEqual([1e-4, 1e-3]);
  });
});

describe('row 11: time to generalize vs width', () => {
  it('the time is the first evaluation step at or below the level', () => {
    const traj = [0, 10, 20, 30].map((step, i) => ({ step, testError: [0.5, 0.3, 0.08, 0.01][i] }));
    expect(timeToLevel(traj, 0.1)).toBe(20);
    expect(timeToLevel(traj, 0.001)).toBeNull();
  });

  const widths = [5, 10, 20, 40];
  const opts = { predicted: 1, bandRel: 0.25, alpha: 0.05, bootSeed: 3, resamples: 500 };
  const times = (power: number) => range(0, 6).map((s) => ({ seed: s, t: widths.map((m, j) => 70 * m ** power * (1 + 0.05 * Math.sin(3 * s + j))) as (number | null)[] }));
  it('linear growth agrees, quadratic growth disagrees', () => {
    expect(judgeTimes(widths, times(1), (m) => 200 * m, opts).verdict).toBe('agrees');
    expect(judgeTimes(widths, times(2), (m) => 1e9, opts).verdict).toBe('disagrees');
  });
  it('a run that never reaches the level keeps the row from agreeing', () => {
    const t = times(1);
    t[0].t[3] = null;
    const j = judgeTimes(widths, t, (m) => 70 * m, opts);
    expect(j.censored).toBe(1);
    expect(j.verdict).not.toBe('agrees');
  });
});

describe('rows 16, 17: equivalence of outcomes', () => {
  const o = (memorized: number, i: number): RunOutcomes => ({ stage1NoisyError: 0.01 * (i % 3), memorized, testErrorT1: 0, testError: 0.001 * i });
  const bands = { stage1NoisyError: 0.1, memorized: 0.1, testError: 0.02 };
  it('identical groups are equivalent; groups 0.3 apart in memorization are not', () => {
    const a = range(0, 8).map((i) => o(0.9 + 0.01 * (i % 4), i));
    expect(outcomeEquivalence(a, a, bands, 0.975).verdict).toBe('holds');
    const b = a.map((x) => ({ ...x, memorized: x.memorized - 0.3 }));
    expect(outcomeEquivalence(a, b, bands, 0.975).verdict).toBe('breaks');
    expect(averageOutcomes(a, b)[0].memorized).toBeCloseTo(a[0].memorized - 0.15, 12);
  });

  it('row 16 end to end (tiny): the same samples with the signal patch moved first train identically', async () => {
    const c = resolveConfig(loadPreset('paper-b').config, { n: 20, d: 60, nTest: 40, m: 4, steps: 40, evalEvery: 10, seed: 5 });
    expect(await samePairGap(c)).toBe(0);
    // the comparison can fail: different samples give different trajectories
    const a = await train(resolveConfig(c, { seed: 5 }), { engine: 'coefficient' });
    const b = await train(resolveConfig(c, { seed: 6 }), { engine: 'coefficient' });
    expect(trajectoryGap(a.trajectory, b.trajectory)).toBeGreaterThan(0);
  });

  it('row 16 procedure end to end (tiny, in process)', async () => {
    const row: CatalogueRow = {
      row: 16, paper: 'B', source: { who: 'reviewer', where: 'test' }, statement: 's', kind: 'question', expectation: 'e', prediction: 'p',
      procedure: 'patch-position', measure: 'm',
      settings: { preset: 'paper-b', set: { n: 20, d: 60, nTest: 40, m: 4, steps: 60, evalEvery: 20 }, exactSeeds: 1, exactSteps: 20 },
      levels: { exactTolerance: 1e-9, bandStage1: 1, bandMemorized: 1, bandTestError: 1 },
    };
    const ctx: RowContext = {
      budget: 1, full: false, seeds: [11, 12, 13], note: () => {},
      train: (configs: readonly TrainConfig[], o?: { perSample?: boolean }) => Promise.all(configs.map((cfg) => train(cfg, { perSample: o?.perSample, engine: 'coefficient' }))),
    };
    const out = await procedureFor('patch-position')!(row, ctx);
    expect(out.details?.gaps).toEqual([0]);
    // bands of 1 contain every difference of shares in [0, 1]: the distribution part must agree
    expect(out.verdict).toBe('agrees');
  });
});

describe('row 18: noise against signal', () => {
  const grid = (rows: number[][]): Grid => ({ taus: [0.1, 0.3, 0.4], snrs: [1, 2, 4, 8, 16], holds: rows.map((r) => r.map(Boolean)) });
  it('thresholds, compensation and the n SNR^2 (1 - 2 tau) rate on constructed grids', () => {
    // thresholds 2, 4, 8: x (1 - 2 tau) = 1.6, 1.6, 1.6
    const g = grid([[0, 1, 1, 1, 1], [0, 0, 1, 1, 1], [0, 0, 0, 1, 1]]);
    expect(thresholds(g)).toEqual([2, 4, 8]);
    expect(compensated(g)).toBe(true);
    expect(followsRate(g, 2)).toBe(true);
    // thresholds 2, 2, 2: compensated (non-decreasing) but not along the rate (1.6 vs 0.4: factor 4)
    const flat = grid([[0, 1, 1, 1, 1], [0, 1, 1, 1, 1], [0, 1, 1, 1, 1]]);
    expect(compensated(flat)).toBe(true);
    expect(followsRate(flat, 2)).toBe(false);
    // the highest tau never recovers: not compensated, rate undefined
    const never = grid([[0, 1, 1, 1, 1], [0, 0, 1, 1, 1], [0, 0, 0, 0, 0]]);
    expect(compensated(never)).toBe(false);
    expect(followsRate(never, 2)).toBeNull();
    // a higher tau needing less signal: not compensated
    expect(compensated(grid([[0, 0, 1, 1, 1], [0, 1, 1, 1, 1], [0, 0, 1, 1, 1]]))).toBe(false);
  });
});

describe('row 19: small-loss selection and early stopping', () => {
  it('precision and recall of loss < log 2 => clean', () => {
    const s = log2Selection({ step: 5, perSampleLoss: [0.1, 0.2, 0.9, 0.1, 1.2], flipped: [0, 0, 0, 1, 1] });
    // selected: samples 0, 1, 3 (3 is flipped); clean: 0, 1, 2
    expect(s.precision).toBeCloseTo(2 / 3, 12);
    expect(s.recall).toBeCloseTo(2 / 3, 12);
  });
  it('the selection point is the first evaluation after step 0 with mean loss <= log 2', () => {
    expect(selectionPoint([{ step: 0, trainLoss: 0.5 }, { step: 5, trainLoss: 0.8 }, { step: 10, trainLoss: 0.6 }])?.step).toBe(10);
    expect(selectionPoint([{ step: 0, trainLoss: 0.9 }])).toBeNull();
  });
  it('early stopping picks on the validation part and scores on the other', () => {
    // val errors fall then rise; the scored errors follow at a different level
    const r = earlyStop([0.3, 0.1, 0.2, 0.25], [0.32, 0.12, 0.05, 0.3]);
    expect(r).toEqual({ k: 1, stopped: 0.12, final: 0.3 });
    // 200 validation points with 20 wrong, 800 points in all with 100 wrong: 80/600 on the scoring part
    expect(scoringErrors([0.1], [0.125], 200, 600)).toEqual([80 / 600]);
  });
});

describe('row 13: MNIST cells', () => {
  it("a cell pools its seeds' discordant points; the grid wins only when every cell wins", () => {
    const gd = [fakeRun(200, range(0, 40)), fakeRun(200, range(0, 40))];
    const better = [fakeRun(200, range(0, 5)), fakeRun(200, range(0, 5))];
    const win = judgeCell(gd, better, 0.95);
    expect(win.verdict).toBe('wins');
    expect(win.difference).toBeCloseTo(35 / 200, 12);
    expect(judgeCell(better, gd, 0.95).verdict).toBe('loses');
    expect(judgeCell(gd, gd, 0.95).verdict).toBe('undecided');
    expect(gridVerdict([{ verdict: 'wins' }, { verdict: 'wins' }])).toBe('agrees');
    expect(gridVerdict([{ verdict: 'wins' }, { verdict: 'loses' }])).toBe('disagrees');
    expect(gridVerdict([{ verdict: 'wins' }, { verdict: 'undecided' }])).toBe('inconclusive');
  });
});
