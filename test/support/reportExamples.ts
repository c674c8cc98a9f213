import type { EngineSettings, Verdict } from '../../src/claims/types';
import type { ClaimSummary } from '../../src/engine/summary';
import type { PhaseCell, SweepSummary, VerifySummary } from '../../src/report/model';

/**
 * A small hand-made verify summary (two claims, one audit, two heatmaps of GD and label-noise GD,
 * one verdict map, one dynamics figure, one Morris result with its verdict map, one counterexample)
 * and a sweep summary, rendered by test/report.test.ts and test/browser.test.ts.
 */

const settings: EngineSettings = { holdRateTarget: 0.9, alpha: 0.05, replicates: 3, maxSteps: 20000, shrinkBudget: 40, maxCounterexamples: 2 };

export const REPLAY = 'npx claimcheck replay B.memorization --tier working --seed 7 --path 3:0:1';

export function counts(c: Partial<Record<Verdict, number>>): Record<Verdict, number> {
  return { holds: 0, breaks: 0, 'not-reached': 0, inconclusive: 0, vacuous: 0, 'vacuous-bound': 0, diverged: 0, budget: 0, infeasible: 0, error: 0, ...c };
}

export function claim(over: Partial<ClaimSummary> & Pick<ClaimSummary, 'id' | 'tier' | 'verdict' | 'counts'>): ClaimSummary {
  const runs = Object.values(over.counts).reduce((a, b) => a + b, 0);
  const decisive = over.counts.holds + over.counts.breaks + over.counts['not-reached'];
  return {
    title: '', source: '', holdRate: null, ci: null, runs, units: runs, decisive, confidence: 1 - 0.05 / 3, judgedTogether: 3, unitsToSettle: null,
    byHypotheses: { inside: { holds: 0, breaks: 0 }, outside: { holds: 0, breaks: 0 } },
    counterexamples: [], constants: {}, settings, profile: 'default', seed: 7, backends: ['cpu'], seconds: 12.5,
    ...over,
  };
}

const run = (kind: 'verify' | 'sweep') => ({
  runId: `2025-06-01-${kind}-abc123`, kind, version: '0.1.0', gitRevision: 'b451466f00dfeedbeef00112233445566778899a',
  node: 'v20.19.0', backends: ['cpu', 'wasm'], platform: 'linux-x64', cpus: 8,
  startedAt: '2025-06-01T10:00:00.000Z', finishedAt: '2025-06-01T11:02:03.000Z',
  argv: kind === 'verify' ? ['verify', '--budget', '20', '--seed', '7', '--note', 'two words'] : ['sweep', '--claim', 'A.separation', '--axes', 'n,snr'],
  seed: 7, budget: 20, seconds: 3723,
});

function grid(xs: number[], ys: number[], f: (x: number, y: number) => Partial<PhaseCell>): PhaseCell[] {
  return ys.flatMap((y) => xs.map((x) => ({ x, y, value: null, ...f(x, y) })));
}

export function exampleVerify(): VerifySummary {
  return {
    run: run('verify'),
    profile: {
      name: 'default', file: 'fixtures/constants/default.json', settings,
      claims: { 'A.separation': { C: 4, cSnr: 0.1234567 }, 'B.memorization': { C: 2 } },
    },
    claims: [
      claim({
        id: 'A.separation', title: 'Label-noise GD separates signal from noise', source: 'A, Theorem 3.2', tier: 'working',
        verdict: 'holds', counts: counts({ holds: 20 }), holdRate: 1, ci: [0.8316, 1], 
        byHypotheses: { inside: { holds: 20, breaks: 0 }, outside: { holds: 0, breaks: 0 } },
      }),
      claim({
        id: 'A.separation', title: 'Label-noise GD separates signal from noise', source: 'A, Theorem 3.2', tier: 'robustness',
        verdict: 'breaks', counts: counts({ holds: 25, breaks: 15, vacuous: 2 }), holdRate: 0.625, ci: [0.458, 0.773],
        byHypotheses: { inside: { holds: 12, breaks: 0 }, outside: { holds: 13, breaks: 15 } },
      }),
      claim({
        id: 'B.memorization', title: 'GD memorises the noise | fits <all> labels', source: 'B, Lemma 4.1', tier: 'working',
        verdict: 'inconclusive', counts: counts({ holds: 14, breaks: 4, diverged: 2 }), holdRate: 14 / 18, ci: [0.524, 0.936],
        byHypotheses: { inside: { holds: 14, breaks: 4 }, outside: { holds: 0, breaks: 0 } },
        counterexamples: [
          {
            regime: { n: 12, d: 320, snr: 0.05, algo: 'gd' }, seed: 7, path: '3:0:1', verdict: 'breaks', margin: -0.0123,
            replay: REPLAY, from: { path: '3', regime: { n: 40, d: 2000, snr: 0.05, algo: 'gd' } }, shrinkEvaluations: 17,
            note: 'training error stayed at 0.25 <script>alert(1)</script>',
            hypotheses: {
              holds: false,
              clauses: [
                { id: 'B.asm(i)', text: 'sigma_0 <= 1/d', holds: true, lhs: 0.0001, rhs: 0.003 },
                { id: 'B.asm(ii)', text: 'n >= 16', holds: false, lhs: 12, rhs: 16 },
              ],
            },
          },
        ],
      }),
    ],
    audits: [
      {
        preset: 'paper-a-main', description: "Paper A's main experiment", snr: 0.0316, nSnr2: 0.04,
        audits: [
          {
            claim: 'A.separation', title: 'Label-noise GD separates signal from noise', holds: false, violated: ['A.asm(i)'],
            clauses: [
              { id: 'A.asm(i)', text: 'd >= C log(n/delta) max(n^2, n ||mu||^2/sigma_p^2)', holds: false, lhs: 2000, rhs: 51234.5678 },
              { id: 'A.asm(ii)', text: 'eta <= 1/(C ||mu||^2)', holds: true, lhs: 0.001, rhs: 0.25 },
              { id: 'A.asm(iii)', text: 'n * SNR^2 = Theta(1) (not an inequality)', holds: true },
            ],
          },
          {
            claim: 'B.memorization', title: 'GD memorises the noise', holds: true, violated: [],
            clauses: [{ id: 'B.asm(i)', text: 'sigma_0 <= 1/d', holds: true, lhs: 0.0001, rhs: 0.0005 }],
          },
        ],
      },
    ],
    phases: [
      {
        id: 'sweep-testError-gd', title: 'testError of gd over n x SNR', xLabel: 'n (training samples)', yLabel: 'SNR',
        xLog: true, yLog: true, kind: 'heatmap', colorLabel: 'test error', colorDomain: [0, 0.5],
        cells: grid([10, 20, 40, 80], [0.01, 0.03, 0.1], (x, y) =>
          x === 80 && y === 0.01 ? { value: null } : { value: 0.5 * Math.exp(-x * y * y * 40) },
        ),
        note: 'Grey cells diverged. Error falls as n·SNR² grows.', command: 'npx claimcheck sweep --preset paper-a-heatmap --axes n,snr',
      },
      {
        id: 'A.separation.map', title: 'Where A.separation holds', xLabel: 'n', yLabel: 'SNR', xLog: true, yLog: true, kind: 'verdict',
        colorLabel: 'verdict',
        cells: grid([10, 20, 40, 80, 160], [0.01, 0.03, 0.1, 0.3], (x, y) => ({
          verdict: (x * y * y > 0.5 ? 'holds' : x * y * y > 0.05 ? 'inconclusive' : x === 10 && y === 0.01 ? 'vacuous' : 'breaks') as Verdict,
        })),
        note: 'Breaks below n·SNR² ≈ 0.05.', command: 'npx claimcheck sweep --claim A.separation --axes n,snr --grid 5x4',
      },
      {
        id: 'sweep-testError-lngd', title: 'testError of lngd over n x SNR', xLabel: 'n (training samples)', yLabel: 'SNR',
        xLog: true, yLog: true, kind: 'heatmap', colorLabel: 'test error', colorDomain: [0, 0.5],
        cells: grid([10, 20, 40, 80], [0.01, 0.03, 0.1], (x, y) => ({ value: 0.4 * Math.exp(-x * y * y * 60) })),
        note: '', command: 'npx claimcheck sweep --preset paper-a-heatmap --axes n,snr',
      },
    ],
    dynamics: [
      {
        id: 'A.loss', title: 'Training loss, GD vs label-noise GD', xLabel: 'step', yLabel: 'training loss', logY: true,
        series: [
          { name: 'GD', points: Array.from({ length: 50 }, (_, i) => ({ x: i * 20, y: 0.7 * Math.exp(-i / 8) + 1e-3 })) },
          { name: 'label-noise GD', points: Array.from({ length: 50 }, (_, i) => ({ x: i * 20, y: 0.7 * Math.exp(-i / 20) + 0.05 })) },
        ],
        source: 'preset paper-a-main, p=0.1', command: 'npx claimcheck train --preset paper-a-main --algo gd / npx claimcheck train --preset paper-a-main --algo lngd',
      },
    ],
    morris: [
      {
        claim: 'A.separation', output: 'margin (signed distance to the threshold)', base: { n: 40, d: 2000, snr: 0.05 },
        trajectories: 10, evaluations: 60, missing: 1,
        factors: [
          { name: 'snr', lo: 0.01, hi: 0.3, scale: 'log', mu: 0.21, muStar: 0.31, sigma: 0.12, n: 10, muStarCi: [0.22, 0.4] },
          { name: 'n', lo: 10, hi: 200, scale: 'log', mu: 0.1, muStar: 0.12, sigma: 0.05, n: 10, muStarCi: [0.08, 0.16] },
          { name: 'd', lo: 100, hi: 5000, scale: 'log', mu: -0.01, muStar: 0.02, sigma: 0.02, n: 9, muStarCi: [0.01, 0.03] },
          { name: 'eta', lo: 0.001, hi: 0.1, scale: 'log', mu: -0.05, muStar: 0.09, sigma: 0.11, n: 10, muStarCi: [0.04, 0.14] },
        ],
        ranking: ['snr', 'n', 'eta', 'd'],
        map: {
          x: { factor: 'snr', log: true }, y: { factor: 'n', log: true }, replicates: 2,
          cells: [0.01, 0.05, 0.3].flatMap((snr) => [10, 40, 200].map((n) => ({
            x: snr, y: n, verdict: (n * snr * snr > 0.05 ? 'holds' : 'breaks') as Verdict, margin: Math.log10(n * snr * snr / 0.05),
            seed: 7, regime: { n, d: 2000, snr },
          }))),
        },
      },
    ],
  };
}

export function exampleSweep(phases = true): SweepSummary {
  const v = exampleVerify();
  const points = v.phases[1].cells.map((c, i) => ({
    key: `k${i}`, index: (i * 7) % 20, point: { n: c.x, snr: c.y }, series: 'A.separation', value: Math.log10(c.x * c.y * c.y) + 1.3,
    verdict: c.verdict, margin: Math.log10(c.x * c.y * c.y) + 1.3, seconds: 2.5 + i, backend: 'cpu',
  }));
  return {
    run: run('sweep'),
    preset: 'paper-a-main',
    base: { n: 40, d: 2000, snr: 0.05, algo: 'lngd' },
    axes: [
      { name: 'n', lo: 10, hi: 160, scale: 'log', integer: true },
      { name: 'snr', lo: 0.01, hi: 0.3, scale: 'log', integer: false },
    ],
    target: { kind: 'claim', claim: 'A.separation', mode: 'robustness' },
    design: { kind: 'grid', points: 20, seed: 7 },
    shards: ['runs/sweep-0of2', 'runs/sweep-1of2'],
    points: [...points].reverse(),
    phases: phases ? [v.phases[1]] : [],
  };
}

