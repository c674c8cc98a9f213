import { morrisAnalyze, MorrisFactor, morrisSample } from '../analysis/morris';
import { claimContext } from '../claims/context';
import type { ConstantsProfile } from '../claims/constants';
import type { Claim, Regime } from '../claims/types';
import type { EvaluatorPool } from '../engine/pool';
import type { Store } from '../engine/store';
import type { ClaimVerdictMap, MorrisClaimResult } from '../report/model';
import type { Verdict } from '../claims/types';
import { regimeHash } from '../util/canonical';

/**
 * Morris elementary effects of every knob on a claim's margin (SALib's split: problem -> sample ->
 * evaluate -> analyze). The base is the claim's first working-tier draw; each knob moves over a range
 * around it (relative knobs multiply the base value), and the claim is evaluated in the robustness tier
 * so that points outside the hypotheses still give a margin.
 */
interface Knob {
  key: string;
  /** 'rel': the factor multiplies the base value; 'abs': the factor is the value */
  kind: 'rel' | 'abs';
  factor: Omit<MorrisFactor, 'name'>;
}

/**
 * Local ranges around the base (about a factor of 1.5-2 either way), so the screen ranks the knobs
 * where the claim is asked; wider moves belong to the robustness mode and to sweeps. The ranges
 * also bound the cost: a paper-B time point grows like n m / eta, its step cost like m n^2.
 */
export const KNOBS: Knob[] = [
  { key: 'm', kind: 'rel', factor: { lo: 0.5, hi: 1.5, scale: 'log' } },
  { key: 'eta', kind: 'rel', factor: { lo: 0.5, hi: 2, scale: 'log' } },
  { key: 'sigma0', kind: 'rel', factor: { lo: 1 / 3, hi: 3, scale: 'log' } },
  { key: 'A', kind: 'rel', factor: { lo: 2 / 3, hi: 1.5, scale: 'log' } },
  { key: 'sigmaP', kind: 'rel', factor: { lo: 2 / 3, hi: 1.5, scale: 'log' } },
  { key: 'n', kind: 'rel', factor: { lo: 2 / 3, hi: 1.5, scale: 'log' } },
  { key: 'q', kind: 'abs', factor: { lo: 1, hi: 3, scale: 'int' } },
  { key: 'p', kind: 'abs', factor: { lo: 0.02, hi: 0.4, scale: 'linear' } },
  { key: 'tauPlus', kind: 'abs', factor: { lo: 0, hi: 0.4, scale: 'linear' } },
  { key: 'tauMinus', kind: 'abs', factor: { lo: 0, hi: 0.4, scale: 'linear' } },
];

/** Integer training keys are rounded after scaling (at least 1, and at least 2 samples). */
const INTEGER_KEYS: Record<string, number> = { m: 1, n: 2 };

function factorName(k: Knob): string {
  return k.kind === 'rel' ? `${k.key} (x base)` : k.key;
}

/** The knobs that apply to a base regime (its numeric training keys). */
export function knobsFor(base: Regime): Knob[] {
  return KNOBS.filter((k) => typeof base[k.key] === 'number');
}

export function applyKnobs(base: Regime, knobs: Knob[], values: Record<string, number>): Regime {
  const out: Regime = { ...base };
  for (const k of knobs) {
    const v = values[factorName(k)];
    const scaled = k.kind === 'rel' ? (base[k.key] as number) * v : v;
    out[k.key] = k.key in INTEGER_KEYS ? Math.max(INTEGER_KEYS[k.key], Math.round(scaled)) : scaled;
  }
  return out;
}

type MorrisStore = Store<{ key: string; margin: number | null; verdict: string; regime: Regime; seconds: number; cpuSeconds?: number; backend: string }>;
type Engine = 'auto' | 'coefficient' | 'weight' | 'reference';

/** The claim evaluated at one regime in the robustness tier, from the store when it was evaluated before. */
async function evaluateAt(claim: Claim, regime: Regime, profile: ConstantsProfile, pool: EvaluatorPool, store: MorrisStore, engine: Engine) {
  const ctx = claimContext(claim, profile);
  const key = `morris/${claim.id}/${regimeHash({ regime, constants: ctx.constants, settings: ctx.settings, engine })}`;
  let rec = store.get(key);
  if (!rec) {
    const out = await pool.evaluate({ claimId: claim.id, regime, tier: 'robustness', engine, ...ctx });
    rec = { key, margin: out.evaluation.margin, verdict: out.evaluation.verdict, regime, seconds: out.seconds, ...(out.cpuSeconds !== undefined ? { cpuSeconds: out.cpuSeconds } : {}), backend: out.backend };
    if (!store.has(key)) store.append(rec);
  }
  return rec;
}

/** `points` values of a factor's range: ends included, evenly spaced on its scale (log: geometric; int: rounded). */
export function factorGrid(f: Omit<MorrisFactor, 'name'>, points: number): number[] {
  const t = Array.from({ length: points }, (_, i) => (points === 1 ? 0.5 : i / (points - 1)));
  const vals = t.map((u) => (f.scale === 'log' ? f.lo * (f.hi / f.lo) ** u : f.lo + (f.hi - f.lo) * u)).map((v) => (f.scale === 'int' ? Math.round(v) : v));
  return [...new Set(vals)];
}

/** The factors' values at the base regime itself (relative knobs 1, absolute knobs the base's value). */
function baseValues(base: Regime, knobs: Knob[]): Record<string, number> {
  return Object.fromEntries(knobs.map((k) => [factorName(k), k.kind === 'rel' ? 1 : (base[k.key] as number)]));
}

export interface MorrisMapOptions {
  /** points per axis of the verdict map over the two top factors (0: no map) */
  grid: number;
  /** replicate seeds per map cell */
  replicates: number;
}

/**
 * The claim's verdicts over a grid of the two factors the screen ranks first (by mu*), every other
 * factor at the base regime: where along its most influential knobs the claim stops holding.
 */
async function topFactorMap(
  claim: Claim, base: Regime, knobs: Knob[], ranking: readonly string[], profile: ConstantsProfile, pool: EvaluatorPool, store: MorrisStore, engine: Engine, opts: MorrisMapOptions,
): Promise<ClaimVerdictMap | undefined> {
  const top = ranking.slice(0, 2).map((name) => knobs.find((k) => factorName(k) === name)).filter((k): k is Knob => Boolean(k));
  if (top.length < 2 || opts.grid < 2) return undefined;
  const mapProfile = { ...profile, settings: { ...profile.settings, replicates: Math.min(profile.settings.replicates, opts.replicates) } };
  const [kx, ky] = top;
  const xs = factorGrid(kx.factor, opts.grid);
  const ys = factorGrid(ky.factor, opts.grid);
  const at = baseValues(base, knobs);
  const cells = await Promise.all(xs.flatMap((x) => ys.map(async (y) => {
    const regime = applyKnobs(base, knobs, { ...at, [factorName(kx)]: x, [factorName(ky)]: y });
    const rec = await evaluateAt(claim, regime, mapProfile, pool, store, engine);
    return { x, y, verdict: rec.verdict as Verdict, margin: typeof rec.margin === 'number' ? rec.margin : null, seed: regime.seed ?? null, regime };
  })));
  return {
    x: { factor: factorName(kx), log: kx.factor.scale === 'log' },
    y: { factor: factorName(ky), log: ky.factor.scale === 'log' },
    replicates: mapProfile.settings.replicates,
    cells,
  };
}

export async function morrisForClaim(
  claim: Claim, base: Regime, trajectories: number, seed: number, profile: ConstantsProfile, pool: EvaluatorPool,
  store: MorrisStore, engine: Engine,
  onPoint?: () => void,
  map: MorrisMapOptions = { grid: 0, replicates: 1 },
): Promise<MorrisClaimResult> {
  const knobs = knobsFor(base);
  const problem = knobs.map((k) => ({ name: factorName(k), ...k.factor }));
  const sample = morrisSample(problem, { trajectories, levels: 4, seed });
  const outputs = await Promise.all(
    sample.points.map(async (values) => {
      const rec = await evaluateAt(claim, applyKnobs(base, knobs, values), profile, pool, store, engine);
      onPoint?.();
      return rec.margin === null || typeof rec.margin !== 'number' ? NaN : rec.margin;
    }),
  );
  const analysis = morrisAnalyze(problem, sample, outputs, { seed });
  const verdictMap = await topFactorMap(claim, base, knobs, analysis.ranking, profile, pool, store, engine, map);
  return {
    claim: claim.id,
    output: "margin (signed distance to the predicate's threshold; > 0 holds)",
    base,
    trajectories,
    evaluations: sample.points.length,
    missing: analysis.missingOutputs,
    factors: analysis.factors.map((f, i) => ({
      name: f.name, lo: problem[i].lo, hi: problem[i].hi, scale: problem[i].scale,
      mu: f.mu, muStar: f.muStar, sigma: f.sigma, n: f.n, muStarCi: f.muStarCi,
    })),
    ranking: [...analysis.ranking],
    ...(verdictMap ? { map: verdictMap } : {}),
  };
}
