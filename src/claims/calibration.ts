import { quantile } from '../stats/quantile';
import type { CalibrationContext, CalibrationResult, Claim, Constants, Evaluation, Regime, Unit, Verdict } from './types';

/**
 * Pre-registration kit (spec/claims.md, "Pre-registration"): the rules by which a claim's
 * `calibrated` constants are re-derived on the calibration seed stream. Every rule is stated before
 * it is run and returns, per constant, the value and a `method` line with the rule and its numbers;
 * where the rule cannot decide (too few calibration units) the declared value is kept and the method
 * says so. Three rules:
 *
 * - region bounds (`calibrateRegionBounds`): calibration regimes are drawn from the working region
 *   with the one bound relaxed to `relaxTo` (every other bound as declared) and evaluated; the new
 *   bound is the loosest value t such that the decisive calibration units on the region's side of t
 *   (the shared draws inside the declared region included) hold at a rate >= holdRateTarget, with at
 *   least `minUnits` (10) decisive units there;
 * - quantiles (`quantileRule`): the C of an O(.), a k of a predicted time, ...: `factor` (1.25) x
 *   the `q` (90%) quantile of what each calibration unit needs;
 * - scans (`calibrateConstantScan`): a constant of the predicate that is neither (a time point, a
 *   tolerance): the calibration regimes are evaluated at each value of a pre-registered grid and the
 *   smallest (or largest) value whose decisive units hold at a rate >= holdRateTarget (>= minUnits
 *   of them) is kept; `best` keeps the grid value with the highest hold rate (ties: nearest the
 *   declared value). No value meets it: the declared value is kept and the method says so.
 */

export const MIN_UNITS = 10;
/** distinct regimes (values of the bounded quantity) the admitted units must come from: one regime's seeds are correlated */
export const MIN_REGIMES = 2;

/** One calibration unit with the quantity its regime has (a region bound's left-hand side). */
export interface BoundPoint {
  x: number;
  verdict: Verdict;
}

export interface BoundRuleResult {
  /** the new bound, or null when no value meets the rule (keep the declared one) */
  value: number | null;
  /** decisive units on the region's side of the new bound, and how many of them hold */
  decisive: number;
  holds: number;
  /** all decisive units seen (either side) */
  total: number;
}

const isDecisive = (v: Verdict): boolean => v === 'holds' || v === 'breaks' || v === 'not-reached';

/**
 * The region-bound rule on synthetic or measured points. Side 'min' admits units with x >= t,
 * 'max' units with x <= t. With the units inside the declared bound holding at a rate >= target (or
 * too few of them to tell), the bound is relaxed to the loosest candidate t (a unit's x) such that
 * the units newly admitted between t and the declared value number >= minUnits, come from at least
 * MIN_REGIMES regimes (one regime's seeds are correlated), and hold at a rate
 * >= target (judging only the admitted slice: the many holding units deep inside the region must
 * not carry a failing edge). Otherwise it is tightened to the loosest t beyond the declared value
 * whose admitted units (>= minUnits) hold at a rate >= target. None: null (keep the declared value).
 */
export function boundRule(points: readonly BoundPoint[], side: 'min' | 'max', target: number, minUnits = MIN_UNITS, declared?: number): BoundRuleResult {
  const dec = points.filter((p) => isDecisive(p.verdict) && Number.isFinite(p.x));
  const inside = (x: number, t: number): boolean => (side === 'min' ? x >= t : x <= t);
  const xs = [...new Set(dec.map((p) => p.x))].sort((a, b) => (side === 'min' ? a - b : b - a)); // loosest first
  const rate = (ps: BoundPoint[]) => ({ n: ps.length, holds: ps.filter((p) => p.verdict === 'holds').length, regimes: new Set(ps.map((p) => p.x)).size });
  const decl = declared ?? (side === 'min' ? Infinity : -Infinity);
  const core = rate(dec.filter((p) => inside(p.x, decl)));
  const coreOk = core.n < minUnits || core.holds >= target * core.n;
  for (const t of xs) {
    if (coreOk && inside(decl, t) && t !== decl) {
      const slice = rate(dec.filter((p) => inside(p.x, t) && !inside(p.x, decl)));
      if (slice.n >= minUnits && slice.regimes >= MIN_REGIMES && slice.holds >= target * slice.n) return { value: t, decisive: slice.n, holds: slice.holds, total: dec.length };
    } else if (!coreOk && inside(t, decl)) {
      const kept = rate(dec.filter((p) => inside(p.x, t)));
      if (kept.n >= minUnits && kept.regimes >= MIN_REGIMES && kept.holds >= target * kept.n) return { value: t, decisive: kept.n, holds: kept.holds, total: dec.length };
    }
  }
  return { value: null, decisive: 0, holds: 0, total: dec.length };
}

export interface QuantileRuleResult {
  value: number | null;
  q: number;
  n: number;
  method: string;
}

/**
 * `factor` x the `q` quantile of what each calibration unit needs (Infinity: the unit never got
 * there). Fewer than `minValues` finite values, or a non-finite quantile: null (keep the declared
 * value). The value is rounded to 3 significant digits and floored at `floor`.
 */
export function quantileRule(
  values: readonly number[],
  o: { what: string; q?: number; factor?: number; floor?: number; minValues?: number },
): QuantileRuleResult {
  const q = o.q ?? 0.9, factor = o.factor ?? 1.25, floor = o.floor ?? 0, minValues = o.minValues ?? 1;
  const finite = values.filter((v) => !Number.isNaN(v));
  const qv = finite.length ? quantile(finite, q) : Number.NaN;
  const ok = finite.length >= minValues && Number.isFinite(qv);
  const value = ok ? Number(Math.max(floor, factor * qv).toPrecision(3)) : null;
  const method = ok
    ? `${factor} x the ${Math.round(q * 100)}% quantile of ${o.what} over ${finite.length} calibration units (quantile = ${qv.toPrecision(4)})`
    : `kept the declared value: ${finite.length} calibration units of ${o.what}, quantile ${qv} (rule: ${factor} x the ${Math.round(q * 100)}% quantile)`;
  return { value, q: qv, n: finite.length, method };
}

/** The units of an evaluation (a regime without per-seed units is one unit with the evaluation's verdict). */
export function unitsOf(ev: Evaluation, regime: Regime): Unit[] {
  return ev.units && ev.units.length ? ev.units : [{ seed: typeof regime.seed === 'number' ? regime.seed : 0, verdict: ev.verdict, margin: ev.margin }];
}

/**
 * A calibration context whose evaluations are cached by (regime, constants): a claim's own procedure
 * and the region/scan rules share the draws at the declared constants.
 */
export function memoized(c: CalibrationContext): CalibrationContext & { seedsUsed: Set<number> } {
  const cache = new Map<string, Promise<Evaluation>>();
  const seedsUsed = new Set<number>();
  return {
    ...c,
    seedsUsed,
    evaluate(regime, constants) {
      const key = JSON.stringify([regime, constants ? { ...c.constants, ...constants } : c.constants]);
      let p = cache.get(key);
      if (!p) {
        p = c.evaluate(regime, constants ? { ...c.constants, ...constants } : undefined);
        cache.set(key, p);
        p.then((ev) => {
          if (typeof regime.seed === 'number') seedsUsed.add(regime.seed);
          for (const u of unitsOf(ev, regime)) if (u.seed) seedsUsed.add(u.seed);
        }, () => undefined);
      }
      return p;
    },
  };
}

/** How many regimes a rule draws at this budget (at least 1). */
export function regimeCount(c: Pick<CalibrationContext, 'budget'>, perBudget: number): number {
  return Math.max(1, Math.round(perBudget * c.budget));
}

const round3 = (x: number): number => Number(x.toPrecision(3));

export interface RegionBoundSpec {
  name: string;
  side: 'min' | 'max';
  /** the regime's value of what the bound limits (e.g. kappa for kappaMin); null: the bound does not apply to this regime */
  quantity: (regime: Regime, constants: Constants) => number | null;
  /** the value the bound is relaxed to in the calibration draws */
  relaxTo: number;
  integer?: boolean;
}

/**
 * Derive the region-bound specs of a claim from its hypotheses: for a `region`, `calibrated`
 * constant, the clause whose right-hand side moves with the constant (lhs >= rhs for a lower bound,
 * <= for an upper one) gives the quantity, lhs x bound / rhs (the right-hand sides are linear in
 * their bound). The side is read from the name (...Min/...Lo lower, ...Max/...Hi/...Tol upper), the
 * relaxation is pre-registered: a lower bound halved, an upper one doubled (flip rates capped at
 * 0.45, quantiles at 1).
 */
export function regionBoundSpecs(claim: Pick<Claim, 'constants' | 'hypotheses'>, c: Pick<CalibrationContext, 'constants' | 'all' | 'settings'>, names?: readonly string[]): RegionBoundSpec[] {
  const out: RegionBoundSpec[] = [];
  for (const [name, spec] of Object.entries(claim.constants)) {
    if (!spec.region || !spec.calibrated || (names && !names.includes(name))) continue;
    const side: 'min' | 'max' = /(Min|Lo)(Q\d)?$/.test(name) ? 'min' : 'max';
    const v = c.constants[name];
    const capped = /^(p|tau)(Min|Max)$/.test(name) ? 0.45 : /Quantile|Tol$/.test(name) ? 1 : spec.max ?? Infinity;
    let relaxTo = side === 'min' ? v / 2 : Math.min(capped, v * 2);
    if (spec.integer) relaxTo = side === 'min' ? Math.max(spec.min ?? 1, Math.floor(relaxTo)) : Math.ceil(relaxTo);
    out.push({
      name, side, relaxTo, integer: spec.integer,
      quantity: (regime, constants) => clauseQuantity(claim, c, regime, constants, name),
    });
  }
  return out;
}

/** lhs x bound / rhs of the clause of `regime` whose rhs moves with constant `name` (null: none does). */
export function clauseQuantity(
  claim: Pick<Claim, 'hypotheses'>, c: Pick<CalibrationContext, 'constants' | 'all' | 'settings'>, regime: Regime, constants: Constants, name: string,
): number | null {
  const v = constants[name];
  if (!(v > 0)) return null;
  const ctxA = { constants, all: c.all, settings: c.settings };
  const ctxB = { constants: { ...constants, [name]: v * 1.37 }, all: c.all, settings: c.settings };
  let a, b;
  try {
    a = claim.hypotheses(regime, ctxA).clauses;
    b = claim.hypotheses(regime, ctxB).clauses;
  } catch {
    return null;
  }
  for (let i = 0; i < a.length && i < b.length; i++) {
    const ra = a[i].rhs, rb = b[i].rhs, lhs = a[i].lhs;
    if (ra === undefined || rb === undefined || lhs === undefined || ra === rb || !(ra !== 0)) continue;
    return (lhs * v) / ra;
  }
  return null;
}

export interface RegionOptions {
  /** calibration regimes drawn per relaxed bound at budget 1 (default 1) */
  perBound?: number;
  /** regimes drawn inside the declared region at budget 1, shared by every bound (default 2) */
  shared?: number;
  minUnits?: number;
}

/**
 * Re-derive region bounds, one at a time (rule in the module comment). The shared draws inside the
 * declared region count for every bound; each bound adds its own draws with that bound relaxed.
 */
export async function calibrateRegionBounds(c: CalibrationContext, specs: readonly RegionBoundSpec[], o: RegionOptions = {}): Promise<CalibrationResult> {
  const target = c.settings.holdRateTarget, minUnits = o.minUnits ?? MIN_UNITS;
  const shared = c.regimes(regimeCount(c, o.shared ?? 2));
  const seeds = new Set<number>();
  const collect = async (regimes: Regime[], constants: Constants): Promise<{ regime: Regime; units: Unit[] }[]> =>
    Promise.all(regimes.map(async (regime) => {
      const units = unitsOf(await c.evaluate(regime, constants), regime);
      for (const u of units) if (u.seed) seeds.add(u.seed);
      if (typeof regime.seed === 'number') seeds.add(regime.seed);
      return { regime, units };
    }));
  const base = await collect(shared, c.constants);
  const constants: Constants = {}, method: Record<string, string> = {};
  let done = 0;
  for (const s of specs) {
    const relaxed = { ...c.constants, [s.name]: s.relaxTo };
    const own = await collect(c.regimes(regimeCount(c, o.perBound ?? 1), relaxed).map((r) => offsetPath(r, s.name)), relaxed);
    const points: BoundPoint[] = [];
    for (const { regime, units } of [...base, ...own]) {
      const x = s.quantity(regime, relaxed);
      if (x === null || !Number.isFinite(x)) continue;
      for (const u of units) points.push({ x, verdict: u.verdict });
    }
    const declared = c.constants[s.name];
    const r = boundRule(points, s.side, target, minUnits, declared);
    const rule = `rule: with the units inside the declared ${s.side === 'min' ? 'lower' : 'upper'} bound holding at a rate >= ${target}, the loosest t (draws relaxed to ${s.relaxTo}) whose newly admitted decisive units (>= ${minUnits}, from >= ${MIN_REGIMES} regimes) hold at a rate >= ${target}; else the loosest tighter t whose admitted units do`;
    if (r.value === null) {
      method[s.name] = `kept the declared value ${declared}: no t met the rule over ${r.total} decisive units (${rule})`;
    } else {
      const v = s.integer ? (s.side === 'min' ? Math.ceil(r.value - 1e-9) : Math.floor(r.value + 1e-9)) : round3(r.value);
      constants[s.name] = v;
      method[s.name] = `${v}: ${r.holds}/${r.decisive} decisive calibration units hold in the admitted units (${r.total} decisive units in ${base.length} shared + ${own.length} relaxed regimes; ${rule})`;
    }
    c.progress?.(++done, specs.length, 'region bounds');
  }
  return { constants, method, seeds: [...seeds] };
}

/** A regime of a relaxed draw gets its own seeds (the fc path differs per bound, the seed stream is the same). */
function offsetPath(regime: Regime, name: string): Regime {
  if (typeof regime.seed !== 'number') return regime;
  let h = 0;
  for (const ch of name) h = (h * 31 + ch.charCodeAt(0)) % 997;
  return { ...regime, seed: regime.seed + 1 + h * 101 - (regime.seed + 1 + h * 101 > 2 ** 30 + 1_000_000 ? 1_000_000 : 0) };
}

/** One relaxed bound (the kit's single-bound form). */
export function calibrateRegionBound(c: CalibrationContext, spec: RegionBoundSpec, o: RegionOptions = {}): Promise<CalibrationResult> {
  return calibrateRegionBounds(c, [spec], o);
}

export interface ScanSpec {
  name: string;
  /** pre-registered values to try (the declared value is always tried too) */
  grid: readonly number[];
  /** 'smallest' / 'largest': the extreme grid value meeting the hold-rate target; 'best': the highest hold rate */
  prefer: 'smallest' | 'largest' | 'best';
  why: string;
}

/** Re-derive constants of the predicate by a grid scan on the shared calibration regimes (rule in the module comment). */
export async function calibrateConstantScan(c: CalibrationContext, specs: readonly ScanSpec[], o: { regimes?: number; minUnits?: number } = {}): Promise<CalibrationResult> {
  const target = c.settings.holdRateTarget, minUnits = o.minUnits ?? MIN_UNITS;
  const regimes = c.regimes(regimeCount(c, o.regimes ?? 2));
  const seeds = new Set<number>();
  const constants: Constants = {}, method: Record<string, string> = {};
  for (const s of specs) {
    const declared = c.constants[s.name];
    const grid = [...new Set([...s.grid, declared])].sort((a, b) => a - b);
    const rates = await Promise.all(grid.map(async (g) => {
      const evs = await Promise.all(regimes.map(async (r) => unitsOf(await c.evaluate(r, { ...c.constants, [s.name]: g }), r)));
      let holds = 0, dec = 0;
      for (const units of evs) for (const u of units) {
        if (u.seed) seeds.add(u.seed);
        if (isDecisive(u.verdict)) { dec++; if (u.verdict === 'holds') holds++; }
      }
      return { g, holds, dec, rate: dec ? holds / dec : Number.NaN };
    }));
    for (const r of regimes) if (typeof r.seed === 'number') seeds.add(r.seed);
    const table = rates.map((r) => `${r.g}: ${r.holds}/${r.dec}`).join(', ');
    const ok = rates.filter((r) => r.dec >= minUnits && r.rate >= target);
    let pick: number | null = null;
    if (s.prefer === 'smallest' && ok.length) pick = ok[0].g;
    else if (s.prefer === 'largest' && ok.length) pick = ok[ok.length - 1].g;
    else if (s.prefer === 'best') {
      const usable = rates.filter((r) => r.dec >= minUnits);
      const top = Math.max(...usable.map((r) => r.rate));
      const best = usable.filter((r) => r.rate === top).sort((a, b) => Math.abs(Math.log(a.g / declared)) - Math.abs(Math.log(b.g / declared)));
      pick = best.length ? best[0].g : null;
    }
    const rule = s.prefer === 'best'
      ? `rule: the grid value with the highest calibration hold rate (ties: nearest the declared ${declared}; >= ${minUnits} decisive units)`
      : `rule: the ${s.prefer} grid value whose decisive calibration units hold at a rate >= ${target} (>= ${minUnits} of them)`;
    if (pick === null) method[s.name] = `kept the declared value ${declared}: no grid value met the rule (holds/decisive per value: ${table}; ${rule}; ${s.why})`;
    else {
      constants[s.name] = pick;
      method[s.name] = `${pick} (holds/decisive per value over ${regimes.length} calibration regimes: ${table}; ${rule}; ${s.why})`;
    }
  }
  return { constants, method, seeds: [...seeds] };
}

/** Merge results (later ones do not override a constant an earlier one derived). */
export function mergeResults(...rs: CalibrationResult[]): CalibrationResult {
  const out: CalibrationResult = { constants: {}, method: {}, seeds: [] };
  const seeds = new Set<number>();
  for (const r of rs) {
    for (const [k, v] of Object.entries(r.method)) if (!(k in out.method)) out.method[k] = v;
    for (const [k, v] of Object.entries(r.constants)) if (!(k in out.constants)) out.constants[k] = v;
    for (const s of r.seeds) seeds.add(s);
  }
  out.seeds = [...seeds];
  return out;
}

export interface ClaimCalibrationPlan {
  /** the claim's own procedure (quantile rules on its measurements) and the constants it covers */
  own?: (c: CalibrationContext) => Promise<CalibrationResult>;
  ownCovers?: readonly string[];
  /** region-bound overrides (side, relaxTo, quantity) by name */
  bounds?: Record<string, Partial<RegionBoundSpec>>;
  scans?: readonly ScanSpec[];
  region?: RegionOptions;
  scanRegimes?: number;
}

/**
 * A claim's full calibration: its own procedure, then every `region` + `calibrated` bound by the
 * region rule, then the scans; every calibrated constant gets a `method` line (a constant no rule
 * covers is named as such, which test/calibration.test.ts rejects).
 */
export function calibrationFor(claim: Pick<Claim, 'id' | 'constants' | 'hypotheses'>, plan: ClaimCalibrationPlan = {}): (c: CalibrationContext) => Promise<CalibrationResult> {
  return async (c0) => {
    const c = memoized(c0);
    const parts: CalibrationResult[] = [];
    if (plan.own) {
      const r = await plan.own(c);
      for (const k of plan.ownCovers ?? []) if (!(k in r.method)) r.method[k] = `kept the declared value ${c.constants[k]}: the calibration units gave no value of what ${k} bounds (${claim.id}'s quantile rule)`;
      parts.push(r);
    }
    const covered = new Set(parts.flatMap((p) => Object.keys(p.method)));
    const scanned = new Set((plan.scans ?? []).map((s) => s.name));
    const specs = regionBoundSpecs(claim, c).filter((s) => !covered.has(s.name) && !scanned.has(s.name)).map((s) => ({ ...s, ...(plan.bounds?.[s.name] ?? {}) }));
    if (specs.length) parts.push(await calibrateRegionBounds(c, specs, plan.region));
    const scans = (plan.scans ?? []).filter((s) => !covered.has(s.name));
    if (scans.length) parts.push(await calibrateConstantScan(c, scans, { regimes: plan.scanRegimes }));
    const merged = mergeResults(...parts);
    merged.seeds = [...new Set([...merged.seeds, ...c.seedsUsed])];
    for (const [k, s] of Object.entries(claim.constants)) {
      if (s.calibrated && !(k in merged.method)) merged.method[k] = `NOT re-derived: no calibration rule covers ${k}`;
    }
    return merged;
  };
}

/** Install `calibrationFor(claim, plan)` as the claim's calibrate (wrapping its existing procedure as `own`). */
export function withCalibration(claim: Claim, plan: Omit<ClaimCalibrationPlan, 'own'> = {}): Claim {
  const own = claim.calibrate?.bind(claim);
  claim.calibrate = calibrationFor(claim, { ...plan, ...(own ? { own } : {}) });
  return claim;
}

/** cT1 of the paper-B claims (T1 = cT1 n m/(eta sigma_p^2 d), a window where stage 1 has ended): the grid value with the best hold rate. */
export const CT1_SCAN: ScanSpec = {
  name: 'cT1', grid: [0.15, 0.3, 0.6], prefer: 'best',
  why: 'T1 = cT1 time units: the pre-registered value at which the calibration units hold most often (a window, so neither extreme)',
};
