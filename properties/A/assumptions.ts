import fc from 'fast-check';
import type { Knobs } from './quantities';
import { atLeast, atMost, report } from '../../src/claims/kit/clauses';
import { COARSE_GRID, logUniform, sig4, uniform, uniformInt } from '../../src/claims/kit/draws';
import type { ClaimContext, Clause, EvalContext, Evaluation, HypothesisReport, Regime } from '../../src/claims/types';
import { DEFAULT_CONFIG, type TrainConfig } from '../../src/training/config';

/**
 * Paper A's Assumption 3.1, literal (claim A.asm; every other A claim reports its feasibility in the
 * literal tier): the clauses with explicit C, delta, cFlip, the sigma_0 window, the smallest size at
 * which the assumption can be met, and regimes constructed inside it.
 */

export interface AsmConstants {
  /** the constant C of the assumption */
  C: number;
  /** failure probability delta */
  delta: number;
  /** constant of the NeurIPS'25 lower bound on the flip rate, p >= cFlip log(d) / sqrt(m n) (0 drops it) */
  cFlip: number;
}

/** The two sides of clause (iv), the sigma_0 window. */
export function sigma0Window(c: Knobs, k: AsmConstants): { lo: number; hi: number } {
  const L = k.C * Math.log(c.d / k.delta);
  return {
    lo: (L * c.n) / (c.sigmaP * c.d ** 0.75),
    hi: Math.min(1 / (c.A * c.d ** 0.625), 1 / (c.sigmaP * Math.sqrt(c.d))) / L,
  };
}

/**
 * Assumption 3.1 of paper A, clause by clause, with explicit C and delta (logs are natural):
 * (i) d >= C log(n/delta) max(n^2, n ||mu||^2 / sigma_p^2); (ii) m, n >= C log(d/delta);
 * (iii) eta <= 1 / (C log(d/delta) sigma_p^2 d); (iv) C log(d/delta) n sigma_p^-1 d^-3/4 <= sigma_0
 * <= min(||mu||^-1 d^-5/8, sigma_p^-1 d^-1/2) / (C log(d/delta)); (v) 0 < p < 1/C, and the
 * NeurIPS'25 lower bound p >= cFlip log(d) / sqrt(m n).
 */
export function asmClauses(regime: Regime, k: AsmConstants): Clause[] {
  const c = asmKnobs(regime);
  const { n, d, m, A, sigmaP, sigma0, eta, p } = c;
  const Ld = k.C * Math.log(d / k.delta);
  const Ln = k.C * Math.log(n / k.delta);
  const w = sigma0Window(c, k);
  return [
    atLeast('A.asm(i)', 'd >= C log(n/delta) max(n^2, n ||mu||^2/sigma_p^2)  (low SNR, d >> n^2)', d, Ln * Math.max(n * n, (n * A * A) / (sigmaP * sigmaP))),
    atLeast('A.asm(ii.m)', 'm >= C log(d/delta)', m, Ld),
    atLeast('A.asm(ii.n)', 'n >= C log(d/delta)', n, Ld),
    atMost('A.asm(iii)', 'eta <= 1 / (C log(d/delta) sigma_p^2 d)', eta, 1 / (Ld * sigmaP * sigmaP * d)),
    atLeast('A.asm(iv.lo)', 'sigma_0 >= C log(d/delta) n sigma_p^-1 d^-3/4', sigma0, w.lo),
    atMost('A.asm(iv.hi)', 'sigma_0 <= min(||mu||^-1 d^-5/8, sigma_p^-1 d^-1/2) / (C log(d/delta))', sigma0, w.hi),
    { id: 'A.asm(v.pos)', text: 'p > 0 (label noise is on)', holds: p > 0, lhs: p, rhs: 0 },
    { id: 'A.asm(v)', text: 'p < 1/C', holds: p < 1 / k.C, lhs: p, rhs: 1 / k.C },
    atLeast('A.asm(v.nips)', 'p >= cFlip log(d) / sqrt(m n)  (NeurIPS\'25 lower bound)', p, (k.cFlip * Math.log(d)) / Math.sqrt(m * n)),
  ];
}

/**
 * The knobs Assumption 3.1 reads, without the trainer's range checks (a literal regime has d ~ 1e20,
 * beyond what `train` accepts: it is audited, never trained). Missing keys take the training defaults.
 */
export function asmKnobs(regime: Regime): Knobs {
  const num = (key: keyof Knobs) => (typeof regime[key] === 'number' ? (regime[key] as number) : (DEFAULT_CONFIG[key] as number));
  return { n: num('n'), d: num('d'), m: num('m'), A: num('A'), sigmaP: num('sigmaP'), sigma0: num('sigma0'), eta: num('eta'), p: num('p') };
}

/**
 * The smallest d at which the sigma_0 window (iv) is non-empty, for given n, ||mu||, sigma_p
 * (found by bisection in log d; Infinity beyond 1e300). With C = 1 this is astronomically large.
 */
export function minDimensionForSigma0Window(n: number, A: number, sigmaP: number, k: AsmConstants): number {
  const feasible = (d: number) => {
    const w = sigma0Window({ n, d, m: 1, A, sigmaP, sigma0: 1, eta: 1, p: 0.1 }, k);
    return w.lo <= w.hi;
  };
  let lo = Math.log(2), hi = Math.log(1e300);
  if (!feasible(Math.exp(hi))) return Infinity;
  if (feasible(Math.exp(lo))) return 2;
  for (let it = 0; it < 200; it++) {
    const mid = (lo + hi) / 2;
    if (feasible(Math.exp(mid))) hi = mid;
    else lo = mid;
  }
  return Math.ceil(Math.exp(hi));
}

/**
 * Regimes inside the literal Assumption 3.1 for the given constants, constructed (not filtered):
 * n and d are found by a fixed-point iteration (n >= C log(d/delta), d >= (C log(d/delta))^4 ...),
 * then every other knob is drawn strictly inside its window. Nothing here is trained.
 */
export function literalAsmRegimes(k: AsmConstants): fc.Arbitrary<Regime> {
  const unit = () => uniform(0.05, 0.95, COARSE_GRID);
  return fc
    .record({ nf: uniform(1.1, 2, COARSE_GRID), df: logUniform(1.5, 10, COARSE_GRID), sigmaP: logUniform(0.25, 2, COARSE_GRID), mu: unit(), s: unit(), e: unit(), pf: unit(), mf: uniform(1.1, 2, COARSE_GRID), seed: uniformInt(1, 1_000_000) })
    .map(({ nf, df, sigmaP, mu, s, e, pf, mf, seed }) => {
      const L = (d: number) => k.C * Math.log(d / k.delta);
      let d = 1e6, n = 2;
      for (let it = 0; it < 200; it++) {
        n = Math.max(2, Math.ceil(nf * L(d)));
        const need = Math.max((L(d) ** 2 * n) ** 4, k.C * Math.log(n / k.delta) * n * n, 2);
        if (d >= need && n >= L(d)) break;
        d = Math.ceil(df * need);
      }
      // ||mu||: inside both (i) and the mu-part of (iv): ||mu|| <= sigma_p d^(1/8) / (L^2 n).
      const muMax = Math.min((sigmaP * d ** 0.125) / (L(d) ** 2 * n), sigmaP * Math.sqrt(d / (k.C * Math.log(n / k.delta) * n)));
      const A = muMax * mu;
      const pMax = Math.min(1 / k.C, 0.5);
      const p = sig4(pMax * pf);
      const mNeed = k.cFlip > 0 ? ((k.cFlip * Math.log(d)) / p) ** 2 / n : 0;
      const m = Math.max(1, Math.ceil(mf * Math.max(L(d), mNeed)));
      const w = sigma0Window({ n, d, m, A, sigmaP, sigma0: 1, eta: 1, p }, k);
      const sigma0 = w.lo * (w.hi / w.lo) ** s;
      const eta = (e * 1) / (L(d) * sigmaP * sigmaP * d);
      return { n, d, m, q: 2, A, sigmaP, sigma0, eta, p, noise: 'projected', seed } as Regime;
    });
}

/** A.asm's constants when a context does not carry them (its declared defaults). */
export const ASM_DEFAULTS = { C: 1, delta: 0.05, cFlip: 1, dAffordable: 1e5 };

export function asmConstantsOf(ctx?: Pick<ClaimContext, 'all'>): AsmConstants & { dAffordable: number } {
  const a = ctx?.all?.['A.asm'] ?? {};
  return {
    C: a.C ?? ASM_DEFAULTS.C, delta: a.delta ?? ASM_DEFAULTS.delta, cFlip: a.cFlip ?? ASM_DEFAULTS.cFlip,
    dAffordable: a.dAffordable ?? ASM_DEFAULTS.dAffordable,
  };
}

export interface LiteralFeasibility {
  /** every clause can be met at some finite size */
  feasible: boolean;
  /** ... at d <= dAffordable */
  affordable: boolean;
  dAffordable: number;
  /** the smallest size at which every clause is satisfiable (n = ceil(C log(d/delta)), d from the sigma_0 window) */
  n: number;
  d: number;
  m: number;
  p: number;
  /** C log(d/delta) at that d */
  L: number;
  /** a regime meeting every clause at that size (sigma_p = 1, ||mu|| and sigma_0 inside their windows) */
  regime: Regime;
  failed: string[];
}

/**
 * The smallest (n, d, m) at which every clause of Assumption 3.1 is satisfiable for the constants
 * C, delta, cFlip: n = ceil(C log(d/delta)) (ii), d >= max((C log(d/delta))^8 n^4, C log(n/delta) n^2)
 * (the sigma_0 window (iv) is non-empty only when (C log(d/delta))^2 n <= d^(1/4), with ||mu|| small;
 * and (i)), solved by a fixed-point iteration; m = ceil(max(C log(d/delta), (cFlip log d / p)^2 / n))
 * at p = 0.99 min(1/C, 1/2). Affordable: d <= dAffordable.
 */
export function literalFeasibility(k: AsmConstants & { dAffordable?: number }): LiteralFeasibility {
  const L = (d: number) => k.C * Math.log(d / k.delta);
  let d = 2, n = 2;
  for (let it = 0; it < 500; it++) {
    n = Math.max(2, Math.ceil(L(d)));
    const need = Math.max((L(d) ** 2 * n) ** 4, k.C * Math.log(n / k.delta) * n * n, 2);
    if (d >= need && n >= L(d)) break;
    d = Math.ceil(need);
    if (!Number.isFinite(d)) break;
  }
  const p = sig4(0.99 * Math.min(1 / k.C, 0.5));
  const m = Math.max(1, Math.ceil(Math.max(L(d), k.cFlip > 0 ? ((k.cFlip * Math.log(d)) / p) ** 2 / n : 0)));
  const sigmaP = 1;
  const muMax = Math.min((sigmaP * d ** 0.125) / (L(d) ** 2 * n), sigmaP * Math.sqrt(d / (k.C * Math.log(n / k.delta) * n)));
  const A = muMax / 2;
  const w = sigma0Window({ n, d, m, A, sigmaP, sigma0: 1, eta: 1, p }, k);
  const regime: Regime = { n, d, m, q: 2, A, sigmaP, sigma0: Math.sqrt(w.lo * w.hi), eta: 0.5 / (L(d) * sigmaP * sigmaP * d), p, noise: 'projected', seed: 1 };
  const failed = Number.isFinite(d) ? asmClauses(regime, k).filter((c) => !c.holds).map((c) => c.id) : ['A.asm(iv)'];
  const feasible = failed.length === 0;
  const dAffordable = k.dAffordable ?? ASM_DEFAULTS.dAffordable;
  return { feasible, affordable: feasible && d <= dAffordable, dAffordable, n, d, m, p, L: L(d), regime, failed };
}

/** The literal size in words: "n >= 50, d >= 2.41e+20, m >= 66 (C = 1, delta = 0.05)". */
export function literalSizeText(f: LiteralFeasibility, k: AsmConstants): string {
  return `n >= ${f.n}, d >= ${f.d.toPrecision(3)}, m >= ${f.m} at p = ${f.p} (C = ${k.C}, delta = ${k.delta}, cFlip = ${k.cFlip}); affordable means d <= ${f.dAffordable.toPrecision(3)}`;
}

/**
 * The literal-tier evaluation of an A claim other than A.asm: `infeasible` with the smallest
 * literal size. Never `holds`: no claim but A.asm is judged in the literal tier (if the constants
 * made the literal regime affordable, the claim says `inconclusive`: it is not trained there).
 */
export function literalEvaluation(ctx: Pick<ClaimContext, 'all'>, claimId: string): Evaluation {
  const k = asmConstantsOf(ctx);
  const f = literalFeasibility(k);
  const size = literalSizeText(f, k);
  const hypotheses = report(asmClauses(f.regime, k));
  return {
    verdict: f.affordable ? 'inconclusive' : 'infeasible',
    margin: null,
    measurements: { literal: { n: f.n, d: f.d, m: f.m, p: f.p, L: f.L, feasible: f.feasible, affordable: f.affordable, dAffordable: f.dAffordable } },
    hypotheses,
    configs: [],
    note: f.affordable
      ? `the literal Assumption 3.1 is affordable at ${size}, but ${claimId} is not trained in the literal tier`
      : `literal Assumption 3.1 unaffordable: smallest size ${size}`,
  };
}

/**
 * The literal tier (spec/claims.md): paper A's Assumption 3.1 with A.asm's explicit C, delta,
 * cFlip (profile constants of A.asm; defaults C = 1, delta = 0.05, cFlip = 1) cannot be met at an
 * affordable size: the sigma_0 window (iv) is empty below the dimension minDimensionForSigma0Window
 * (~1e20 at C = 1). `infeasible` with that smallest d at the worst sweep point; nothing is trained.
 */
export function paperALiteral(points: readonly TrainConfig[], ctx: Pick<EvalContext, 'all'>, hypotheses: HypothesisReport, what: string): Evaluation {
  const a = ctx.all['A.asm'] ?? {};
  const k: AsmConstants = { C: a.C ?? 1, delta: a.delta ?? 0.05, cFlip: a.cFlip ?? 1 };
  const per = points.map((c) => ({ n: c.n, d: c.d, A: c.A, sigmaP: c.sigmaP, dMin: minDimensionForSigma0Window(c.n, c.A, c.sigmaP, k) }));
  const worst = per.reduce((x, y) => (y.dMin > x.dMin ? y : x));
  const literal = report(points.flatMap((c) => asmClauses({ ...c } as unknown as Regime, k)));
  const feasible = worst.dMin <= worst.d;
  return {
    verdict: feasible ? 'inconclusive' : 'infeasible',
    margin: null,
    hypotheses: literal.clauses.length ? literal : hypotheses,
    measurements: { asmConstants: k, smallestD: Number.isFinite(worst.dMin) ? worst.dMin : null, points: per },
    note: feasible
      ? `${what}: the sigma_0 window of Assumption 3.1 is non-empty at d = ${worst.d}; a literal sweep is not implemented (left open)`
      : `${what}: Assumption 3.1 (C = ${k.C}, delta = ${k.delta}) cannot be met at an affordable size: the sigma_0 window (iv) is empty below ` +
        `d = ${Number.isFinite(worst.dMin) ? worst.dMin.toExponential(2) : 'infinity (beyond 1e300)'} at n = ${worst.n}, ||mu|| = ${worst.A.toPrecision(3)} (this sweep has d = ${worst.d})`,
  };
}
