import { PAPER_N_TEST_SPEC } from './constants';
import { withCalibration } from '../../src/claims/calibration';
import { chainUnit, divergedVerdict, unitsEvaluation } from '../../src/claims/kit/replicates';
import { replicateSeeds, trainVariants } from '../../src/claims/kit/training';
import { PAPER_A_PRESETS, paperASettings } from './presets';
import { derived, labelNoiseAlgo, PAPER_A_REFERENCE, stepsFor, timeT1 } from './quantities';
import { regionConstants, regionHypothesesAndRegimes, regionPreflight, WORKING_REGION } from './region';
import { chosenConst } from '../../src/claims/kit/specs';
import type { Claim, ClaimContext, Constants, Evaluation, Unit } from '../../src/claims/types';
import { claim as stage1, stage1Outcome } from './stage1';
import { claim as noiseBounded, noiseBoundedOutcome, noiseBoundedSteps } from './noise-bounded';
import { claim as lngdGeneralizes, lngdOutcome, lngdTime } from './lngd-generalizes';

/**
 * A.chain: paper A's chain Lemma 4.4 -> Lemma 4.5 -> Theorem 3.3 (NeurIPS'25; Theorem 3.2 in the
 * ICLR version) checked on ONE label-noise GD trajectory per seed, each link at its own time:
 *  - A.stage1 (Lemma 4.4, label-noise GD part): at T1 every sample has max_r rhobar >= rhoLn and
 *    max gamma is still at its initial scale (A.stage1's constants and predicate, stage1Outcome);
 *  - A.noise-bounded (Lemma 4.5): from T1 until max gamma passes gammaPass every iota_i stays in its
 *    band (A.noise-bounded's constants and predicate, noiseBoundedOutcome);
 *  - A.lngd-generalizes (Theorem 3.3): at T_LN the clean training loss stays >= lossMin and the test
 *    error is <= the bound (A.lngd-generalizes' constants and predicate, lngdOutcome).
 * The link predicates are the single claims' own functions (no copy); each link reads its claim's
 * constants from the profile. Unit = one seed: chainUnit (holds iff every link holds; breaks when a
 * link breaks or is not reached, naming it).
 *
 * Working tier: A.lngd-generalizes' working region (the chain's region constants are a copy of it:
 * the final link's region; the earlier links' own regions are disjoint from it, which is the point).
 * Paper tier: paper-a-main at its own 2000 steps (the last link is checked at the end of the run).
 */

const LINKS = ['A.stage1', 'A.noise-bounded', 'A.lngd-generalizes'] as const;

const constants = {
  ...regionConstants(WORKING_REGION),
  evalPoints: chosenConst({ default: 60, min: 1, integer: true, help: 'measurements per run (at most T1 apart, so T1 and the iota window are resolved)' }, 'chosen: resolution vs cost'),
  paperNTest: PAPER_N_TEST_SPEC,
  runStepCap: chosenConst({ default: 8000, min: 1, integer: true, help: 'steps one run may take (with the profile maxSteps): a longer run (kReach T_LN of A.noise-bounded) is a budget verdict' }, 'chosen: cost'),
};

function linkConstants(ctx: Pick<ClaimContext, 'all'>, c: Claim): Constants {
  const declared = Object.fromEntries(Object.entries(c.constants).map(([k, s]) => [k, s.default]));
  return { ...declared, ...(ctx.all?.[c.id] ?? {}) };
}

export const claim: Claim = {
  id: 'A.chain',
  title: "Paper A's chain on one trajectory: stage 1 -> bounded noise memorization -> generalization",
  source: { paper: 'A', result: "Lemma 4.4 -> Lemma 4.5 -> Theorem 3.3 (NeurIPS'25; Theorem 3.2 in ICLR'25)", reference: PAPER_A_REFERENCE },
  statement:
    'On the same label-noise GD run: every sample is memorized at T1 with the signal still small, then each iota_i stays in a band ' +
    'while the signal grows, and at T_LN the training loss is of constant order while the test error is small.',
  predicate:
    'Per seed (one unit), one label-noise GD run: A.stage1 (LNGD part) at T1, A.noise-bounded in [T1, gamma passes gammaPass], ' +
    'A.lngd-generalizes at T_LN, each with its own claim\'s constants; the unit holds iff every link holds.',
  kind: 'regime',
  links: LINKS,
  tiers: ['literal', 'paper', 'working', 'robustness'],
  constants,
  paperNote: "Figure 1's setting (paper-a-main) at its own 2000 steps.",
  paperSettings() {
    return paperASettings([PAPER_A_PRESETS.main]);
  },

  ...regionHypothesesAndRegimes,

  async evaluate(regime, ctx): Promise<Evaluation> {
    const kS = linkConstants(ctx, stage1), kN = linkConstants(ctx, noiseBounded), kL = linkConstants(ctx, lngdGeneralizes);
    const pre = regionPreflight(regime, ctx, (base, _k, paper) => {
      const t1 = stepsFor(kS.kT1 * timeT1(base), kS.minSteps);
      const tLN = paper ? base.steps : lngdTime(base, kL);
      const steps = paper ? base.steps : Math.max(Math.ceil(kS.kReach * t1), noiseBoundedSteps(base, kN, false), tLN);
      return { t1, tLN, steps };
    }, 'A.chain');
    if (pre.early) return pre.early;
    const { k, hypotheses, base, plan: { t1, tLN, steps } } = pre;

    const e0 = Math.max(1, Math.ceil(steps / k.evalPoints));
    const evalEvery = t1 <= e0 ? t1 : Math.max(1, Math.floor(t1 / Math.ceil(t1 / e0)));
    const cfg = { ...base, algo: labelNoiseAlgo(base), steps, evalEvery, ...(ctx.tier === 'paper' ? { nTest: Math.min(base.nTest, k.paperNTest) } : {}) };
    const trained = await trainVariants(cfg, { lngd: {} }, replicateSeeds(regime, ctx.settings.replicates), ctx, true);
    const configs = trained.map((t) => t.runs.lngd.config);
    const diverged = divergedVerdict(trained, hypotheses, configs);
    if (diverged) return diverged;

    const per = trained.map(({ seed, runs }) => {
      const traj = runs.lngd.trajectory;
      const outcomes = {
        'A.stage1': stage1Outcome(traj, base, kS, 'lngd'),
        'A.noise-bounded': noiseBoundedOutcome(traj, base, kN),
        'A.lngd-generalizes': lngdOutcome(traj, base, kL, tLN),
      };
      const links = Object.fromEntries(Object.entries(outcomes).map(([id, o]) => [id, { verdict: o.verdict, margin: o.margin, note: o.note }]));
      return { unit: chainUnit(seed, links, LINKS) as Unit, data: Object.fromEntries(Object.entries(outcomes).map(([id, o]) => [id, { verdict: o.verdict, ...o.data }])) };
    });

    const linkCounts = Object.fromEntries(LINKS.map((id) => {
      const counts: Record<string, number> = {};
      for (const p of per) { const v = p.unit.links![id].verdict; counts[v] = (counts[v] ?? 0) + 1; }
      return [id, counts];
    }));
    return unitsEvaluation(per.map((p) => p.unit), {
      hypotheses, configs,
      measurements: {
        T1: t1, TLN: tLN, steps, evalEvery, derived: derived(base), links: linkCounts,
        ...(typeof regime.preset === 'string' ? { preset: regime.preset } : {}),
        perSeed: per.map((p) => ({ seed: p.unit.seed, verdict: p.unit.verdict, ...p.data })),
      },
      what: 'every link (A.stage1 at T1, A.noise-bounded in its window, A.lngd-generalizes at T_LN) holds on the same run',
    });
  },
};

/** Pre-registration: every calibrated constant re-derived on the calibration stream (src/claims/calibration.ts). */
withCalibration(claim, {});
