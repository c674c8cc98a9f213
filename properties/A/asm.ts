import fc from 'fast-check';
import { report } from '../../src/claims/kit/clauses';
import { asmClauses, AsmConstants, asmKnobs, literalFeasibility, literalSizeText, minDimensionForSigma0Window, sigma0Window } from './assumptions';
import { inRegionArbitrary, robustnessArbitrary } from './generators';
import { derived, PAPER_A_REFERENCE } from './quantities';
import { WORKING_REGION } from './region';
import { clauseLogMargin } from '../../src/claims/kit/clauses';
import { chosenConst, paperConst } from '../../src/claims/kit/specs';
import type { Claim, ClaimContext, Evaluation, Regime } from '../../src/claims/types';
import { loadPreset, presetNames } from '../../src/training/presets';

/**
 * A.asm: Assumption 3.1 of paper A as a computable predicate, clause by clause (spec/claims.md).
 *
 * Paper A, Assumption 3.1 (as restated in claims.md): "(i) d >= C log(n/delta) max(n^2,
 * n ||mu||^2 / sigma_p^2); (ii) m >= C log(d/delta), n >= C log(d/delta); (iii)
 * eta <= sigma_p^-2 d^-1 / (C log(d/delta)); (iv) C log(d/delta) n sigma_p^-1 d^-3/4 <= sigma_0
 * <= min(||mu||^-1 d^-5/8, sigma_p^-1 d^-1/2) / (C log(d/delta)); (v) 0 < p < 1/C (NeurIPS adds a
 * lower bound of order log d / sqrt(m n))."
 *
 * Literal tier: the feasibility analysis of the assumption (deterministic, one unit, nothing
 * trained): the smallest (n, d, m) at which every clause is satisfiable with the profile's C,
 * delta, cFlip (assumptions.literalFeasibility). `infeasible` (with that size in the measurements and
 * the note) unless it is affordable, d <= dAffordable; `holds` only then (a regime meeting every
 * clause exists at an affordable size; the other A claims still say infeasible/inconclusive there).
 * Robustness tier: audits a regime (the papers' settings, our working region, excursions) against
 * the literal clauses: `holds` when every clause holds, `breaks` otherwise; the margin is the worst
 * clause's signed log-ratio of its two sides.
 *
 * Finding: with C = 1 the sigma_0 window (iv) is empty unless (C log(d/delta))^2 n <= d^(1/4),
 * i.e. unless d is astronomically large (d >= 2.4e20 with n >= 50 at C = 1, delta = 0.05), and
 * every practical setting - the paper's own experiments included - fails (iv), and usually (i),
 * (ii.m), (iii).
 */

const constants = {
  C: paperConst({ default: 1, min: Number.MIN_VALUE, help: 'the constant C of Assumption 3.1 (the paper leaves it unnamed; 1 is the most lenient literal reading)' }, 'Assumption 3.1: "a sufficiently large constant C" (value unnamed; 1 is our lenient reading)'),
  delta: paperConst({ default: 0.05, min: Number.MIN_VALUE, max: 1, help: 'failure probability delta of Assumption 3.1' }, 'Assumption 3.1: delta (0.05 our value)'),
  cFlip: paperConst({ default: 1, min: 0, help: "constant of the NeurIPS'25 lower bound p >= cFlip log(d)/sqrt(m n) (0 drops it: the ICLR'25 assumption)" }, "Assumption 3.1 (v), NeurIPS'25: p >= Omega(log d / sqrt(m n)) (constant unnamed; 1 our value)"),
  dAffordable: chosenConst({ default: 1e5, min: 1, help: 'literal tier: a regime meeting every clause is affordable when its d <= dAffordable (one training run of that size within seconds)' }, 'chosen: cost of training at that dimension'),
};

function asmConstants(ctx: Pick<ClaimContext, 'constants'>): AsmConstants & { dAffordable: number } {
  return { C: ctx.constants.C, delta: ctx.constants.delta, cFlip: ctx.constants.cFlip, dAffordable: ctx.constants.dAffordable ?? 1e5 };
}

/** The papers' paper-A settings (fixtures/presets/paper-a-*.json) as regimes. */
function presetRegimes(): Regime[] {
  return presetNames()
    .filter((p) => p.startsWith('paper-a'))
    .map((p) => ({ ...loadPreset(p).config }) as unknown as Regime);
}

export const claim: Claim = {
  id: 'A.asm',
  title: 'Assumption 3.1 (paper A) as a computable predicate',
  source: { paper: 'A', result: "Assumption 3.1 (ICLR'25) / Assumption 3.1 (NeurIPS'25)", reference: PAPER_A_REFERENCE },
  statement:
    'The conditions under which paper A proves its theorems: high dimension relative to n^2 (low SNR), width and sample size ' +
    'logarithmic in d, a small step size, a small initialisation in a window, and a flip rate below 1/C.',
  predicate:
    'Every clause (i)-(v) holds with the profile constants C and delta; margin = the worst clause log(lhs/rhs) with its sign.',
  kind: 'regime',
  tiers: ['literal', 'robustness'],
  constants,

  hypotheses(regime, ctx) {
    return report(asmClauses(regime, asmConstants(ctx)));
  },

  regimes(tier, ctx) {
    // literal: the feasibility analysis does not depend on a drawn regime (one deterministic unit)
    if (tier !== 'robustness') return fc.constant(literalFeasibility(asmConstants(ctx)).regime);
    // Across and beyond: the papers' own settings, our practical working region, and the
    // general paper-A robustness draws.
    const presets = presetRegimes();
    return fc.oneof(
      ...(presets.length ? [fc.constantFrom(...presets)] : []),
      inRegionArbitrary(WORKING_REGION),
      robustnessArbitrary(WORKING_REGION),
    );
  },

  async evaluate(regime, ctx): Promise<Evaluation> {
    const k = asmConstants(ctx);
    if (ctx.tier === 'literal') {
      const f = literalFeasibility(k);
      const size = literalSizeText(f, k);
      return {
        verdict: f.affordable ? 'holds' : 'infeasible',
        margin: null,
        measurements: {
          smallest: { n: f.n, d: f.d, m: f.m, p: f.p, L: f.L }, feasible: f.feasible, affordable: f.affordable, dAffordable: f.dAffordable,
          clausesFailingAtSmallest: f.failed, regime: f.regime,
        },
        hypotheses: report(asmClauses(f.regime, k)),
        configs: [],
        note: f.affordable
          ? `every clause is met at an affordable size: ${size}`
          : f.feasible
            ? `infeasible at an affordable size: every clause is satisfiable only from ${size}`
            : `no finite size meets every clause (failing: ${f.failed.join(', ')})`,
      };
    }
    const clauses = asmClauses(regime, k);
    const hypotheses = report(clauses);
    const c = asmKnobs(regime);
    const margins = clauses.map(clauseLogMargin);
    const w = sigma0Window(c, k);
    const dNeeded = minDimensionForSigma0Window(c.n, c.A, c.sigmaP, k);
    const failed = clauses.filter((x) => !x.holds).map((x) => x.id);
    return {
      verdict: hypotheses.holds ? 'holds' : 'breaks',
      margin: Math.min(...margins),
      measurements: {
        clauses: Object.fromEntries(clauses.map((x, i) => [x.id, { holds: x.holds, lhs: x.lhs ?? null, rhs: x.rhs ?? null, logMargin: margins[i] }])),
        failed,
        derived: derived(c),
        sigma0Window: { lo: w.lo, hi: w.hi, feasible: w.lo <= w.hi },
        // the smallest d for which (iv) is feasible at this n, ||mu||, sigma_p (null: beyond 1e300)
        dForSigma0Window: Number.isFinite(dNeeded) ? dNeeded : null,
      },
      hypotheses,
      configs: [],
      note: hypotheses.holds ? 'every clause holds' : `fails ${failed.join(', ')}`,
    };
  },
};
