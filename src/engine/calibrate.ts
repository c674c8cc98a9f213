import * as fs from 'fs';
import { claimContext } from '../claims/context';
import type { ConstantsProfile } from '../claims/constants';
import { InputError } from '../claims/constants';
import { inStream, streamOf } from '../claims/seedStreams';
import type { CalibrationResult, Claim, Constants, Regime } from '../claims/types';
import type { EngineChoice } from '../training/config';
import { atomicWriteJson } from '../util/atomicWrite';
import { regimeAt } from './generate';
import type { EvaluatorPool } from './pool';

/**
 * Pre-registration (spec/claims.md): a claim's `calibrated` constants are re-derived on the
 * calibration seed stream only. The regimes handed to the claim are working-tier draws whose
 * seeds are moved into that stream (seedStreams.inStream), and every seed the claim reports having
 * used is checked to lie in it: a calibration that touched a scoring seed is an error, not a profile.
 */
export interface CalibrateOptions {
  engine: EngineChoice;
  pool: EvaluatorPool;
  /** fast-check seed of the calibration draws */
  seed: number;
  budget: number;
  progress?: (done: number, total: number, what: string) => void;
}

export interface ClaimCalibration extends CalibrationResult {
  claim: string;
  /** the values before (the base profile's) */
  before: Constants;
}

export function calibratedConstants(claim: Claim): string[] {
  return Object.entries(claim.constants).filter(([, s]) => s.calibrated).map(([k]) => k);
}

export async function calibrateClaim(claim: Claim, profile: ConstantsProfile, o: CalibrateOptions): Promise<ClaimCalibration> {
  const names = calibratedConstants(claim);
  if (names.length === 0) throw new InputError(`${claim.id} has no calibrated constants (claimcheck list shows which claims do)`);
  if (!claim.calibrate) throw new InputError(`${claim.id} declares calibrated constants (${names.join(', ')}) but no calibration procedure`);
  const ctx = claimContext(claim, profile);
  const tier = claim.tiers.includes('working') ? 'working' : 'robustness';
  const used = new Set<number>();
  const result = await claim.calibrate({
    ...ctx,
    engine: o.engine,
    budget: o.budget,
    progress: o.progress,
    regimes: (count, constants) => {
      const arb = claim.regimes(tier, constants ? { ...ctx, constants: { ...ctx.constants, ...constants } } : ctx);
      return Array.from({ length: count }, (_, i) => inStream(regimeAt(arb, o.seed, String(i)), 'calibrate'));
    },
    evaluate: async (regime: Regime, constants?: Constants) => {
      const r = inStream(regime, 'calibrate');
      if (typeof r.seed === 'number') used.add(r.seed);
      const out = await o.pool.evaluate({ claimId: claim.id, regime: r, tier, stream: 'calibrate', engine: o.engine, ...ctx, constants: constants ?? ctx.constants });
      if (out.error) throw new Error(`calibration evaluation of ${claim.id} failed: ${out.error.split('\n')[0]}`);
      return out.evaluation;
    },
  });
  for (const s of [...result.seeds, ...used]) {
    if (streamOf(s) !== 'calibrate') throw new Error(`${claim.id}: calibration used seed ${s}, which is not in the calibration stream`);
  }
  for (const k of Object.keys(result.constants)) {
    if (!names.includes(k)) throw new Error(`${claim.id}: calibration returned ${k}, which is not a calibrated constant (${names.join(', ')})`);
  }
  return { claim: claim.id, before: Object.fromEntries(names.map((k) => [k, ctx.constants[k]])), ...result };
}

/** Write a profile: the base profile's JSON with the calibrated values replaced and the method recorded. */
export function writeCalibratedProfile(base: ConstantsProfile, results: readonly ClaimCalibration[], file: string, name: string): void {
  const raw = JSON.parse(fs.readFileSync(base.file, 'utf8')) as Record<string, unknown>;
  const claims = (raw.claims ?? {}) as Record<string, Record<string, number>>;
  for (const r of results) claims[r.claim] = { ...(claims[r.claim] ?? {}), ...r.constants };
  const calibration = Object.fromEntries(results.map((r) => [r.claim, { before: r.before, after: r.constants, method: r.method, seeds: r.seeds }]));
  atomicWriteJson(file, {
    name,
    description: `${String(raw.description ?? '')} Calibrated constants re-derived by \`claimcheck calibrate\` on the calibration seed stream (never scored): ${results.map((r) => r.claim).join(', ')}.`.trim(),
    settings: raw.settings,
    claims,
    help: { ...(raw.help as object ?? {}), calibration },
  });
}
