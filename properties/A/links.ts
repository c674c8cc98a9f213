import { logMargin } from '../../src/claims/kit/clauses';
import type { Verdict } from '../../src/claims/types';
import { nearestRankQuantile } from '../../src/stats/quantile';
import type { Measurement } from '../../src/training/measure';

/** Paper A's link predicates on one trajectory: shared by the single claims and A.chain (same code, same trajectory). */

export interface LinkOutcome {
  verdict: Verdict;
  margin: number | null;
  note: string;
  data: Record<string, unknown>;
}

/** The first measurement at or after step t (null when the run ended before). */
export function pointAt(traj: readonly Measurement[], t: number): Measurement | null {
  return traj.find((s) => s.step >= t - 1e-9) ?? null;
}

/**
 * Stage 1 (Lemmas 4.2 / 4.4) on one run: at the first measurement >= T1 every sample has
 * max_r rhobar_{y_i,r,i} >= rhoMin and max gamma <= gammaBound -> holds. Signal too large at T1 ->
 * breaks. Not every sample memorized at T1: breaks when it happens later within `horizon` steps
 * (T1 off), `not-reached` when it never happens within the run (the run is k x T1 or the paper's).
 */
export function stage1Link(traj: readonly Measurement[], o: { T1: number; rhoMin: number; gammaBound: number; label: string }): LinkOutcome {
  const pt = pointAt(traj, o.T1);
  const last = traj[traj.length - 1];
  if (!pt || !pt.perSample) {
    return { verdict: 'not-reached', margin: -10, note: `${o.label}: run ended (step ${last?.step}) before T1 = ${o.T1.toFixed(0)}`, data: { T1: o.T1 } };
  }
  const rhos = pt.perSample.maxRhobar;
  const minRho = Math.min(...rhos);
  const below = rhos.filter((v) => v < o.rhoMin).length;
  const mRho = logMargin(minRho, o.rhoMin, 'atLeast');
  const mGamma = logMargin(pt.maxGamma, o.gammaBound, 'atMost');
  const data = { T1: o.T1, stepChecked: pt.step, minRhobar: minRho, samplesBelow: below, maxGamma: pt.maxGamma, gammaBound: o.gammaBound };
  if (pt.maxGamma > o.gammaBound) return { verdict: 'breaks', margin: mGamma, note: `${o.label}: max gamma ${pt.maxGamma.toPrecision(3)} > ${o.gammaBound.toPrecision(3)} at T1`, data };
  if (minRho >= o.rhoMin) return { verdict: 'holds', margin: Math.min(mRho, mGamma), note: `${o.label}: all samples memorized at T1`, data };
  const later = traj.find((s) => s.step > pt.step && s.perSample && Math.min(...s.perSample.maxRhobar) >= o.rhoMin);
  if (later) {
    return { verdict: 'breaks', margin: mRho, note: `${o.label}: ${below} sample(s) below ${o.rhoMin} at T1; all memorized only at step ${later.step}`, data: { ...data, reachedAt: later.step } };
  }
  return {
    verdict: 'not-reached', margin: mRho,
    note: `${o.label}: ${below} sample(s) below ${o.rhoMin} at T1 and still not all memorized at step ${last.step} (${(last.step / o.T1).toFixed(1)} x T1)`,
    data: { ...data, reachedAt: null, horizon: last.step },
  };
}

/**
 * Stage 2 (Lemma 4.5 / D.4) on one label-noise GD run: the window runs from the first measurement
 * >= T1 until max gamma passes gammaPass. iota_i* is the median of iota_i over the window (its level); every
 * iota_i(t) in the window must stay in [iota_i* / cLow, cHigh iota_i*] (a sample with iota_i* = 0
 * must stay at 0), and max gamma must grow (it passes gammaPass, from below it at T1). A window
 * that never starts (run ends before T1) or never ends (gamma not past gammaPass by the end of the
 * run, k x T_LN or the paper's) is `not-reached`; gamma already >= gammaPass at T1 (no stage 2) is
 * inconclusive.
 */
export function noiseBandLink(traj: readonly Measurement[], o: { T1: number; gammaPass: number; cLow: number; cHigh: number }): LinkOutcome {
  const start = pointAt(traj, o.T1);
  const last = traj[traj.length - 1];
  if (!start || !start.perSample) return { verdict: 'not-reached', margin: -10, note: `run ended (step ${last?.step}) before T1 = ${o.T1.toFixed(0)}`, data: { T1: o.T1 } };
  if (start.maxGamma >= o.gammaPass) {
    return { verdict: 'inconclusive', margin: null, note: `max gamma ${start.maxGamma.toPrecision(3)} >= ${o.gammaPass} already at T1: no stage-2 window`, data: { T1: o.T1, gammaAtT1: start.maxGamma } };
  }
  const endIdx = traj.findIndex((s) => s.step > start.step && s.maxGamma >= o.gammaPass);
  if (endIdx < 0) {
    return {
      verdict: 'not-reached', margin: logMargin(last.maxGamma, o.gammaPass, 'atLeast'),
      note: `max gamma ${last.maxGamma.toPrecision(3)} never passed ${o.gammaPass} by step ${last.step}`, data: { T1: o.T1, gammaAtT1: start.maxGamma, gammaFinal: last.maxGamma, horizon: last.step },
    };
  }
  const end = traj[endIdx];
  const window = traj.filter((s) => s.step >= start.step && s.step <= end.step && s.perSample);
  // iota_i*: the median of iota_i over the window (the level the lemma bounds iota_i around)
  const star = start.perSample.iota.map((_, i) => nearestRankQuantile(window.map((s) => s.perSample!.iota[i]), 0.5));
  let margin = 10, out = new Set<number>(), minRatio = Infinity, maxRatio = 0;
  for (const s of window) {
    const iota = s.perSample!.iota;
    for (let i = 0; i < star.length; i++) {
      const a = star[i], x = iota[i];
      if (a <= 0) {
        if (x > 0) { margin = Math.min(margin, -10); out.add(i); }
        continue;
      }
      const r = x / a;
      minRatio = Math.min(minRatio, r); maxRatio = Math.max(maxRatio, r);
      const mi = Math.min(logMargin(r * o.cLow, 1, 'atLeast'), logMargin(r, o.cHigh, 'atMost'));
      if (mi < 0) out.add(i);
      margin = Math.min(margin, mi);
    }
  }
  const grows = end.maxGamma > start.maxGamma;
  if (!grows) margin = Math.min(margin, -1e-6);
  const data = {
    T1: o.T1, windowStart: start.step, windowEnd: end.step, measurementsInWindow: window.length, samplesOutOfBand: out.size,
    minIotaRatio: Number.isFinite(minRatio) ? minRatio : null, maxIotaRatio: maxRatio, iotaStarMean: star.reduce((a, b) => a + b, 0) / star.length,
    gammaAtT1: start.maxGamma, gammaAtEnd: end.maxGamma,
  };
  const holds = margin >= 0;
  return {
    verdict: holds ? 'holds' : 'breaks', margin,
    note: holds
      ? `every iota_i within [iota_i*/${o.cLow}, ${o.cHigh} iota_i*] over steps ${start.step}..${end.step}`
      : `${out.size} sample(s) left [iota_i*/${o.cLow}, ${o.cHigh} iota_i*] in steps ${start.step}..${end.step} (iota/iota* in [${(Number.isFinite(minRatio) ? minRatio : 0).toPrecision(2)}, ${maxRatio.toPrecision(2)}])`,
    data,
  };
}

/**
 * Theorem 3.2 [3.3] on one label-noise GD run at T_LN: `vacuous-bound` when the paper's bound
 * 2 exp(-cErr d/n^2) is >= 0.25; else the clean training loss stays >= lossMin over the last
 * lossWindow fraction of [0, T_LN] and the test error at T_LN is <= max(bound, errFloor).
 */
export function lngdGeneralizesLink(
  traj: readonly Measurement[],
  o: { TLN: number; d: number; n: number; nTest: number; cErr: number; errFloor: number; lossMin: number; lossWindow: number; errBoundVacuous: number },
): LinkOutcome {
  const paperBound = 2 * Math.exp((-o.cErr * o.d) / (o.n * o.n));
  const errBound = Math.max(paperBound, o.errFloor);
  const firstBelow = traj.find((s) => s.testError <= errBound)?.step ?? null;
  if (paperBound >= o.errBoundVacuous) {
    return { verdict: 'vacuous-bound', margin: null, note: `the bound 2 exp(-C d/n^2) = ${paperBound.toPrecision(3)} >= ${o.errBoundVacuous}: meeting it shows nothing`, data: { paperBound, errBound, firstStepErrBelowBound: firstBelow } };
  }
  const pt = pointAt(traj, o.TLN) ?? traj[traj.length - 1];
  const late = traj.filter((s) => s.step >= (1 - o.lossWindow) * o.TLN && s.step <= pt.step);
  const minLoss = Math.min(...late.map((s) => s.trainLoss));
  const halfError = 0.5 / o.nTest;
  const mLoss = logMargin(minLoss, o.lossMin, 'atLeast');
  const mTest = logMargin(Math.max(pt.testError, halfError), errBound, 'atMost');
  const holds = minLoss >= o.lossMin && pt.testError <= errBound;
  return {
    verdict: holds ? 'holds' : 'breaks', margin: Math.min(mLoss, mTest),
    note: `at step ${pt.step}: test error ${pt.testError.toFixed(3)} (bound ${errBound.toPrecision(3)}), min clean train loss ${minLoss.toPrecision(3)} (floor ${o.lossMin})`,
    data: { stepChecked: pt.step, testError: pt.testError, minTrainLossLate: minLoss, paperBound, errBound, firstStepErrBelowBound: firstBelow, maxGamma: pt.maxGamma, maxRho: pt.maxRho },
  };
}

/** Combine the outcomes of one unit's parts: breaks > not-reached > other non-holds > holds (margin the smallest). */
export function combineOutcomes(parts: LinkOutcome[]): { verdict: Verdict; margin: number | null; note: string } {
  const order: Verdict[] = ['diverged', 'breaks', 'not-reached', 'budget', 'vacuous-bound', 'inconclusive'];
  for (const v of order) {
    const p = parts.find((x) => x.verdict === v);
    if (p) return { verdict: v, margin: v === 'breaks' || v === 'not-reached' ? p.margin : null, note: parts.map((x) => x.note).join('; ') };
  }
  const ms = parts.map((x) => x.margin).filter((m): m is number => m !== null);
  return { verdict: 'holds', margin: ms.length ? Math.min(...ms) : null, note: parts.map((x) => x.note).join('; ') };
}
