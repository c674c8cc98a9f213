import { divergedVerdict, mean, replicateSeeds, trainVariants } from '../src/claims/common';
import {
  derived, evalEveryFor, PAPER_A_REFERENCE, regionConstants, regionHypothesesAndRegimes, regionPreflight, stepsFor, timeTLN,
  WORKING_REGION,
} from '../src/claims/paperA';
import type { Claim, Evaluation, Verdict } from '../src/claims/types';
import { pairedTTest } from '../src/stats';

/**
 * A.separation: the headline of paper A (spec/claims.md).
 *
 * Paper (as restated in claims.md): "in the low-SNR regime label-noise GD ends with lower test
 * error than GD on the same data and initialisation (paired over seeds, with a significance
 * test), and GD's training loss is lower than label-noise GD's."
 *
 * Evaluation: for each of `replicates` seeds, GD and label-noise GD are trained on the same data
 * and initialisation (common.trainVariants) for the same number of steps, T_LN with the constants
 * of A.lngd-generalizes. Two one-sided paired t tests over the seeds (the seed is the unit: it
 * draws data, init and test set):
 *  (a) test error: improvement D = err_GD - err_LNGD > 0;
 *  (b) training loss (clean labels): log loss_LNGD - log loss_GD > 0.
 * Why a t test: with 3 seeds a sign or Wilcoxon test can never reach p < 0.05 (its smallest
 * p-value is 1/8), while a paired t test can when the differences are consistent.
 * Verdict: holds when both are significant at alpha (i.e. both lower confidence bounds > 0);
 * breaks when the upper (1 - alpha) confidence bound of the mean improvement D is below minGap
 * (label noise does not help by a meaningful amount: covers "both methods equally good") or (b)
 * is significant the other way; inconclusive otherwise (e.g. replicates = 1).
 * Margin: min of the two lower confidence bounds (test-error points, log-loss units); for a break,
 * the improvement's upper bound minus minGap (or the reversed loss order's upper bound), < 0.
 */

const constants = {
  ...regionConstants(WORKING_REGION),
  kStage: { default: 4, min: 0, help: 'Theta constant of T_LN (run length) on the noise term (as A.lngd-generalizes)' },
  kSignal: { default: 16, min: 0, help: 'Theta constant of T_LN (run length) on the signal term (as A.lngd-generalizes)' },
  minGap: { default: 0.05, min: 0, max: 1, help: 'smallest mean test-error improvement of label-noise GD over GD that counts as a separation' },
  evalPoints: { default: 10, min: 1, integer: true, help: 'measurements per run' },
  runStepCap: { default: 3000, min: 1, integer: true, help: 'steps one run may take (with the profile maxSteps): a later time point is a budget verdict (keeps an evaluation ~5 s)' },
  minSteps: { default: 20, min: 1, integer: true, help: 'fewest steps a time formula is rounded up to' },
};

export const claim: Claim = {
  id: 'A.separation',
  title: 'Label-noise GD beats GD on test error, GD has the lower training loss (low SNR)',
  source: { paper: 'A', result: "headline: Theorems 3.1 + 3.2 (ICLR'25) / 3.2 + 3.3 (NeurIPS'25), Figure 1", reference: PAPER_A_REFERENCE },
  statement:
    'On the same data and initialisation, label-noise GD ends with a lower test error than GD, while GD ends with the lower training loss.',
  predicate:
    'Over replicate seeds at T_LN: one-sided paired t tests that err_GD - err_LNGD > 0 and log loss_LNGD - log loss_GD > 0, both at alpha; ' +
    'breaks when the upper confidence bound of the test-error improvement is below minGap or the loss order is significantly reversed.',
  kind: 'regime',
  constants,

  ...regionHypothesesAndRegimes,

  async evaluate(regime, ctx): Promise<Evaluation> {
    const pre = regionPreflight(regime, ctx, (base, k) => {
      const TLN = timeTLN(base, k.kStage, k.kSignal);
      return { TLN, steps: stepsFor(TLN, k.minSteps) };
    });
    if (pre.early) return pre.early;
    const { k, hypotheses, base, plan: { TLN, steps } } = pre;
    const { alpha } = ctx.settings;

    const cfg = { ...base, steps, evalEvery: evalEveryFor(steps, k.evalPoints) };
    const trained = await trainVariants(cfg, { gd: { algo: 'gd' }, lngd: { algo: 'lngd' } }, replicateSeeds(regime, ctx.settings.replicates), ctx);
    const configs = trained.flatMap((t) => [t.runs.gd.config, t.runs.lngd.config]);
    const diverged = divergedVerdict(trained, hypotheses, configs);
    if (diverged) return diverged;

    const errGd = trained.map((t) => t.runs.gd.final.testError);
    const errLn = trained.map((t) => t.runs.lngd.final.testError);
    const tiny = 1e-300;
    const logLossGd = trained.map((t) => Math.log(Math.max(t.runs.gd.final.trainLoss, tiny)));
    const logLossLn = trained.map((t) => Math.log(Math.max(t.runs.lngd.final.trainLoss, tiny)));

    // (a) label-noise GD has the lower test error: D = err_GD - err_LNGD > 0
    const errTest = pairedTTest(errGd, errLn, 'greater', 1 - alpha);
    const errUpper = pairedTTest(errGd, errLn, 'less', 1 - alpha).ci[1];
    // (b) GD has the lower training loss: log loss_LNGD - log loss_GD > 0
    const lossTest = pairedTTest(logLossLn, logLossGd, 'greater', 1 - alpha);
    const lossReversed = pairedTTest(logLossLn, logLossGd, 'less', 1 - alpha);

    const errLower = errTest.ci[0];
    const lossLower = lossTest.ci[0];
    let verdict: Verdict;
    let margin: number | null;
    if (errUpper < k.minGap || lossReversed.pValue < alpha) {
      verdict = 'breaks';
      // how far below the holding side: the improvement's upper bound short of minGap, or the reversed loss order
      margin = Math.min(errUpper < k.minGap ? errUpper - k.minGap : 0, lossReversed.pValue < alpha ? lossReversed.ci[1] : 0);
    } else {
      verdict = errTest.pValue < alpha && lossTest.pValue < alpha ? 'holds' : 'inconclusive';
      margin = Number.isFinite(errLower) && Number.isFinite(lossLower) ? Math.min(errLower, lossLower) : null;
    }

    return {
      verdict,
      margin,
      measurements: {
        TLN, steps, derived: derived(base),
        testError: { gd: errGd, lngd: errLn, meanImprovement: mean(errGd) - mean(errLn), pValue: errTest.pValue, lowerBound: errLower, upperBound: errUpper },
        trainLoss: {
          gd: trained.map((t) => t.runs.gd.final.trainLoss), lngd: trained.map((t) => t.runs.lngd.final.trainLoss),
          pValue: lossTest.pValue, pValueReversed: lossReversed.pValue, lowerBoundLogRatio: lossLower,
        },
        perSeed: trained.map((t) => ({
          seed: t.seed,
          gd: { testError: t.runs.gd.final.testError, trainLoss: t.runs.gd.final.trainLoss, maxGamma: t.runs.gd.final.maxGamma, maxRho: t.runs.gd.final.maxRho },
          lngd: { testError: t.runs.lngd.final.testError, trainLoss: t.runs.lngd.final.trainLoss, maxGamma: t.runs.lngd.final.maxGamma, maxRho: t.runs.lngd.final.maxRho },
        })),
      },
      hypotheses,
      configs,
      note:
        `test error GD ${mean(errGd).toFixed(3)} vs LNGD ${mean(errLn).toFixed(3)} (p = ${errTest.pValue.toPrecision(2)}), ` +
        `train loss GD ${Math.exp(mean(logLossGd)).toExponential(1)} vs LNGD ${Math.exp(mean(logLossLn)).toExponential(1)} (p = ${lossTest.pValue.toPrecision(2)})`,
    };
  },
};
