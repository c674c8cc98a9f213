import { COARSE_GRID, lerp, lerpLog, logUniform, sig4, unitDraw } from '../../src/claims/kit/draws';
import { withCalibration } from '../../src/claims/calibration';
import fc from 'fast-check';
import { Dataset, makeDataset } from '../../src/data/signalNoise';
import { report } from '../../src/claims/kit/clauses';
import { divergedVerdict } from '../../src/claims/kit/replicates';
import { regimeConfig } from '../../src/claims/kit/training';
import { preflight } from '../../src/claims/kit/preflight';
import type { Trained } from '../../src/claims/kit/training';
import { paperALiteral } from '../A/assumptions';
import { BoundarySearch, equivalenceHalfWidth, EXPONENT_TEST_CONSTANTS, exponentNote, exponentVerdict, geometricSweep, IN, locateCrossing, prefixDataset, quantileLoss, SeedBlock, trainUntil, withSignal } from '../../src/claims/kit/scaling';
import { SEED_DRAW_MAX } from '../../src/claims/seedStreams';
import type { Claim, Clause, Constants, ConstantSpec, EvalContext, Evaluation, HypothesisReport, Regime, Tier } from '../../src/claims/types';
import { DEFAULT_CONFIG, resolveConfig, TrainConfig } from '../../src/training/config';
import type { Measurement } from '../../src/training/measure';

/**
 * C.boundary: the benign / harmful overfitting boundary of gradient descent without label noise,
 * as a scaling law in n AND d (spec/claims.md, "Base works"): Cao et al. 2022 (ReLU^q, q > 2:
 * n SNR^q = const), paper A (q = 2: n SNR^2 = const), Kou et al. 2023 (ReLU: n ||mu||^4 / (sigma_p^4 d)
 * = const). In SNR = ||mu|| / (sigma_p sqrt d) the boundary is SNR* ~ n^(-1/q) d^0 (q >= 2) and
 * SNR* ~ n^(-1/4) d^(-1/4) (q = 1).
 *
 * Unit: one regime = one sweep (no `units`). The sweep locates SNR* (GD's test error, read when GD
 * has fit the data, crosses `threshold`) at nCount values of n and dCount values of d (kappa and
 * s0 = sigma0 sigma_p sqrt d held fixed along both), for `seeds` replicate seeds; fits
 * log SNR* = a_seed + b_n log n + b_d log d within seeds (scaling.blockedLogFit); bootstraps over
 * seeds for intervals at 1 - alpha/2 each (two exponents, Bonferroni); and applies the
 * pre-registered equivalence test to both (scaling.exponentVerdict): holds when both intervals lie
 * inside their bands, breaks when either lies outside its band, else inconclusive. A crossing not
 * bracketed within the search (ratio^maxExpand around the law's prediction) is `not-reached`;
 * GD not fitting within our step caps is `budget`. Literal tier: paper A's Assumption 3.1 is
 * `infeasible` at any affordable d (assumptions.paperALiteral).
 *
 * The experiment diary (design choices, where the region was found) is in docs/claims/C.boundary.md.
 */

const EXP = 'by experiment (docs/claims/C.boundary.md), i.e. looked at results';
const BUDGET = 'budget (cost of a sweep), not a hypothesis';
const constants: Record<string, ConstantSpec> = {
  nCount: { default: 4, min: 3, integer: true, help: 'values of n per d (geometric from n0 to n0 nSpan)', provenance: 'chosen', source: 'sweep design: 4 points per line give a slope; cost' },
  dCount: { default: 2, min: 1, integer: true, help: 'values of d per sweep (geometric from d0 to d0 dSpan); >= 2 fits the d exponent', provenance: 'chosen', source: 'sweep design (issue 7: test the d-dependence); cost' },
  dSpan: { default: 3, min: 1, help: 'd_max / d0 of a sweep', provenance: 'chosen', source: 'sweep design: a factor 3 moves Kou et al.\'s SNR* by 3^(-1/4) = 0.76; cost ~ d' },
  nMin: { default: 12, min: 1, integer: true, help: 'generator: smallest n0', provenance: 'chosen', source: BUDGET, region: true },
  nMax: { default: 40, min: 1, integer: true, help: 'generator: largest n (budget)', provenance: 'chosen', source: BUDGET, region: true },
  nSpanMin: { default: 3, min: 1, help: 'generator: smallest n_max / n0', provenance: 'chosen', source: 'sweep design', region: true },
  nSpanMax: { default: 3.5, min: 1, help: 'generator: largest n_max / n0', provenance: 'chosen', source: 'sweep design', region: true },
  dPerN2Min: { default: 1, min: 0, help: 'hypothesis d0 >= dPerN2Min n_max^2 (practical reading of the base works\' d >> n^2)', provenance: 'chosen', source: 'practical reading of d = Omega~(n^2) (Cao et al., Kou et al.); the literal condition is unaffordable', region: true },
  dPerN2Max: { default: 1.5, min: 0, help: 'generator: largest d0 / n_max^2 (budget)', provenance: 'chosen', source: BUDGET, region: true },
  mMin: { default: 8, min: 1, integer: true, help: 'hypothesis m >= mMin (enough filters)', provenance: 'chosen', source: EXP, calibrated: true, region: true },
  mMax: { default: 10, min: 1, integer: true, help: 'generator: largest width', provenance: 'chosen', source: BUDGET, region: true },
  kappaMin: { default: 0.1, min: Number.MIN_VALUE, help: 'generator, q >= 2: smallest kappa = eta sigma_p^2 d / (n m) (budget: the fit time ~ 1/kappa)', provenance: 'chosen', source: BUDGET, region: true },
  kappaMax: { default: 0.3, min: Number.MIN_VALUE, help: 'hypothesis, q >= 2: kappa <= kappaMax at every point (small steps: the laws are gradient-flow statements)', provenance: 'chosen', source: EXP, calibrated: true, region: true },
  kappaMinQ1: { default: 0.3, min: Number.MIN_VALUE, help: 'generator, q = 1: smallest kappa (budget: ReLU fits slowly)', provenance: 'chosen', source: BUDGET, region: true },
  kappaMaxQ1: { default: 1, min: Number.MIN_VALUE, help: 'hypothesis, q = 1: kappa <= kappaMaxQ1 at every point', provenance: 'chosen', source: EXP, calibrated: true, region: true },
  s0MinQ2: { default: 1e-6, min: Number.MIN_VALUE, help: 'generator, q = 2: smallest s0 = sigma0 sigma_p sqrt(d)', provenance: 'chosen', source: BUDGET, region: true },
  s0MaxQ2: { default: 1e-4, min: Number.MIN_VALUE, help: 'hypothesis, q = 2: s0 <= s0MaxQ2 (small init: the log factors of the q = 2 race must not drift with n)', provenance: 'chosen', source: EXP, calibrated: true, region: true },
  s0Min: { default: 0.1, min: Number.MIN_VALUE, help: 'generator, q != 2: smallest s0 (budget: the q >= 3 blow-up time ~ 1/(kappa s0^(q-2)))', provenance: 'chosen', source: BUDGET, region: true },
  s0Max: { default: 0.3, min: Number.MIN_VALUE, help: 'hypothesis, q != 2: s0 <= s0Max (small init)', provenance: 'chosen', source: EXP, calibrated: true, region: true },
  sigmaP: { default: 0.5, min: Number.MIN_VALUE, help: 'noise scale of drawn regimes (the laws are in SNR; sigma_p only sets the units)', provenance: 'chosen', source: 'units only' },
  nTest: { default: 500, min: 1, integer: true, help: 'clean test samples per run (test error resolution)', provenance: 'chosen', source: 'resolution of a 0.1 test error (+-0.013)' },
  threshold: { default: 0.1, min: 0, max: 1, help: 'the boundary is where the test error crosses threshold (0.1: both classes benign; the per-class races give plateaus near 1/4)', provenance: 'chosen', source: EXP, calibrated: true },
  epsFit: { default: 0.05, min: Number.MIN_VALUE, help: 'the test error is read when GD has fit the data: first measurement at which the fitQuantile-quantile of the per-sample training losses is <= epsFit', provenance: 'chosen', source: 'reading of "GD fits the training data" (interpolation)' },
  fitQuantile: { default: 0.9, min: 0, max: 1, help: 'see epsFit (a quantile, not the mean: one sample with no active filter, or a q >= 3 straggler, would otherwise hold the fit time up for thousands of steps)', provenance: 'chosen', source: EXP, calibrated: true },
  startQ: { default: 2, min: Number.MIN_VALUE, help: 'search start, q >= 2: n SNR^q = startQ (only where the search begins)', provenance: 'chosen', source: 'rough constant of the law (only the start of the search)' },
  startKou: { default: 0.2, min: Number.MIN_VALUE, help: 'search start, q = 1: n ||mu||^4 / (sigma_p^4 d) = startKou (only where the search begins)', provenance: 'chosen', source: 'rough constant of the law (only the start of the search)' },
  ratio: { default: 1.25, min: 1.000001, help: 'search: geometric step in SNR while bracketing the crossing', provenance: 'chosen', source: 'search design' },
  maxExpand: { default: 8, min: 0, integer: true, help: 'search: most bracketing steps per point; no crossing within ratio^maxExpand (~6x) of the law\'s prediction: not-reached', provenance: 'chosen', source: 'k of not-reached: 1.25^8 = 6x the predicted SNR*, fixed before scoring' },
  bisections: { default: 3, min: 0, integer: true, help: 'search: bisections of the bracket in log SNR', provenance: 'chosen', source: 'resolution 1.25^(1/8) = 3% in SNR*' },
  fitSteps: { default: 30, min: 1, help: 'run lengths: a probe first trains fitSteps / kappa steps, then twice as long, ...', provenance: 'chosen', source: 'run-length heuristic (only cost)' },
  evalPoints: { default: 25, min: 2, integer: true, help: 'measurements per probe run', provenance: 'chosen', source: 'cost' },
  bandRel: { ...EXPONENT_TEST_CONSTANTS.bandRel },
  bandAbsD: {
    default: 0.125, min: 0, provenance: 'chosen', calibrated: false,
    source: 'fixed a priori, before scoring: half the distance between the two laws\' d exponents (0 for q >= 2, -1/4 for q = 1); not fitted to results',
    help: 'equivalence band of a predicted d exponent of 0 (q >= 2): holds when its interval lies inside [-bandAbsD, bandAbsD]',
  },
  bootstrapResamples: { ...EXPONENT_TEST_CONSTANTS.bootstrapResamples },
  seeds: { default: 4, min: 2, integer: true, help: 'replicate seeds (data and initialisation) per sweep; the bootstrap resamples them', provenance: 'chosen', source: 'measured: enough for the bootstrap interval to fit in the band at the cost budget (docs/claims/C.boundary.md)' },
  balanceTol: { default: 0.1, min: 0, max: 0.5, help: 'replicate seeds are the first with |n_+ - n/2| <= balanceTol n at every n of the sweep (the laws assume balanced classes)', provenance: 'chosen', source: EXP, calibrated: true, region: true },
  sweepSteps: { default: 400000, min: 1, help: 'training steps one evaluation (the whole sweep, all seeds) may spend; beyond: budget', provenance: 'chosen', source: BUDGET },
  probeStepsMax: { default: 10000, min: 1, help: 'training steps one probe (n, d, SNR) may take to fit the data; beyond: budget', provenance: 'chosen', source: BUDGET },
};

const CLAIM_ID = 'C.boundary';
const REFERENCE =
  'Cao, Chen, Belkin, Gu 2022, "Benign overfitting in two-layer convolutional neural networks" (arXiv 2202.06526); ' +
  'Kou, Chen, Chen, Gu 2023, "Benign overfitting in two-layer ReLU convolutional neural networks" (arXiv 2303.04145); ' +
  'paper A (q = 2): "Label Noise Gradient Descent Improves Generalization in the Low SNR Regime" (arXiv 2510.17526)';

/** The predicted exponent of SNR* in n: -1/q for q >= 2 (n SNR^q = const), -1/4 for q = 1 (n ||mu||^4/(sigma_p^4 d) = const). */
export function predictedBoundaryExponent(q: number): number {
  return q === 1 ? -0.25 : -1 / q;
}

/** The predicted exponent of SNR* in d (at fixed n, kappa and s0): 0 for q >= 2, -1/4 for q = 1 (Kou et al.: n SNR^4 d = const). */
export function predictedDExponent(q: number): number {
  return q === 1 ? -0.25 : 0;
}

/** The law's invariant at a boundary point: n SNR^q (q >= 2), n ||mu||^4 / (sigma_p^4 d) = n SNR^4 d (q = 1). */
export function boundaryInvariant(q: number, n: number, snr: number, d: number): number {
  return q === 1 ? n * snr ** 4 * d : n * snr ** q;
}

function distinctRounded(values: number[]): number[] {
  const out: number[] = [];
  for (const v of values) {
    const n = Math.round(v);
    if (out.length === 0 || n > out[out.length - 1]) out.push(n);
  }
  return out;
}

/** The n values of a regime: nCount geometric values from n0 to n0 nSpan, rounded, distinct. */
export function boundaryNs(regime: Regime, count: number): number[] {
  const n0 = regimeConfig(regime).n;
  const span = Number(regime.nSpan) > 1 ? Number(regime.nSpan) : 1;
  return distinctRounded(geometricSweep(n0, n0 * span, count));
}

/** The d values of a regime: dCount geometric values from d0 to d0 dSpan (regime key dSpan, 1: d0 only). */
export function boundaryDs(regime: Regime, count: number): number[] {
  const d0 = regimeConfig(regime).d;
  const span = Number(regime.dSpan) > 1 ? Number(regime.dSpan) : 1;
  return span > 1 ? distinctRounded(geometricSweep(d0, d0 * span, count)) : [d0];
}

/**
 * The configuration at (n, d): kappa = eta sigma_p^2 d / (n m) and s0 = sigma0 sigma_p sqrt(d)
 * held at their base values (eta ~ n / d, sigma0 ~ d^-1/2) with etaScaling 'kappa'; with 'fixed'
 * eta stays and kappa ~ d / n moves (robustness).
 */
function pointConfig(regime: Regime, base: TrainConfig, n: number, d: number): TrainConfig {
  const eta = regime.etaScaling === 'fixed' ? base.eta : (base.eta * n * base.d) / (base.n * d);
  return resolveConfig(base, { n, d, eta, sigma0: base.sigma0 * Math.sqrt(base.d / d), algo: 'gd' });
}

function kappaOf(c: Pick<TrainConfig, 'eta' | 'sigmaP' | 'd' | 'n' | 'm'>): number {
  return (c.eta * c.sigmaP * c.sigmaP * c.d) / (c.n * c.m);
}

function kappaBound(q: number, k: Constants): number {
  return q === 1 ? k.kappaMaxQ1 : k.kappaMax;
}

function s0Bound(q: number, k: Constants): number {
  return q === 2 ? k.s0MaxQ2 : k.s0Max;
}

// ---------------------------------------------------------------------------------------------
// Hypotheses (the working region: chosen bounds, not the base works' literal conditions)
// ---------------------------------------------------------------------------------------------

function hypothesesOf(regime: Regime, k: Constants): HypothesisReport {
  const c = regimeConfig(regime);
  const ns = boundaryNs(regime, k.nCount);
  const ds = boundaryDs(regime, k.dCount);
  const nTop = ns[ns.length - 1];
  const kappas = ns.flatMap((n) => ds.map((d) => kappaOf(pointConfig(regime, c, n, d))));
  const s0 = c.sigma0 * c.sigmaP * Math.sqrt(c.d);
  const wantNoise = c.q === 1 ? 'isotropic' : 'projected';
  const clauses: Clause[] = [
    { id: 'C.model(q)', text: 'q >= 1 integer (ReLU^q; q = 1 Kou et al., q = 2 paper A, q > 2 Cao et al.)', holds: Number.isInteger(c.q) && c.q >= 1, lhs: c.q, rhs: 1 },
    { id: 'C.model(xi)', text: `noise ${wantNoise} (q = 1: isotropic as in Kou et al.; q >= 2: orthogonal to mu as in Cao et al. and paper A)`, holds: c.noise === wantNoise },
    { id: 'C.model(gd)', text: 'plain GD on clean labels (no fixed flips)', holds: c.tauPlus === 0 && c.tauMinus === 0 },
    { id: 'C.work(d)', text: 'd0 >= dPerN2Min n_max^2 (working region, chosen: practical reading of d >> n^2)', holds: c.d >= k.dPerN2Min * nTop * nTop, lhs: c.d, rhs: k.dPerN2Min * nTop * nTop },
    { id: 'C.work(m)', text: 'm >= mMin (working region, chosen)', holds: c.m >= k.mMin, lhs: c.m, rhs: k.mMin },
    { id: 'C.work(eta)', text: `kappa = eta sigma_p^2 d / (n m) <= ${c.q === 1 ? 'kappaMaxQ1' : 'kappaMax'} at every point (working region, chosen: small steps)`, holds: Math.max(...kappas) <= kappaBound(c.q, k), lhs: Math.max(...kappas), rhs: kappaBound(c.q, k) },
    { id: 'C.work(s0)', text: `s0 = sigma0 sigma_p sqrt(d) <= ${c.q === 2 ? 's0MaxQ2' : 's0Max'} (working region, chosen: small init)`, holds: s0 <= s0Bound(c.q, k), lhs: s0, rhs: s0Bound(c.q, k) },
    { id: 'C.sweep', text: 'at least 3 distinct n', holds: ns.length >= 3, lhs: ns.length, rhs: 3 },
    { id: 'C.sweep(d)', text: 'at least dCount distinct d (the d exponent is tested when dCount >= 2)', holds: ds.length >= Math.min(2, k.dCount), lhs: ds.length, rhs: Math.min(2, k.dCount) },
  ];
  return report(clauses);
}

// ---------------------------------------------------------------------------------------------
// Regimes
// ---------------------------------------------------------------------------------------------

/** Training samples with y = +1 among the first n of a data set. */
function classCount(data: Dataset, n: number): number {
  let plus = 0;
  for (let i = 0; i < n; i++) if (data.train.y[i] > 0) plus++;
  return plus;
}

/**
 * The first `count` seeds from the regime's seed up whose class counts are balanced at every n of
 * the sweep: |n_+ - n/2| <= balanceTol n. Only the training labels matter, so the candidates are
 * drawn with one test sample. Gives up after 200 candidates per seed (then takes the next ones).
 */
export function balancedSeeds(base: TrainConfig, ns: readonly number[], count: number, balanceTol: number): { seeds: number[]; rejected: number[] } {
  const seeds: number[] = [];
  const rejected: number[] = [];
  let s = Math.max(1, base.seed);
  while (seeds.length < count) {
    const data = makeDataset(resolveConfig(base, { n: ns[ns.length - 1], nTest: 1, seed: s }));
    const ok = ns.every((n) => Math.abs(classCount(data, n) - n / 2) <= balanceTol * n);
    if (ok || rejected.length >= 200 * count) seeds.push(s);
    else rejected.push(s);
    s++;
  }
  return { seeds, rejected };
}

interface Box {
  q: fc.Arbitrary<number>;
  n0: [number, number];
  nSpan: [number, number];
  nMax: number;
  dPerN2: [number, number];
  dSpan: number;
  m: fc.Arbitrary<number>;
  kappa: (q: number) => [number, number];
  s0: (q: number) => [number, number];
  noise: (q: number) => fc.Arbitrary<'projected' | 'isotropic'>;
  etaScaling: fc.Arbitrary<'kappa' | 'fixed'>;
  sigmaP: fc.Arbitrary<number>;
  nTest: number;
}

function boxArbitrary(b: Box): fc.Arbitrary<Regime> {
  const unit = unitDraw;
  return fc
    .record({ q: b.q, nU: unit(), spanU: unit(), dU: unit(), m: b.m, kU: unit(), sU: unit(), etaScaling: b.etaScaling, sigmaP: b.sigmaP, seed: fc.integer({ min: 1, max: SEED_DRAW_MAX }) })
    .chain((r) => b.noise(r.q).map((noise) => ({ ...r, noise })))
    .map((r) => {
      const spanHi = Math.max(b.nSpan[0], Math.min(b.nSpan[1], b.nMax / b.n0[0]));
      const span0 = lerp(b.nSpan[0], spanHi, r.spanU);
      const n0 = Math.round(lerp(b.n0[0], Math.max(b.n0[0], Math.min(b.n0[1], b.nMax / span0)), r.nU));
      const nTop = Math.max(n0 + 2, Math.round(n0 * span0));
      const d = Math.ceil(lerp(b.dPerN2[0] * IN, Math.max(b.dPerN2[0] * IN, b.dPerN2[1]), r.dU) * nTop * nTop);
      // kappa at n0, d0 (held along n and d with etaScaling 'kappa'; with 'fixed' it moves)
      const [kLo, kHi] = b.kappa(r.q);
      const kappa = lerpLog(kLo * IN, kHi / IN, r.kU);
      const [s0Lo, s0Hi] = b.s0(r.q);
      const s0 = lerpLog(s0Lo * IN, s0Hi / IN, r.sU);
      const sqrtD = Math.sqrt(d);
      return {
        n: n0, d, m: r.m, q: r.q, sigmaP: sig4(r.sigmaP),
        sigma0: sig4(s0 / (r.sigmaP * sqrtD)),
        eta: sig4((kappa * n0 * r.m) / (r.sigmaP * r.sigmaP * d)),
        noise: r.noise, nTest: b.nTest, seed: r.seed,
        nSpan: Number((nTop / n0).toPrecision(6)), dSpan: b.dSpan, etaScaling: r.etaScaling,
      } as Regime;
    });
}

function workingBox(k: Constants, q: fc.Arbitrary<number>): Box {
  return {
    q, n0: [k.nMin, k.nMax], nSpan: [k.nSpanMin, k.nSpanMax], nMax: k.nMax,
    dPerN2: [k.dPerN2Min, k.dPerN2Max], dSpan: k.dSpan, m: fc.integer({ min: k.mMin, max: Math.max(k.mMin, k.mMax) }),
    kappa: (qq) => (qq === 1 ? [k.kappaMinQ1, k.kappaMaxQ1] : [k.kappaMin, k.kappaMax]), s0: (qq) => (qq === 2 ? [k.s0MinQ2, k.s0MaxQ2] : [k.s0Min, k.s0Max]),
    noise: (qq) => fc.constant(qq === 1 ? ('isotropic' as const) : ('projected' as const)),
    etaScaling: fc.constant('kappa' as const), sigmaP: fc.constant(k.sigmaP), nTest: k.nTest,
  };
}

function regimesOf(tier: Tier, k: Constants): fc.Arbitrary<Regime> {
  // literal: q = 2 sweeps of the working box, judged against paper A's Assumption 3.1 (infeasible)
  if (tier === 'literal') return boxArbitrary(workingBox(k, fc.constant(2)));
  if (tier !== 'robustness') return boxArbitrary(workingBox(k, fc.constantFrom(1, 2, 3)));
  // across and beyond: small widths, steps over two decades (with eta fixed along n and d half of
  // the time), large initialisation (q = 2 with s0 up to 0.3), d below n^2, the other noise
  // variant, q up to 5.
  return boxArbitrary({
    q: fc.constantFrom(1, 2, 3, 4, 5), n0: [10, 30], nSpan: [2, 3.5], nMax: k.nMax,
    dPerN2: [0.1, 1], dSpan: k.dSpan, m: fc.oneof(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 6, max: 20 })),
    kappa: () => [0.02, 2], s0: (q) => (q === 2 ? [1e-6, 0.3] : [0.02, 0.6]),
    noise: (q) => fc.oneof({ arbitrary: fc.constant(q === 1 ? ('isotropic' as const) : ('projected' as const)), weight: 3 }, { arbitrary: fc.constant(q === 1 ? ('projected' as const) : ('isotropic' as const)), weight: 1 }),
    etaScaling: fc.constantFrom('kappa' as const, 'fixed' as const), sigmaP: logUniform(0.1, 2, COARSE_GRID), nTest: k.nTest,
  });
}

// ---------------------------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------------------------

export interface Cell {
  n: number;
  d: number;
  seed: number;
  snr: number;
  A: number;
  /** GD's test error when it has fit the data (first measurement with the fitQuantile-quantile of the per-sample losses <= epsFit) */
  testError: number;
  /** mean training loss, its fitQuantile-quantile over samples, and the 0-1 training error at that measurement */
  trainLoss: number;
  fitLoss: number;
  trainError: number;
  /** the step of that measurement */
  step: number;
  maxGamma: number;
  maxRho: number;
}

/** The boundary found at one (n, d) for one seed. */
export interface BoundaryPoint {
  n: number;
  d: number;
  /** training samples with y = +1 (within balanceTol n of n/2) */
  nPlus: number;
  seed: number;
  eta: number;
  kappa: number;
  /** the SNR at which the test error crosses the threshold (null: not bracketed) */
  snrStar: number | null;
  /** the law's invariant there: n SNR*^q, or n SNR*^4 d for q = 1 */
  invariant: number | null;
  failure: BoundarySearch['failure'];
  bracket: BoundarySearch['bracket'];
  probes: number;
}

/** A search that must stop: the evaluation it ends with. */
class Stop extends Error {
  constructor(readonly evaluation: Evaluation) {
    super(evaluation.note ?? evaluation.verdict);
  }
}

async function evaluate(regime: Regime, ctx: EvalContext): Promise<Evaluation> {
  const k = ctx.constants;
  const hypotheses = hypothesesOf(regime, k);
  const base = regimeConfig(regime);
  const pre = preflight(ctx, { hypotheses, literal: () => paperALiteral([base], ctx, hypotheses, 'C.boundary q = 2 (paper A)') });
  if (pre.early) return pre.early;

  const q = base.q;
  const ns = boundaryNs(regime, k.nCount);
  const ds = boundaryDs(regime, k.dCount);
  const pred = predictedBoundaryExponent(q);
  const predD = predictedDExponent(q);

  const cells: Cell[] = [];
  const configs: Partial<TrainConfig>[] = [];
  const perN: BoundaryPoint[] = [];
  let stepsTrained = 0;
  const { seeds, rejected } = balancedSeeds(base, ns, k.seeds, k.balanceTol);
  try {
    for (const d of ds) {
      const sqrtD = Math.sqrt(d);
      for (const seed of seeds) {
        // one data set and initialisation per (seed, d), shared along n (common random numbers: the
        // smaller n use the first samples of the largest) and along the SNR (same noise patches)
        const data: Dataset = makeDataset(resolveConfig(pointConfig(regime, base, ns[ns.length - 1], d), { A: DEFAULT_CONFIG.A, seed }));
        let prev: { n: number; snr: number } | null = null;
        for (const n of ns) {
          const cfgN = resolveConfig(pointConfig(regime, base, n, d), { seed });
          const kappa = kappaOf(cfgN);
          const dataN = prefixDataset(data, n);
          const nPlus = classCount(dataN, n);
          let startSteps = Math.ceil(k.fitSteps / kappa);
          const bracketConfigs = new Map<number, TrainConfig>();
          const errAt = async (snr: number): Promise<number> => {
            const A = snr * base.sigmaP * sqrtD;
            const c = resolveConfig(cfgN, { A });
            const run = await trainUntil(c, withSignal(dataN, A), ctx.engine,
              (r) => r.trajectory.find((m) => quantileLoss(m, k.fitQuantile) <= k.epsFit)?.step ?? null,
              { startSteps, capSteps: Math.min(ctx.settings.maxSteps, k.probeStepsMax, Math.max(1, k.sweepSteps - stepsTrained)), evalEvery: (st) => Math.ceil(st / k.evalPoints), grow: 2, perSample: true });
            stepsTrained += run.stepsTrained;
            if (run.diverged) {
              const trained: Trained[] = [{ seed, runs: { [`gd@n=${n},d=${d},snr=${snr.toPrecision(4)}`]: run.run } }];
              const dv = divergedVerdict(trained, hypotheses, [run.run.config]);
              if (dv) throw new Stop({ ...dv, measurements: { ...dv.measurements, cells } });
            }
            if (run.time === null) {
              const steps = run.run.config.steps;
              throw new Stop({
                verdict: 'budget', margin: null, hypotheses, configs: [...configs, run.run.config],
                measurements: { stepsNeeded: null, maxSteps: ctx.settings.maxSteps, stepsRun: steps, point: { n, d, snr, seed }, perN, cells, stepsTrained },
                note: `GD did not fit the data (${k.fitQuantile}-quantile of the training losses <= ${k.epsFit}) within ${steps} steps at n = ${n}, d = ${d}, SNR = ${snr.toPrecision(3)} ` +
                  (steps >= ctx.settings.maxSteps ? '(the step budget)' : steps >= k.probeStepsMax ? `(our probe cap probeStepsMax = ${k.probeStepsMax})` : `(our sweep cap sweepSteps = ${k.sweepSteps})`) +
                  `: it needs more than ${steps} steps`,
              });
            }
            startSteps = Math.max(startSteps, Math.ceil(1.5 * run.time));
            const m = run.run.trajectory.find((t) => t.step === run.time) as Measurement;
            cells.push({ n, d, snr, A, seed, testError: m.testError, trainLoss: m.trainLoss, fitLoss: quantileLoss(m, k.fitQuantile), trainError: m.trainError, step: m.step, maxGamma: m.maxGamma, maxRho: m.maxRho });
            bracketConfigs.set(snr, run.run.config);
            return m.testError;
          };
          // the search starts at the law's prediction: from the previous boundary moved by the law, or (first n) our rough constant
          const start = prev ? prev.snr * (n / prev.n) ** pred : startSnr(q, n, d, k);
          const search = await locateCrossing(errAt, start, k.threshold, { ratio: k.ratio, maxExpand: k.maxExpand, bisections: k.bisections });
          if (search.bracket) for (const p of search.bracket) configs.push(bracketConfigs.get(p.x) as TrainConfig);
          perN.push({
            n, d, nPlus, seed, eta: cfgN.eta, kappa, snrStar: search.x, invariant: search.x === null ? null : boundaryInvariant(q, n, search.x, d),
            failure: search.failure, bracket: search.bracket, probes: search.probes.length,
          });
          if (search.x === null) {
            const xs = search.probes.map((p) => p.x);
            return {
              verdict: 'not-reached', margin: null, hypotheses, configs,
              measurements: { q, predictedExponent: pred, predictedDExponent: predD, perN, cells, stepsTrained, searchFactor: k.ratio ** k.maxExpand },
              note: `no boundary at n = ${n}, d = ${d} (seed ${seed}) within ${(k.ratio ** k.maxExpand).toFixed(1)}x of the law's prediction ${start.toPrecision(3)}: the test error ` +
                `${search.failure === 'stays-above' ? 'stayed above' : 'stayed at or below'} ${k.threshold} over SNR ${Math.min(...xs).toPrecision(3)}..${Math.max(...xs).toPrecision(3)}`,
            };
          }
          prev = { n, snr: search.x };
        }
      }
    }
  } catch (e) {
    if (e instanceof Stop) return e.evaluation;
    throw e;
  }

  const blocks: SeedBlock[] = seeds.map((seed) => {
    const pts = perN.filter((p) => p.seed === seed);
    return { seed, x: pts.map((p) => (ds.length > 1 ? [p.n, p.d] : [p.n])), y: pts.map((p) => p.snrStar as number) };
  });
  const exponents = [{ name: 'n', predicted: pred, halfWidth: equivalenceHalfWidth(pred, k.bandRel, k.bandAbsD) }];
  if (ds.length > 1) exponents.push({ name: 'd', predicted: predD, halfWidth: equivalenceHalfWidth(predD, k.bandRel, k.bandAbsD) });
  const ev = exponentVerdict(blocks, exponents, { alpha: ctx.settings.alpha, seed: Number(regime.seed) || 1, resamples: k.bootstrapResamples });
  if (!ev) {
    return { verdict: 'inconclusive', margin: null, hypotheses, configs, measurements: { q, perN, cells, stepsTrained }, note: 'too few boundary points for the fit' };
  }
  return {
    verdict: ev.verdict,
    margin: ev.margin,
    hypotheses,
    configs,
    measurements: {
      q, law: q === 1 ? 'n ||mu||^4 / (sigma_p^4 d) = const (Kou et al.)' : q === 2 ? 'n SNR^2 = const (paper A)' : `n SNR^${q} = const (Cao et al.)`,
      predictedExponent: pred, predictedDExponent: predD, etaScaling: regime.etaScaling === 'fixed' ? 'fixed' : 'kappa',
      exponents: ev, ns, ds, seeds, rejectedSeeds: rejected.length, perN, cells, stepsTrained,
    },
    note: `SNR* ~ n^b_n d^b_d: ${exponentNote(ev)} (q = ${q}, n ${ns[0]}..${ns[ns.length - 1]}, d ${ds[0]}..${ds[ds.length - 1]})`,
  };
}

/** Where the search for SNR* begins at the first n: the law with our rough constant. */
function startSnr(q: number, n: number, d: number, k: Constants): number {
  return q === 1 ? (k.startKou / (n * d)) ** 0.25 : (k.startQ / n) ** (1 / q);
}

export const claim: Claim = {
  id: CLAIM_ID,
  title: 'The benign/harmful overfitting boundary of GD: n SNR^q = const (q >= 2), n ||mu||^4/(sigma_p^4 d) = const (q = 1)',
  source: { paper: 'C', result: 'Cao et al. 2022, main theorems (benign / harmful overfitting, q > 2); Kou et al. 2023 (ICML), main theorems (ReLU, q = 1); paper A (q = 2)', reference: REFERENCE },
  statement:
    'For GD without label noise on the signal-noise model, overfitting is benign above and harmful below a boundary in the (n, d, SNR) space: ' +
    'n SNR^q = const for ReLU^q with q > 2 (Cao et al.) and q = 2 (paper A), n ||mu||^4 / (sigma_p^4 d) = const for ReLU (Kou et al.).',
  predicate:
    'At nCount values of n and dCount values of d (kappa and s0 fixed), for `seeds` replicate seeds, locate the SNR at which GD\'s test error (when it has fit the data) ' +
    'crosses threshold; fit log SNR* = a_seed + b_n log n + b_d log d; bootstrap over seeds (intervals at 1 - alpha/2 each). Holds when both intervals lie inside ' +
    'their pre-registered bands (b_n: -1/q +- bandRel/q, -1/4 +- bandRel/4 for q = 1; b_d: 0 +- bandAbsD for q >= 2, -1/4 +- bandRel/4 for q = 1), ' +
    'breaks when either lies entirely outside, else inconclusive; not-reached when no crossing is found within ratio^maxExpand of the law\'s prediction.',
  kind: 'scaling',
  tiers: ['literal', 'working', 'robustness'],
  paperNote:
    'No paper tier: Cao et al. and Kou et al. show their boundaries on synthetic settings we did not recover; paper A\'s heatmap (paper-a-heatmap, d = 2000, n 100..700) ' +
    'is a phase diagram with label noise at 1000 steps, and a boundary sweep with replicate seeds there costs far more than a verify budget (see docs/claims/C.boundary.md).',
  constants,
  hypotheses: (regime, ctx) => hypothesesOf(regime, ctx.constants),
  regimes: (tier, ctx) => regimesOf(tier, ctx.constants),
  evaluate,
};

/** Pre-registration: every calibrated constant re-derived on the calibration stream (src/claims/calibration.ts). */
withCalibration(claim, {
  scans: [
    { name: 'threshold', grid: [0.05, 0.1, 0.15], prefer: 'best', why: 'the test-error level whose crossing defines the boundary' },
    { name: 'fitQuantile', grid: [0.8, 0.9, 1], prefer: 'best', why: 'which quantile of the per-sample losses defines the fit' },
    { name: 'balanceTol', grid: [0.05, 0.1, 0.2], prefer: 'largest', why: 'replicate seeds with |n_+ - n/2| <= balanceTol n: the loosest pre-registered balance the calibration units meet (not a clause of the hypotheses, so not the region rule)' },
  ],
  region: { shared: 1, perBound: 0.5 },
  scanRegimes: 0.5,
});
