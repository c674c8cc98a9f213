import { divergedVerdict, replicateSeeds, trainVariants } from '../src/claims/common';
import {
  evalEveryFor, logMargin, PAPER_A_REFERENCE, regionConstants, regionHypothesesAndRegimes, regionPreflight, seedsVerdict, stepsFor,
  timeT1, timeTLN, WORKING_REGION,
} from '../src/claims/paperA';
import type { Claim, Evaluation } from '../src/claims/types';

/**
 * A.noise-bounded: the stage-2 supermartingale lemma of paper A (Lemma D.4 ICLR'25 / 4.5, E.4 NeurIPS'25).
 *
 * Paper (as restated in claims.md): "after stage 1, under label-noise GD each
 * iota_i = (1/m) sum_r rhobar_{y_i,r,i}^2 stays within a constant band around a level iota_i*
 * (it oscillates, it does not grow), while max gamma keeps growing (at least like
 * exp(eta ||mu||^2 (t - T1) / (16 m)) until it is of constant order)."
 *
 * Predicate, per seed, label-noise GD measured from t0 = kT1 * T1 to T_LN (constants of
 * A.lngd-generalizes):
 *  - band: sup_t mean_i iota_i(t) <= bandMean * iota* and sup_t max_i iota_i(t) <= bandMax * iota*,
 *    with the level iota* = log((1-p)/p). The level is OUR derivation, not the paper's formula:
 *    with squared ReLU the noise part of y_i f_i is about iota_i, and the expected loss under
 *    flips with probability p is stationary at y_i f_i = log((1-p)/p). (Under GD iota grows
 *    without bound, like log(1/loss).)
 *  - signal growth: at every measurement t in [t0, T_LN],
 *    max gamma(t) >= min(gammaTarget, max gamma(t0) exp(eta ||mu||^2 (t - t0)/(rateDivisor m))) / gammaSlack.
 * Regime verdict: binomial rule over the seeds against P >= 1 - failProb.
 *
 * Region: the step-size window is kappa in [0.3, 0.5]. There label-noise GD shows the
 * paper's picture (iota oscillates around iota*, then decays once the signal is learned). At
 * larger kappa the noise filters of a sample die instead (a flipped label at a large step drives
 * <w, xi_i> negative for good): iota freezes, at a level that can exceed GD's.
 */

const NOISE_BOUNDED_REGION = { ...WORKING_REGION, kappaMin: 0.3, kappaMax: 0.5, nSnr2Min: 0.25, pMin: 0.1 };

const constants = {
  ...regionConstants(NOISE_BOUNDED_REGION),
  kT1: { default: 1, min: 0, help: 'stage 2 starts at t0 = kT1 * T1' },
  kStage: { default: 4, min: 0, help: 'Theta constant of T_LN (end of the run) on the noise term (as A.lngd-generalizes)' },
  kSignal: { default: 16, min: 0, help: 'Theta constant of T_LN (end of the run) on the signal term (as A.lngd-generalizes)' },
  bandMean: { default: 2, min: 0, help: 'sup_t mean_i iota_i(t) must be <= bandMean * log((1-p)/p)' },
  bandMax: { default: 6, min: 0, help: 'sup_t max_i iota_i(t) must be <= bandMax * log((1-p)/p)' },
  gammaTarget: { default: 1, min: 0, help: 'the "constant order" max gamma grows to' },
  rateDivisor: { default: 16, min: Number.MIN_VALUE, help: "the paper's signal growth rate is eta ||mu||^2 / (rateDivisor m)" },
  gammaSlack: { default: 2, min: 1, help: 'max gamma may lag the paper\'s exponential lower bound by this factor' },
  failProb: { default: 0.05, min: 0, max: 1, help: 'the lemma holds with probability >= 1 - failProb (delta)' },
  evalPoints: { default: 30, min: 1, integer: true, help: 'measurements per run' },
  minSteps: { default: 20, min: 1, integer: true, help: 'fewest steps a time formula is rounded up to' },
  runStepCap: { default: 5000, min: 1, integer: true, help: 'steps one run may take (with the profile maxSteps): a longer T_LN is a budget verdict (keeps an evaluation ~5 s)' },
};

export const claim: Claim = {
  id: 'A.noise-bounded',
  title: 'Label-noise GD keeps noise memorization bounded while the signal grows (stage 2)',
  source: { paper: 'A', result: "Lemma D.4 (ICLR'25) / Lemmas 4.5, E.4 (NeurIPS'25)", reference: PAPER_A_REFERENCE },
  statement:
    'After stage 1, under label-noise GD each iota_i = (1/m) sum_r rhobar_{y_i,r,i}^2 oscillates in a constant band around a level ' +
    'instead of growing, while max gamma grows at least like exp(eta ||mu||^2 (t - T1)/(16 m)) until it is of constant order.',
  predicate:
    'Per seed from kT1*T1 to T_LN: mean_i iota_i <= bandMean log((1-p)/p) and max_i iota_i <= bandMax log((1-p)/p) at every measurement, and ' +
    'max gamma(t) >= min(gammaTarget, max gamma(t0) exp(eta ||mu||^2 (t-t0)/(16m)))/gammaSlack; binomial test of the seeds against P >= 1 - failProb.',
  kind: 'regime',
  constants,

  ...regionHypothesesAndRegimes,

  async evaluate(regime, ctx): Promise<Evaluation> {
    const pre = regionPreflight(regime, ctx, (base, k) => {
      const T1 = k.kT1 * timeT1(base);
      const TLN = timeTLN(base, k.kStage, k.kSignal);
      return { T1, TLN, steps: Math.max(stepsFor(TLN, k.minSteps), 2 * stepsFor(T1, 1)) };
    });
    if (pre.early) return pre.early;
    const { k, hypotheses, base, plan: { T1, TLN, steps } } = pre;

    const cfg = { ...base, algo: 'lngd' as const, steps, evalEvery: evalEveryFor(steps, k.evalPoints) };
    const trained = await trainVariants(cfg, { lngd: {} }, replicateSeeds(regime, ctx.settings.replicates), ctx);
    const configs = trained.map((t) => t.runs.lngd.config);
    const diverged = divergedVerdict(trained, hypotheses, configs);
    if (diverged) return diverged;

    // the level of iota: stationary point of the noisy-label loss, y f = log((1-p)/p)
    const iotaStar = base.p > 0 && base.p < 0.5 ? Math.log((1 - base.p) / base.p) : base.p <= 0 ? Infinity : 0;
    const rate = (base.eta * base.A * base.A) / (k.rateDivisor * base.m); // eta ||mu||^2 / (16 m)
    const perSeed = trained.map(({ seed, runs }) => {
      const traj = runs.lngd.trajectory;
      const stage2 = traj.filter((s) => s.step >= T1);
      const first = stage2[0] ?? runs.lngd.final;
      const t0 = first.step;
      const g0 = Math.max(first.maxGamma, 0);
      const supMean = Math.max(...stage2.map((s) => s.iotaMean));
      const supMax = Math.max(...stage2.map((s) => s.iotaMax));
      // signal growth against the paper's exponential lower bound, capped at gammaTarget
      let gammaWorst = Infinity, gammaWorstStep = t0;
      for (const s of stage2) {
        const bound = Math.min(k.gammaTarget, g0 * Math.exp(rate * (s.step - t0))) / k.gammaSlack;
        const mg = logMargin(s.maxGamma, bound, 'atLeast');
        if (mg < gammaWorst) { gammaWorst = mg; gammaWorstStep = s.step; }
      }
      const half = stage2.filter((s) => s.step >= (t0 + steps) / 2);
      const early = stage2.filter((s) => s.step < (t0 + steps) / 2);
      const avg = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
      const parts = {
        bandMean: Number.isFinite(iotaStar) ? logMargin(supMean, k.bandMean * iotaStar, 'atMost') : 10,
        bandMax: Number.isFinite(iotaStar) ? logMargin(supMax, k.bandMax * iotaStar, 'atMost') : 10,
        gamma: Number.isFinite(gammaWorst) ? gammaWorst : 0,
      };
      const holds = parts.bandMean >= 0 && parts.bandMax >= 0 && parts.gamma >= 0;
      return {
        seed, holds, margin: Math.min(parts.bandMean, parts.bandMax, parts.gamma), parts,
        t0, supIotaMean: supMean, supIotaMax: supMax, iotaMeanAtT0: first.iotaMean, iotaMeanFinal: runs.lngd.final.iotaMean,
        iotaLateOverEarly: avg(half.map((s) => s.iotaMean)) / avg(early.map((s) => s.iotaMean)),
        maxGammaAtT0: first.maxGamma, maxGammaFinal: runs.lngd.final.maxGamma, gammaWorstStep,
        testErrorFinal: runs.lngd.final.testError,
      };
    });

    return seedsVerdict(perSeed, 1 - k.failProb, ctx, {
      hypotheses, configs, base, measurements: { T1, TLN, steps, iotaStar: Number.isFinite(iotaStar) ? iotaStar : null, rate },
      what: 'iota within the band around log((1-p)/p) and max gamma growing',
    });
  },
};
