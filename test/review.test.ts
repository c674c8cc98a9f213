import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { streamOf } from '../src/claims/seedStreams';
import { claim as aSeparation } from '../properties/A/separation';
import { claim as aGdOverfits } from '../properties/A/gd-overfits';
import { tierRegimeAt } from '../src/engine/generate';
import type { ClaimContext, Constants } from '../src/claims/types';
import type { EvaluatorPool } from '../src/engine/pool';
import { openStore } from '../src/engine/store';
import { loadCatalogue, rowFile, rowFileName, selectRows, validateRow } from '../src/review/catalogue';
import { beats, combineParts, equivalent, judgeRate, notWorse, type Part } from '../src/review/judge';
import { stopsDiverging } from '../src/review/procedures/etaGrid';
import { reviewSeeds, runReview } from '../src/review/run';
import { reviewFigureSpec } from '../src/review/figures';
import type { RowResult } from '../src/review/types';
import { FigureWriter } from '../src/report/figureWriter';
import { REVIEW_THREAD_SECTION, reviewThreadBlocks } from '../src/report/sections/reviewThread';
import { DEFAULT_CONFIG, resolveConfig, type TrainConfig } from '../src/training/config';
import type { TrainResult } from '../src/training/train';

const BIN = path.join(__dirname, '..', 'bin', 'claimcheck.js');
const MINE = ['A-01', 'A-02', 'A-03', 'A-04', 'A-05', 'A-06', 'A-07', 'A-10', 'A-14', 'A-15'];
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'cc-review-'));

function cli(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [BIN, 'review', ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
}

/** A valid row to mutate. */
function baseRow(): Record<string, unknown> {
  return {
    row: 1, paper: 'A', source: { who: 'reviewer', where: 'test' }, statement: 's', kind: 'reported', expectation: 'e',
    procedure: 'compare', settings: { preset: 'small', runs: { gd: { set: { algo: 'gd' } } }, parts: [] }, measure: 'm',
  };
}

/** A fake run: `wrong` misclassified test points of nTest. */
function fakeResult(config: TrainConfig, wrong: number, extra: Partial<TrainResult['final']> = {}): TrainResult {
  const testWrong = Array.from({ length: wrong }, (_, i) => i);
  return {
    config, backend: 'fake', engine: 'coefficient', engineRequested: 'auto', seconds: 0, trajectory: [],
    final: { step: config.steps, trainLoss: 0.1, testError: wrong / config.nTest, diverged: null, perSample: { testWrong } as never, ...extra } as TrainResult['final'],
  };
}

describe('review catalogue', () => {
  it('every row of mine validates and sits in its own file', () => {
    for (const f of MINE) {
      const file = rowFile(`${f}.json`);
      const row = validateRow(JSON.parse(fs.readFileSync(file, 'utf8')), file);
      expect(rowFileName(row.paper, row.row)).toBe(`${f}.json`);
    }
    // the questions of the issue are judged against a stated prediction
    const r7 = validateRow(JSON.parse(fs.readFileSync(rowFile('A-07.json'), 'utf8')), 'A-07.json');
    expect(r7.kind).toBe('question');
    expect(r7.prediction).toMatch(/q = 2/);
    const r15 = validateRow(JSON.parse(fs.readFileSync(rowFile('A-15.json'), 'utf8')), 'A-15.json');
    expect(r15.notReproducible).toMatch(/CIFAR-10/);
  });

  it('the whole catalogue loads (every procedure registered, rows unique)', () => {
    const rows = loadCatalogue();
    expect(rows.length).toBeGreaterThanOrEqual(MINE.length);
    expect(new Set(rows.map((r) => r.row)).size).toBe(rows.length);
  });

  it('a malformed row is one error naming the file and the field', () => {
    const check = (mut: (r: Record<string, unknown>) => void, file: string, field: RegExp) => {
      const r = baseRow();
      mut(r);
      expect(() => validateRow(r, file)).toThrow(field);
    };
    check((r) => delete r.statement, 'A-01.json', /A-01\.json: field statement:/);
    check((r) => (r.procedure = 'nope'), 'A-01.json', /field procedure: unknown procedure "nope"/);
    check((r) => (r.kind = 'question'), 'A-01.json', /field prediction:/);
    check(() => {}, 'A-02.json', /field row: paper A row 1 belongs in A-01\.json/);
    check((r) => ((r.settings as Record<string, unknown>).preset = 'no-such'), 'A-01.json', /field settings\.preset: unknown preset/);
    check((r) => ((r.settings as Record<string, unknown>).set = { m: 0 }), 'A-01.json', /field settings\.set\.m: must be >= 1/);
    check((r) => (r.levels = { near100: 'high' }), 'A-01.json', /field levels\.near100: must be a finite number/);
    check((r) => ((r.source as Record<string, unknown>).who = 'editor'), 'A-01.json', /field source\.who:/);
    // loadCatalogue reports it the same way, for a folder
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'A-01.json'), JSON.stringify({ ...baseRow(), procedure: 'nope' }));
    expect(() => loadCatalogue(dir)).toThrow(/A-01\.json: field procedure/);
    fs.writeFileSync(path.join(dir, 'A-01.json'), '{ not json');
    expect(() => loadCatalogue(dir)).toThrow(/A-01\.json: not valid JSON/);
  });

  it('--row and --paper select rows; an unknown row names the flag', () => {
    const rows = [1, 2, 16].map((n) => ({ ...validateRow({ ...baseRow(), row: n, paper: n > 15 ? 'B' : 'A' }, rowFileName(n > 15 ? 'B' : 'A', n)) }));
    expect(selectRows(rows, { paper: 'B' }).map((r) => r.row)).toEqual([16]);
    expect(selectRows(rows, { rows: [2, 1] }).map((r) => r.row)).toEqual([2, 1]);
    expect(() => selectRows(rows, { paper: 'B', rows: [1] })).toThrow(/--row 1: no such row of paper B/);
  });
});

describe('review judging rules', () => {
  it('a rate over seeds: agrees, disagrees, inconclusive with the seeds that would settle it', () => {
    expect(judgeRate('p', 's', Array(10).fill(true), 'x').verdict).toBe('agrees');
    expect(judgeRate('p', 's', Array(10).fill(false), 'x').verdict).toBe('disagrees');
    const open = judgeRate('p', 's', [...Array(7).fill(true), ...Array(3).fill(false)], 'x');
    expect(open.verdict).toBe('inconclusive');
    expect(open.moreSeeds).toBeGreaterThan(0);
    // the same 7/10 with more seeds at that rate decides: the hint is honest
    const more = open.moreSeeds!;
    const n = 10 + more;
    expect(judgeRate('p', 's', Array.from({ length: n }, (_, i) => i < Math.floor(0.7 * n)), 'x').verdict).toBe('agrees');
    // Bonferroni: 6/6 agree alone, not among 4 parts (the interval widens)
    expect(judgeRate('p', 's', Array(6).fill(true), 'x').verdict).toBe('agrees');
    expect(judgeRate('p', 's', Array(6).fill(true), 'x', { together: 4 }).verdict).toBe('inconclusive');
    // null outcomes are not decisive
    expect(judgeRate('p', 's', [true, null, null], 'x').seeds).toBe(1);
  });

  it('parts combine into agrees, disagrees, partly or inconclusive', () => {
    const part = (verdict: Part['verdict'], moreSeeds?: number): Part => ({ name: verdict, said: '', verdict, holds: 0, seeds: 8, ci: null, target: 0.5, confidence: 0.95, measured: '', ...(moreSeeds !== undefined ? { moreSeeds } : {}) });
    expect(combineParts([part('agrees'), part('agrees')]).verdict).toBe('agrees');
    expect(combineParts([part('disagrees'), part('disagrees')]).verdict).toBe('disagrees');
    expect(combineParts([part('agrees'), part('disagrees'), part('inconclusive', 3)]).verdict).toBe('partly');
    const open = combineParts([part('agrees'), part('inconclusive', 5), part('inconclusive', 9)]);
    expect(open.verdict).toBe('inconclusive');
    expect(open.settle).toMatch(/about 9 more seeds/);
  });

  it('paired per-seed outcomes on a shared test set (McNemar)', () => {
    const c = resolveConfig(DEFAULT_CONFIG, { nTest: 2000 });
    const gd = fakeResult(c, 400), ln = fakeResult(c, 100), same = fakeResult(c, 400);
    expect(beats(ln, gd)).toBe(true);
    expect(beats(gd, ln)).toBe(false);
    expect(beats(same, gd)).toBe(false);
    expect(beats(ln, gd, 0.2)).toBe(false); // a 0.15 improvement is not above a 0.2 gap
    expect(notWorse(ln, gd, 0.01)).toBe(true);
    expect(notWorse(gd, ln, 0.01)).toBe(false);
    expect(equivalent(same, gd, 0.02)).toBe(true);
    expect(equivalent(ln, gd, 0.02)).toBe(false);
  });

  it('the learning rate at which a method stops diverging', () => {
    const cell = (eta: number, divergedFraction: number) => ({ method: 'm', eta, seeds: 4, divergedFraction, accuracy: null, accuracyMin: null, accuracyMax: null });
    expect(stopsDiverging([cell(1, 1), cell(0.1, 0), cell(0.5, 0.25), cell(0.01, 0)])).toBe(0.1);
    expect(stopsDiverging([cell(0.1, 0), cell(1, 0)])).toBe(1);
    expect(stopsDiverging([cell(0.1, 0.5), cell(1, 1)])).toBeNull();
  });

  it('figure specs of every kind are built from tidy rows', () => {
    const lr = reviewFigureSpec({ id: 'x', title: 't', kind: 'lr-map', data: [{ method: 'gd', eta: 0.1, divergedFraction: 0, accuracy: 0.9, lo: 0.8, hi: 1 }, { method: 'gd', eta: 1, divergedFraction: 1, accuracy: null, lo: null, hi: null }] });
    expect(JSON.stringify(lr)).toMatch(/fraction of seeds diverged/);
    expect(() => reviewFigureSpec({ id: 'x', title: 't', kind: 'accuracy-by-eta', data: [{ method: 'gd', eta: 0 }] })).toThrow(/positive eta/);
    expect(JSON.stringify(reviewFigureSpec({ id: 'x', title: 't', kind: 'bars', data: [{ label: 'GD', value: 0.5, lo: 0.4, hi: 0.6 }] }))).toMatch(/errorbar/);
    expect(JSON.stringify(reviewFigureSpec({ id: 'x', title: 't', kind: 'grid', xLabel: 'normalization', data: [{ x: 60, y: 4, value: 0.1 }, { x: 80, y: 4, value: 0.2 }] }))).toMatch(/normalization/);
  });
});

describe('review runner', () => {
  it('seeds come from the scoring stream, deterministic, every row a prefix of one list', () => {
    const s = reviewSeeds(1, 30);
    expect(new Set(s).size).toBe(30);
    for (const x of s) expect(streamOf(x)).toBe('score');
    expect(reviewSeeds(1, 5)).toEqual(s.slice(0, 5));
    expect(reviewSeeds(2, 5)).not.toEqual(s.slice(0, 5));
  });

  it('runs a row on the pool, caches every run in the store, and a second run reads the cache', async () => {
    const row = validateRow({
      ...baseRow(), settings: {
        preset: 'small', seeds: 8, runs: { gd: { set: { algo: 'gd' } }, lngd: { set: { algo: 'lngd' } } },
        parts: [{ name: 'LNGD beats GD', said: 'x', rule: 'beats', a: 'lngd', b: 'gd' }, { name: 'GD ~100%', said: 'y', rule: 'atLeast', run: 'gd', level: 'near100' }],
      }, levels: { near100: 0.95 },
    }, 'A-01.json');
    let trained = 0;
    const pool = {
      size: 2,
      trainBatch: async ({ configs }: { configs: TrainConfig[] }) => {
        trained += configs.length;
        return configs.map((c) => fakeResult(c, c.algo === 'gd' ? 120 : 10));
      },
      close: async () => {},
    } as unknown as EvaluatorPool;
    const dir = tmp();
    const run = async () => {
      const store = openStore(path.join(dir, 'results.jsonl'));
      try {
        return await runReview({ rows: [row], seed: 3, budget: 1, full: false, pool, store });
      } finally {
        store.close();
      }
    };
    const first = await run();
    expect(trained).toBe(16);
    const r = first.rows[0];
    // fake GD at 0.70 accuracy, LNGD at 0.975 (nTest 400): "LNGD beats GD" agrees, "GD ~100%" (>= 0.95) disagrees
    expect(r.verdict).toBe('partly');
    expect((r.details!.parts as Part[]).map((p) => p.verdict)).toEqual(['agrees', 'disagrees']);
    expect(r.replay).toBe('claimcheck review --row 1 --seed 3');
    expect(r.seeds).toEqual(reviewSeeds(3, 8));
    const second = await run();
    expect(trained).toBe(16); // nothing trained again: read from the store
    expect(second.rows[0].measured).toBe(r.measured);
  });
});

describe('claimcheck review (CLI)', () => {
  it('bad input: one line naming the flag, exit 2', () => {
    for (const [args, flag] of [[['--paper', 'C'], '--paper'], [['--budget', '-1'], '--budget'], [['--row', 'x'], '--row'], [['--row', '98'], '--row 98']] as const) {
      const r = cli([...args]);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(flag);
    }
    const h = cli(['--help']);
    expect(h.status).toBe(0);
    expect(h.stdout).toMatch(/--budget/);
  });

  it('--json prints { rows: [...] } for a cheap row, and a second run in the folder resumes from its cache', () => {
    const cat = tmp();
    fs.writeFileSync(path.join(cat, 'A-01.json'), JSON.stringify({
      ...baseRow(), settings: {
        preset: 'small', set: { steps: 40, evalEvery: 20, nTest: 200, n: 20, d: 100 }, seeds: 2,
        runs: { gd: { set: { algo: 'gd' } }, lngd: { set: { algo: 'lngd' } } },
        parts: [{ name: 'LNGD beats GD', said: 'x', rule: 'beats', a: 'lngd', b: 'gd' }],
      },
    }));
    fs.writeFileSync(path.join(cat, 'A-15.json'), JSON.stringify({ ...baseRow(), row: 15, procedure: 'not-reproducible', settings: {}, notReproducible: 'no CIFAR-10 here' }));
    const out = path.join(tmp(), 'run');
    const env = { CLAIMCHECK_REVIEW_CATALOGUE: cat };
    const r = cli(['--paper', 'A', '--json', '--workers', '0', '--out', out], env);
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(Object.keys(j)).toEqual(['rows']);
    expect(j.rows.map((x: { row: number }) => x.row)).toEqual([1, 15]);
    for (const x of j.rows) for (const k of ['row', 'paper', 'source', 'statement', 'verdict', 'measured', 'replay']) expect(x).toHaveProperty(k);
    expect(j.rows[1].verdict).toBe('not-reproducible-here');
    expect(j.rows[1].reason).toMatch(/CIFAR/);
    expect(['agrees', 'disagrees', 'partly', 'inconclusive']).toContain(j.rows[0].verdict);
    const lines = () => fs.readFileSync(path.join(out, 'results.jsonl'), 'utf8').trim().split('\n').length;
    const before = lines();
    expect(before).toBe(4); // 2 seeds x (gd, lngd)
    const again = cli(['--paper', 'A', '--json', '--workers', '0', '--out', out], env);
    expect(again.status, again.stderr).toBe(0);
    expect(lines()).toBe(before);
    expect(JSON.parse(again.stdout).rows[0].measured).toBe(j.rows[0].measured);
  }, 60_000);
});

describe('the verify report section', () => {
  it('"The review thread, rerun": a table row per catalogue row and the rows\' figures', async () => {
    const row = (n: number, extra: Partial<RowResult> = {}): RowResult => ({
      row: n, paper: 'A', source: { who: n % 2 ? 'reviewer' : 'authors', where: 'w' }, statement: `statement ${n}`, verdict: 'agrees',
      measured: `measured ${n}`, reason: 'r', replay: `claimcheck review --row ${n} --seed 1`, seeds: [1, 2], seconds: 1, ...extra,
    });
    const rows = [
      row(3, { verdict: 'partly', figure: { id: 'review-row-3-lr-map', title: 'lr map', kind: 'lr-map', data: [{ method: 'gd', eta: 0.1, divergedFraction: 0, accuracy: 0.9, lo: 0.8, hi: 1 }, { method: 'gd', eta: 1, divergedFraction: 0.5, accuracy: 0.6, lo: 0.5, hi: 0.7 }] } }),
      row(4, { verdict: 'inconclusive', settle: 'about 5 more seeds' }),
      row(15, { verdict: 'not-reproducible-here', reason: 'no CIFAR-10' }),
    ];
    const dir = tmp();
    const blocks = await reviewThreadBlocks({ seed: 1, budget: 0.3, full: false, rows, seconds: 10 }, new FigureWriter(dir));
    expect(blocks[0]).toMatchObject({ k: 'h', text: REVIEW_THREAD_SECTION });
    const table = blocks.find((b) => b.k === 'table') as { rows: unknown[][] };
    expect(table.rows).toHaveLength(3);
    expect(JSON.stringify(table.rows[1])).toContain('about 5 more seeds');
    expect(JSON.stringify(table.rows[2])).toContain('claimcheck review --row 15 --seed 1');
    expect(blocks.filter((b) => b.k === 'figure')).toHaveLength(1);
    expect(fs.readdirSync(path.join(dir, 'figures')).some((f) => f.endsWith('.png'))).toBe(true);
    expect((await reviewThreadBlocks(undefined, new FigureWriter(dir)))[1]).toMatchObject({ k: 'p' });
  }, 30_000);
});

describe('shared presets: the reviewers\' counterexamples are robustness regimes of A.separation', () => {
  const ctxOf = (c: typeof aSeparation): ClaimContext => {
    const constants = Object.fromEntries(Object.entries(c.constants).map(([k, s]) => [k, s.default])) as Constants;
    return { constants, all: { [c.id]: constants }, settings: { holdRateTarget: 0.9, alpha: 0.05, replicates: 2, maxSteps: 1e5, shrinkBudget: 10, maxCounterexamples: 1 } };
  };
  it('robustness runs 0 and 1 are presets paper-a-review-m3 and -m3-sigma2 (rows 2, 3), later runs are drawn', () => {
    const ctx = ctxOf(aSeparation);
    const r0 = tierRegimeAt(aSeparation, 'robustness', ctx, 7, '0');
    const r1 = tierRegimeAt(aSeparation, 'robustness', ctx, 7, '1');
    expect(r0).toMatchObject({ preset: 'paper-a-review-m3', m: 3, sigmaP: 0.5, n: 200, d: 2000 });
    expect(r1).toMatchObject({ preset: 'paper-a-review-m3-sigma2', m: 3, sigmaP: 2 });
    expect(streamOf(r0.seed as number)).toBe('score');
    expect(tierRegimeAt(aSeparation, 'robustness', ctx, 7, '0')).toEqual(r0);
    expect(tierRegimeAt(aSeparation, 'robustness', ctx, 7, '2').preset).toBeUndefined();
    // the review rows use the same presets (shared, not copied)
    const rows = loadCatalogue();
    expect(rows.find((r) => r.row === 2)!.settings.preset).toBe('paper-a-review-m3');
    expect(rows.find((r) => r.row === 3)!.settings.preset).toBe('paper-a-review-m3-sigma2');
    // a claim without named robustness regimes draws every run
    expect(tierRegimeAt(aGdOverfits, 'robustness', ctxOf(aGdOverfits), 7, '0').preset).toBeUndefined();
  });

  it('the paper tier of A.separation holds the rows\' presets 1 and 4-7', () => {
    const presets = aSeparation.paperSettings!(ctxOf(aSeparation)).map((s) => s.preset);
    for (const p of ['paper-a-main', 'paper-a-rebuttal-m3', 'paper-a-rebuttal-m10', 'paper-a-p03', 'paper-a-p04', 'paper-a-gauss', 'paper-a-gauss-06', 'paper-a-uniform', 'paper-a-uniform-23', 'paper-a-q3', 'paper-a-q4']) {
      expect(presets).toContain(p);
    }
  });
});
