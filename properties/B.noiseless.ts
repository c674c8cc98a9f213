import {
  bDerived, combineReplicates, CT1_SPEC, DELTA_SPEC, lowerLimit, minOf, PAPER_B_REFERENCE, regionConstants, regionHypothesesAndRegimes,
  ReplicateOutcome, splitSamples, testErrors, trainToHorizon,
} from '../src/claims/paperB';
import type { Claim, Evaluation } from '../src/claims/types';

/**
 * B.noiseless: Theorem 4.4 of paper B, training without label noise.
 *
 * Paper (as restated in claims.md): "with tau = 0 there are no two stages: after stage 1 all
 * training samples stay correct and the test error is <= exp(-n ||mu||^4 / (C sigma_p^4 d)); the
 * test error does not rise late in training."
 *
 * Predicate, per seed, on the measurements every T1 from T1 = cT1 n m/(eta sigma_p^2 d) to
 * horizonUnits n m/(eta sigma_p^2 d) (or the step budget):
 *  - all training samples stay correct: y_i f(x_i) > 0 for every i (true labels; with tau = 0 they
 *    are the observed ones) at every measurement from the first one >= T1 at which all are correct,
 *    which must come by max(T1, fitUnits n m/(eta sigma_p^2 d)) (our reading of "after stage 1":
 *    on the harmful side, d ~ 2n, a sample or two may still be unfitted at T1 = 0.3 units);
 *  - small test error: the largest test error after T1 is not significantly above
 *    exp(-n ||mu||^4/(C sigma_p^4 d)) (one-sided Clopper-Pearson lower limit, profile's alpha);
 *  - no late rise: max over t >= T1 of (test error(t) - min over [T1, t] of the test error) <= riseTol.
 * Margin: the smallest of (min training margin), (bound - lower limit), (riseTol - rise).
 * Binomial rule over the seeds against P >= 1 - delta.
 *
 * Region (our constants, by experiment): n SNR^2 in [1, 4] and d in [2n, 10n], i.e.
 * H = n ||mu||^4/(sigma_p^4 d) from 2 to 160: from the harmful side (test error ~0.15 at H = 2)
 * to the benign one (~0 at H >= 80), so the bound and the "no rise" part are checked where the test
 * error is not trivially 0. Scans of 3 seeds per cell (n = 60, m = 5, tau = 0, 30 time units):
 * every sample correct from T1 on, the test error decreasing (largest late rise 0.004 on 1000
 * test samples); the error against H fits exp(-H/C) for C >= 15 (H = 80: 0.004; H = 32: 0.012;
 * H = 8: 0.07; H = 2: 0.16), so C = 16. Through this module the test error wanders by up to
 * 0.011 on the harmful side (errors ~0.1) without a trend, hence riseTol = 0.02 (the stage-2
 * rises under label noise are 0.03-0.1). With label noise (robustness mode,
 * tau > 0) the late rise is the stage-2 degradation of B.stage2 and the claim breaks.
 */

const constants = {
  ...regionConstants({
    nSnr2Lo: 1, nSnr2Hi: 4,
    dOverNMin: 2,
    etaMax: 10, sigma0Max: 0.05, widthLog: 1, nMin: 40,
    nMax: 80, mMax: 8, dOverNMax: 10, etaMin: 5, sigma0Min: 0.005, unitMax: 128, nTest: 1000,
  }),
  cT1: CT1_SPEC,
  C: { default: 16, min: Number.MIN_VALUE, help: 'C of the test-error bound exp(-n ||mu||^4 / (C sigma_p^4 d)) (our choice, by experiment)' },
  fitUnits: { default: 2, min: 0, help: '"after stage 1": every training sample must be correct by max(T1, fitUnits n m/(eta sigma_p^2 d)) steps, and stay correct' },
  riseTol: { default: 0.02, min: 0, help: 'largest tolerated late rise of the test error after T1 (absolute, on the clean test set)' },
  horizonUnits: { default: 20, min: Number.MIN_VALUE, help: '"late in training": measured up to horizonUnits n m/(eta sigma_p^2 d) steps (or the step budget)' },
  delta: DELTA_SPEC,
};

export const claim: Claim = {
  id: 'B.noiseless',
  title: 'Without label noise: after stage 1 every sample stays correct and the test error stays small',
  source: { paper: 'B', result: 'Theorem 4.4', reference: PAPER_B_REFERENCE },
  statement:
    'With tau = 0 there are no two stages: after stage 1 all training samples stay correctly classified, the test error is ' +
    '<= exp(-n ||mu||^4/(C sigma_p^4 d)), and it does not rise late in training.',
  predicate:
    'Per seed, every T1 from T1 to horizonUnits time units: y_i f_i > 0 for all training samples once fitted (by fitUnits time units), the largest test error not ' +
    'significantly above exp(-n ||mu||^4/(C sigma_p^4 d)), and no rise of the test error above its running minimum by more than ' +
    'riseTol; binomial rule over the seeds against P >= 1 - delta.',
  kind: 'regime',
  constants,

  // robustness: tau = 0 in about half of the draws (weight 14), label noise (where the claim should break) in the rest
  ...regionHypothesesAndRegimes((k) => k.horizonUnits, 14),

  async evaluate(regime, ctx): Promise<Evaluation> {
    // GD every T1, per sample, up to horizonUnits time units ("late in training") or the step budget
    const t = await trainToHorizon(regime, ctx, { horizonUnits: ctx.constants.horizonUnits, perSample: true });
    if (t.early) return t.early;
    const { k, base, T1, steps, hypotheses, runs, configs } = t;

    const q = bDerived(base);
    const bound = Math.exp(-q.harm / k.C); // Theorem 4.4: exp(-n ||mu||^4 / (C sigma_p^4 d))
    const fitBy = Math.max(T1, k.fitUnits * q.unit); // "after stage 1": every sample fitted by then
    const outcomes: ReplicateOutcome[] = runs.map((run) => {
      const after = run.result.trajectory.filter((t) => t.step >= T1);
      if (after.length === 0) return { seed: run.seed, status: 'budget', reason: `no measurement at or after T1 = ${T1}` };
      // all training samples stay correct (true labels): all correct by fitUnits time units, and from then on
      const margins = after.map((t) => minOf(splitSamples(t, run).trueMargins));
      const firstFit = margins.findIndex((v) => v > 0);
      const fitted = firstFit >= 0 && after[firstFit].step <= fitBy;
      const trainMargin = fitted ? minOf(margins.slice(firstFit)) : minOf(margins.filter((_, j) => after[j].step <= fitBy));
      const wrongAfterFit = after.filter((t, j) => j >= Math.max(0, firstFit) && t.trainErrorTrue > 0).map((t) => t.step);
      // small test error after T1
      const worst = after.reduce((a, b) => (b.testError > a.testError ? b : a));
      const lo = lowerLimit(testErrors(worst, base.nTest), base.nTest, ctx.settings.alpha);
      // no late rise: largest excess of the test error over its running minimum since T1
      let runMin = Number.POSITIVE_INFINITY, rise = 0, riseAt: number | null = null;
      for (const t of after) {
        runMin = Math.min(runMin, t.testError);
        if (t.testError - runMin > rise) { rise = t.testError - runMin; riseAt = t.step; }
      }
      const parts = { trainCorrect: trainMargin, testBound: bound - lo, noRise: k.riseTol - rise };
      return {
        seed: run.seed, status: 'decided', holds: trainMargin > 0 && parts.testBound >= 0 && parts.noRise >= -1e-12,
        margin: Math.min(parts.trainCorrect, parts.testBound, parts.noRise), parts,
        nFlipped: run.nFlipped, allCorrectFrom: firstFit >= 0 ? after[firstFit].step : null, fitBy, minTrainMargin: trainMargin,
        stepsWithTrainErrorsAfterFit: wrongAfterFit.slice(0, 10),
        testErrorAtT1: after[0].testError, testErrorFinal: after[after.length - 1].testError, worstTestError: worst.testError,
        worstTestErrorLower: lo, bound, lateRise: rise, lateRiseAt: riseAt, finalTrainLoss: after[after.length - 1].trainLoss,
      };
    });

    return combineReplicates(outcomes, 1 - k.delta, ctx, hypotheses, configs, { T1, steps, bound, derived: q },
      'after T1 all samples correct, test error small and not rising');
  },
};
