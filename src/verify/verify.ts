import * as fs from 'fs';
import * as path from 'path';
import { CLAIMS, PAPERS } from '../claims/registry';
import type { Paper, PhaseFigure } from '../claims/paper';
import type { Claim, Tier } from '../claims/types';
import { TIERS } from '../claims/types';
import { claimContext } from '../claims/context';
import type { ConstantsProfile } from '../claims/constants';
import { auditedPresets, auditSetting } from '../claims/audit';
import { runClaimTier } from '../engine/check';
import { hasTier, regimeAt } from '../engine/generate';
import type { EvaluatorPool } from '../engine/pool';
import type { Store, StoreRecord } from '../engine/store';
import { judgeTogether, RegimeRecord } from '../engine/summary';
import type { AuditEntry, PhaseDiagram, SweepPoint, VerifySummary } from '../report/model';
import { runInfo } from '../report/runInfo';
import { parseAxis } from '../sweep/axes';
import { gridDesign } from '../sweep/design';
import { orderPoints, pointKey, runSweep, seriesOf, SweepSpec, sweepPhases } from '../sweep/run';
import { EngineChoice, snr } from '../training/config';
import { loadPreset } from '../training/presets';
import type { Progress } from '../util/progress';
import { knobsFor, morrisForClaim } from './morrisClaims';
import type { VerifyPlan } from './plan';
import { inShard, Shard } from '../engine/shard';
import { crossRegionClaims, crossRegionMatrix, crossRegionUnits, withDiagonal } from './crossRegion';
import { claimDeclarations } from './declarations';
import { reviewForVerify } from '../review/verifyReview';

/**
 * `claimcheck verify`: every claim in each of its tiers, the audit of the papers' own settings, phase
 * diagrams, Morris sensitivity and dynamics figures, all from one store (results.jsonl) so that a
 * killed run resumes where it stopped.
 */
export interface VerifyOptions {
  dir: string;
  /** the claims to check (default: all) */
  claims: readonly Claim[];
  plan: VerifyPlan;
  budget: number;
  seed: number;
  profile: ConstantsProfile;
  engine: EngineChoice;
  pool: EvaluatorPool;
  store: Store<StoreRecord>;
  progress: Progress;
  argv: string[];
  startedAt: string;
  /** verify --shard i/N: this process evaluates the work units whose index is i mod N (default: all) */
  shard?: Shard;
}

/** The ids of the registered papers (each draws its cross-region matrix), once each. */
function paperIds(): string[] {
  return [...new Set(PAPERS.map((p) => p.id))];
}

/** The registered papers' phase diagrams and dynamics figures (their declarations, properties/). */
function phaseFigures(): PhaseFigure[] {
  return PAPERS.flatMap((p) => p.figures?.phases ?? []);
}

function withDynamics(): Paper[] {
  return PAPERS.filter((p) => p.figures?.dynamics);
}

/** Work units of the figures under a plan: phase points (x series), dynamics runs. */
function figureUnits(plan: VerifyPlan): number {
  const phases = phaseFigures().reduce((a, f) => a + plan[f.grid] ** 2 * (f.target.kind === 'metric' ? f.target.algos.length : 1), 0);
  return phases + withDynamics().reduce((a, p) => a + p.figures!.dynamics!.units, 0);
}

export function auditPresets(profile: ConstantsProfile): AuditEntry[] {
  return auditedPresets().map((name) => {
    const p = loadPreset(name);
    return {
      preset: name,
      description: p.description,
      snr: snr(p.config),
      nSnr2: p.config.n * snr(p.config) ** 2,
      audits: auditSetting(p.config as unknown as Record<string, number | string>, profile),
    };
  });
}

/** The work units of a plan, for the progress bar. */
export function plannedUnits(plan: VerifyPlan, morrisPoints: number, selected: readonly Claim[] = CLAIMS): number {
  const claims = selected.reduce((a, c) => a + c.tiers.reduce((b, t) => b + runsOf(plan, c, t), 0), 0);
  const cross = paperIds().reduce((a, p) => a + crossRegionUnits(crossRegionClaims(selected, p), plan.crossRuns), 0);
  return claims + cross + (plan.figures ? figureUnits(plan) + morrisPoints : 0);
}

/** Regimes drawn for a claim in a tier under a plan. */
export function runsOf(plan: VerifyPlan, claim: Claim, tier: Tier): number {
  return (claim.kind === 'scaling' ? plan.scalingRuns : plan.runs)[tier];
}

/** Morris bases (each claim's first working-tier draw) and trajectories per claim under a plan. */
export function morrisBases(profile: ConstantsProfile, seed: number, plan: VerifyPlan, selected: readonly Claim[] = CLAIMS) {
  return selected.map((claim) => {
    const base = regimeAt(claim.regimes(claim.tiers.includes('working') ? 'working' : 'robustness', claimContext(claim, profile)), seed, '0');
    const trajectories = claim.kind === 'scaling' ? plan.morrisScalingTrajectories : plan.morrisTrajectories;
    return { claim, base, trajectories, k: knobsFor(base).length };
  }).filter((b) => b.trajectories > 0);
}

/** A declared phase figure as a sweep, with the command that reproduces it. */
function phaseSweep(f: PhaseFigure, o: VerifyOptions): [SweepSpec, string] {
  const grid = o.plan[f.grid];
  const replicates = Math.min(o.profile.settings.replicates, o.plan.screenReplicates);
  const target: SweepSpec['target'] = f.target.kind === 'metric'
    ? { kind: 'metric', metric: f.target.metric, algos: [...f.target.algos] }
    : { kind: 'claim', claim: f.target.claim, mode: f.target.tier, replicates };
  const spec: SweepSpec = {
    preset: f.preset, base: loadPreset(f.preset).config, engine: o.engine, profile: o.profile.name,
    axes: f.axes.map(parseAxis), target, design: { kind: 'grid', points: grid ** 2, seed: o.seed, perAxis: grid },
  };
  const what = f.target.kind === 'metric'
    ? `--metric ${f.target.metric} --algo ${f.target.algos.join(',')}`
    : `--claim ${f.target.claim} --tier ${f.target.tier} --replicates ${replicates}`;
  return [spec, `npx claimcheck sweep --preset ${f.preset} ${f.axes.map((a) => `--axis ${a}`).join(' ')} --grid ${grid} ${what}`];
}

async function phaseDiagrams(o: VerifyOptions): Promise<PhaseDiagram[]> {
  const sweeps = phaseFigures().map((f) => phaseSweep(f, o));
  const store = o.store as unknown as Store<SweepPoint>;
  const progress = { ...o.progress, setTotal: () => {} };
  const designs = sweeps.map(([spec]) => gridDesign(spec.axes, spec.design.perAxis!, o.seed));
  await Promise.all(sweeps.map(([spec], i) => runSweep(spec, designs[i], o.shard ?? { index: 0, count: 1 }, o.pool, store, o.profile, progress)));
  return sweeps.flatMap(([spec, cmd], i) => {
    const pts = designs[i].flatMap((dp) => seriesOf(spec).flatMap((s) => store.get(pointKey(spec, dp.point, s)) ?? []));
    return sweepPhases(spec, orderPoints(pts), cmd);
  });
}

/** The profile with fewer replicate seeds, for screens and maps (plan.screenReplicates). */
function screenProfile(profile: ConstantsProfile, plan: VerifyPlan): ConstantsProfile {
  return { ...profile, settings: { ...profile.settings, replicates: Math.min(profile.settings.replicates, plan.screenReplicates) } };
}

export async function runVerify(o: VerifyOptions): Promise<VerifySummary> {
  const t0 = Date.now();
  const screen = screenProfile(o.profile, o.plan);
  const common = { seed: o.seed, profile: o.profile, engine: o.engine, pool: o.pool, store: o.store as unknown as Store<RegimeRecord>, progress: o.progress };
  const bases = o.plan.figures ? morrisBases(o.profile, o.seed, o.plan, o.claims) : [];
  // Work units are numbered in a fixed order (claim x tier x run, cross-region cell x run, Morris
  // screen); a shard takes those whose number is i mod N. Phase sweeps shard by design point.
  const shard = o.shard ?? { index: 0, count: 1 };
  let next = 0;
  const take = (n: number) => {
    const base = next;
    next += n;
    return (i: number) => inShard(base + i, shard);
  };
  const tierJobs = o.claims.flatMap((c) => TIERS.filter((t) => hasTier(c, t, claimContext(c, o.profile))).map((tier) => {
    const runs = runsOf(o.plan, c, tier);
    return runClaimTier(c, { ...common, tier, runs, select: take(runs) });
  }));
  // everything is queued at once on the pool: both cores stay busy until the last unit
  const crossJobs = paperIds().map((p) => crossRegionClaims(o.claims, p)).filter((cs) => cs.length > 1)
    .map((cs) => crossRegionMatrix(cs[0].source.paper, cs, { ...common, profile: screen, runs: o.plan.crossRuns, select: take(cs.length ** 2 * o.plan.crossRuns) }));
  const morrisSelected = bases.map(() => take(1)(0));
  const sharded = shard.count > 1 || !o.plan.figures;
  const [inputs, cross, phases, morris, dynamics, review] = await Promise.all([
    Promise.all(tierJobs),
    Promise.all(crossJobs),
    o.plan.figures ? phaseDiagrams(o) : Promise.resolve([]),
    Promise.all(bases.filter((_, i) => morrisSelected[i]).map(({ claim, base, trajectories }) => morrisForClaim(claim, base, trajectories, o.seed, { ...screen, settings: { ...screen.settings, replicates: Math.min(screen.settings.replicates, o.plan.morrisReplicates ?? screen.settings.replicates) } }, o.pool, o.store as never, o.engine, () => o.progress.tick(1, `Morris ${claim.id}`), { grid: o.plan.claimMapGrid ?? 0, replicates: o.plan.claimMapReplicates ?? 1 }))),
    // the dynamics figures are not stored: a shard leaves them to the merge
    sharded ? Promise.resolve([]) : Promise.all(withDynamics().map((p) => p.figures!.dynamics!.make(o.pool, o.engine).finally(() => o.progress.tick(p.figures!.dynamics!.units, `dynamics ${p.id}`)))),
    // the review thread, rerun (issue 9) at a reduced budget, on the same pool and store: part of the full run
    // (every claim, figures on); a shard leaves it to the merge like the dynamics
    sharded || o.claims.length !== CLAIMS.length ? Promise.resolve(undefined) : reviewForVerify({ seed: o.seed, budget: o.budget, pool: o.pool, store: o.store, engine: o.engine, progress: o.progress }),
  ]);
  // every claim-tier (and link) verdict of this run is judged together (Bonferroni)
  const order = (id: string) => CLAIMS.findIndex((c) => c.id === id);
  const claims = judgeTogether(inputs).sort((a, b) => order(a.id) - order(b.id) || TIERS.indexOf(a.tier) - TIERS.indexOf(b.tier));
  const records = o.store.latest() as unknown as { backend?: string }[];
  return {
    run: runInfo({
      runId: path.basename(o.dir), kind: 'verify', argv: o.argv, seed: o.seed, budget: o.budget, startedAt: o.startedAt,
      backends: [...new Set(records.map((r) => r.backend).filter((b): b is string => typeof b === 'string'))].sort(),
      seconds: (Date.now() - t0) / 1000,
    }),
    profile: { name: o.profile.name, file: o.profile.file, settings: o.profile.settings, claims: o.profile.claims },
    claims,
    audits: auditPresets(o.profile),
    dynamics: dynamics.flat(),
    phases,
    morris,
    declarations: claimDeclarations(o.claims, o.profile),
    crossRegion: cross.map((m) => withDiagonal(m, claims)),
    ...(review ? { review } : {}),
  };
}

/** Point reports/latest at a run folder (a relative symlink swapped in atomically). */
export function pointLatest(base: string, dir: string): void {
  const link = path.join(base, 'latest');
  const tmp = path.join(base, `.latest-${process.pid}`);
  fs.rmSync(tmp, { force: true });
  fs.symlinkSync(path.relative(base, dir), tmp);
  fs.renameSync(tmp, link);
}
