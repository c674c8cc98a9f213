import { CT1_SCAN, withCalibration } from '../../src/claims/calibration';
import fc from 'fast-check';
import { inRegionArbitrary, robustnessArbitrary } from './generators';
import { bDerived, CT1_SPEC, PAPER_B_NOTE, PAPER_B_REFERENCE } from './quantities';
import { bHypotheses, BRegion, constantsOf, regionOf } from './region';
import { SeedOutcome, toUnit, trainToHorizon } from './replicates';
import { chainUnit, unitsEvaluation } from '../../src/claims/kit/replicates';
import type { Claim, ClaimContext, Clause, Evaluation, HypothesisReport, Regime, Unit } from '../../src/claims/types';
import { claim as stage1, stage1Link } from './stage1';
import { claim as stage2, stage2Link } from './stage2';
import { claim as earlyStop, earlyStopLink } from './early-stop';
import { log2Link } from './log2';

/**
 * B.chain: paper B's chain on the SAME runs (spec/claims.md, joint claims): Theorem 4.1 at T1
 * (B.stage1), Theorem 4.2 at convergence (B.stage2), Proposition 4.3(a) (B.early-stop: bound at
 * T1, paired comparison T1 vs convergence) and Proposition 4.3(b) (B.log2, derived from B.stage1).
 *
 * Each seed is trained ONCE (GD, fixed flips, per sample, measured every T1 up to the longest
 * convergence horizon of the links), and each link's predicate — the very function its single
 * claim uses (stage1Link, stage2Link, earlyStopLink, log2Link) — is evaluated on that run at its
 * own time point, with the link claim's own constants (profile values of B.stage2, B.early-stop;
 * T1 is the chain's cT1 for every link, so all links see the same T1). The seed's chain unit is
 * kit/replicates chainUnit: holds iff every link holds; breaks when a link breaks or is not reached.
 *
 * Working region (whose: the UNION of B.stage1's and B.stage2's working regions, half of the draws
 * each, read from those claims' constants, with a cost box on top). Why both: at our sizes the two
 * theorems hold in disjoint regions (B.stage1 needs n SNR^2 >= 8 and d >= 16 n, H >= 1000: benign
 * memorization, test error ~0 at convergence, so B.stage2's test-error bound breaks; B.stage2 needs
 * H <= 6, where noisy samples are fitted to their wrong label before T1, so B.stage1 breaks). A
 * chain drawn in only one of them would hide which link breaks in the other. The expected result,
 * reported as the finding and not tuned away: the chain breaks in both halves, at B.stage2 (or
 * B.early-stop) in B.stage1's region and at B.stage1 in B.stage2's.
 *
 * Tiers: working and robustness (robustness: across and beyond B.stage1's region, as B.stage1's).
 * No paper or literal tier (PAPER_B_NOTE).
 */

export const LINKS = ['B.stage1', 'B.stage2', 'B.early-stop', 'B.log2'] as const;

const constants = {
  cT1: CT1_SPEC,
  nMax: {
    default: 80, min: 1, integer: true, region: true, provenance: 'chosen' as const,
    help: 'cost box on top of the linked regions: most training samples drawn (the chain converge-trains every seed)',
    source: 'cost: one evaluation of 12 seeds trained to convergence must stay affordable',
  },
  unitMax: {
    default: 50, min: 1, region: true, provenance: 'chosen' as const,
    help: 'cost box on top of the linked regions: largest time unit n m/(eta sigma_p^2 d) drawn, in steps',
    source: 'cost: bounds the steps of a converge-trained run (kReach x convUnits time units)',
  },
  mMax: {
    default: 10, min: 1, integer: true, region: true, provenance: 'chosen' as const,
    help: 'cost box on top of the linked regions: widest network drawn', source: 'cost: bounds one evaluation',
  },
};

/** The two halves of the chain's working region: B.stage1's and B.stage2's regions within the cost box. */
export function chainRegions(ctx: Pick<ClaimContext, 'constants' | 'all'>): { stage1: BRegion; stage2: BRegion } {
  const k = ctx.constants;
  const box = (r: BRegion): BRegion => {
    const nMax = Math.max(r.nMin, Math.min(r.nMax, k.nMax));
    return { ...r, nMax, mMax: Math.max(1, Math.min(r.mMax, k.mMax)), unitMax: Math.min(r.unitMax, k.unitMax) };
  };
  return { stage1: box(regionOf(constantsOf(stage1, ctx))), stage2: box(regionOf(constantsOf(stage2, ctx))) };
}

/** The longest convergence horizon of the links (time units). */
function horizonUnits(ctx: Pick<ClaimContext, 'all'>): number {
  const k2 = constantsOf(stage2, ctx), ke = constantsOf(earlyStop, ctx);
  return Math.max(k2.kReach * k2.convUnits, ke.kReach * ke.convUnits);
}

function chainHypotheses(regime: Regime, ctx: Pick<ClaimContext, 'constants' | 'all'>): HypothesisReport {
  const { stage1: r1, stage2: r2 } = chainRegions(ctx);
  const h1 = bHypotheses(regime, r1), h2 = bHypotheses(regime, r2);
  const holds = h1.holds || h2.holds;
  const which: Clause = {
    id: 'B.chain(region)', text: 'inside B.stage1\'s or B.stage2\'s working region (our regions, not paper B\'s hypotheses)', holds,
  };
  const pre = (p: string, cs: Clause[]) => cs.map((c) => ({ ...c, id: `${p}:${c.id}` }));
  const clauses = h1.holds ? pre('B.stage1', h1.clauses) : h2.holds ? pre('B.stage2', h2.clauses)
    : [...pre('B.stage1', h1.clauses.filter((c) => !c.holds)), ...pre('B.stage2', h2.clauses.filter((c) => !c.holds))];
  return { holds, clauses: [which, ...clauses] };
}

export const claim: Claim = {
  id: 'B.chain',
  title: 'Paper B\'s chain on the same runs: Theorem 4.1 at T1, Theorem 4.2 at convergence, Proposition 4.3 (a) and (b)',
  source: { paper: 'B', result: 'Theorem 4.1 -> Theorem 4.2 -> Proposition 4.3', reference: PAPER_B_REFERENCE },
  statement:
    'On one training run (GD, fixed label flips): at T1 the signal dominates and every sample is classified by its true label ' +
    '(4.1) and the log-2 rule separates clean from noisy samples (4.3b); trained to convergence the noisy samples are memorized ' +
    'and the test error is >= 0.5 min tau (4.2), above the early-stopped error at T1, which is <= exp(-d/(n C\')) (4.3a).',
  predicate:
    'Per seed, one run: B.stage1\'s, B.stage2\'s, B.early-stop\'s and B.log2\'s predicates (the same functions, the link claims\' ' +
    'constants, the chain\'s T1) each at its own time point; the seed holds iff every link holds, breaks when one breaks or is not reached.',
  kind: 'regime',
  tiers: ['working', 'robustness'],
  links: LINKS,
  paperNote: PAPER_B_NOTE,
  constants,

  hypotheses(regime, ctx) {
    return chainHypotheses(regime, ctx);
  },

  regimes(tier, ctx) {
    const { stage1: r1, stage2: r2 } = chainRegions(ctx);
    if (tier === 'robustness') {
      return robustnessArbitrary(r1, { horizonUnits: horizonUnits(ctx), cT1: ctx.constants.cT1, maxSteps: ctx.settings.maxSteps });
    }
    return fc.oneof(inRegionArbitrary(r1), inRegionArbitrary(r2));
  },

  async evaluate(regime, ctx): Promise<Evaluation> {
    const hypotheses = chainHypotheses(regime, ctx);
    const t = await trainToHorizon(regime, ctx, { horizonUnits: horizonUnits(ctx), perSample: true, cT1: ctx.constants.cT1, hypotheses });
    if (t.early) return t.early;
    const { base, T1, steps, runs, configs, horizon } = t;
    const k2 = constantsOf(stage2, ctx), ke = constantsOf(earlyStop, ctx);
    const { stage1: r1, stage2: r2 } = chainRegions(ctx);
    const region = bHypotheses(regime, r1).holds ? 'B.stage1' : bHypotheses(regime, r2).holds ? 'B.stage2' : 'outside both';

    const perLink: Record<string, SeedOutcome[]> = { 'B.stage1': [], 'B.stage2': [], 'B.early-stop': [], 'B.log2': [] };
    const units: Unit[] = runs.map((run) => {
      const outs: Record<string, SeedOutcome> = {
        'B.stage1': stage1Link(run, T1),
        'B.stage2': stage2Link(run, horizon, k2, base, ctx.settings.alpha),
        'B.early-stop': earlyStopLink(run, horizon, ke, base, ctx.settings.alpha),
        'B.log2': log2Link(run, T1),
      };
      for (const id of LINKS) perLink[id].push(outs[id]);
      const links = Object.fromEntries(LINKS.map((id) => {
        const u = toUnit(outs[id]);
        return [id, { verdict: u.verdict, margin: u.margin, ...(u.note ? { note: u.note } : {}) }];
      }));
      return chainUnit(run.seed, links, LINKS);
    });
    const linkCounts = Object.fromEntries(LINKS.map((id) => {
      const counts: Record<string, number> = {};
      for (const o of perLink[id]) counts[o.verdict] = (counts[o.verdict] ?? 0) + 1;
      return [id, counts];
    }));
    const e = unitsEvaluation(units, {
      hypotheses, configs,
      measurements: { T1, steps, stepsNeeded: horizon.stepsNeeded, region, derived: bDerived(base), linkCounts, links: perLink },
      what: `every link holds on the same run (region: ${region})`,
    });
    const summary = LINKS.map((id) => `${id} ${Object.entries(linkCounts[id]).map(([v, n]) => `${n} ${v}`).join('/')}`).join('; ');
    return { ...e, note: `${e.note}; links: ${summary}` };
  },
};

/** Pre-registration: every calibrated constant re-derived on the calibration stream (src/claims/calibration.ts). */
withCalibration(claim, { scans: [CT1_SCAN] });
