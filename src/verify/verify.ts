import * as fs from 'fs';
import * as path from 'path';
import { CLAIMS } from '../claims/registry';
import type { Claim, Tier } from '../claims/types';
import { TIERS } from '../claims/types';
import { claimContext } from '../claims/context';
import type { ConstantsProfile } from '../claims/constants';
import { auditSetting } from '../cli/assumptionsCommand';
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
import { paperADynamics, paperBDynamics } from './dynamics';
import { knobsFor, morrisForClaim } from './morrisClaims';
import type { VerifyPlan } from './plan';
import { inShard, Shard } from '../engine/shard';
import { crossRegionClaims, crossRegionMatrix, crossRegionUnits, withDiagonal } from './crossRegion';
import { claimDeclarations } from './declarations';

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

/** The papers whose cross-region matrices verify draws. */
const PAPERS = ['A', 'B'] as const;

const AUDITED_PRESETS = ['paper-a-main', 'paper-a-q3', 'paper-a-q4', 'paper-b'];

export function auditPresets(profile: ConstantsProfile): AuditEntry[] {
  return AUDITED_PRESETS.map((name) => {
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
  const cross = PAPERS.reduce((a, p) => a + crossRegionUnits(crossRegionClaims(selected, p), plan.crossRuns), 0);
  return claims + cross + (plan.figures ? 2 * plan.heatmapGrid ** 2 + plan.separationGrid ** 2 + morrisPoints + 3 : 0);
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

async function phaseDiagrams(o: VerifyOptions): Promise<PhaseDiagram[]> {
  const heatSpec: SweepSpec = {
    preset: 'paper-a-heatmap', base: loadPreset('paper-a-heatmap').config, engine: o.engine, profile: o.profile.name,
    axes: [parseAxis('snr=0.03..0.10'), parseAxis('n=100..700')],
    target: { kind: 'metric', metric: 'testError', algos: ['gd', 'lngd'] },
    design: { kind: 'grid', points: o.plan.heatmapGrid ** 2, seed: o.seed, perAxis: o.plan.heatmapGrid },
  };
  // the reviewer's question: does the headline survive other widths and learning rates at the paper's own setting?
  const sepSpec: SweepSpec = {
    preset: 'paper-a-main', base: loadPreset('paper-a-main').config, engine: o.engine, profile: o.profile.name,
    axes: [parseAxis('m=1..40:log'), parseAxis('eta=0.1..10:log')],
    target: { kind: 'claim', claim: 'A.separation', mode: 'robustness' as Tier, replicates: Math.min(o.profile.settings.replicates, o.plan.screenReplicates) },
    design: { kind: 'grid', points: o.plan.separationGrid ** 2, seed: o.seed, perAxis: o.plan.separationGrid },
  };
  const sweeps: [SweepSpec, string][] = [
    [heatSpec, `npx claimcheck sweep --preset paper-a-heatmap --axis snr=0.03..0.10 --axis n=100..700 --grid ${o.plan.heatmapGrid} --metric testError --algo gd,lngd`],
    [sepSpec, `npx claimcheck sweep --preset paper-a-main --axis m=1..40:log --axis eta=0.1..10:log --grid ${o.plan.separationGrid} --claim A.separation --tier robustness --replicates ${Math.min(o.profile.settings.replicates, o.plan.screenReplicates)}`],
  ];
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
  const crossJobs = PAPERS.map((p) => crossRegionClaims(o.claims, p)).filter((cs) => cs.length > 1)
    .map((cs) => crossRegionMatrix(cs[0].source.paper, cs, { ...common, profile: screen, runs: o.plan.crossRuns, select: take(cs.length ** 2 * o.plan.crossRuns) }));
  const morrisSelected = bases.map(() => take(1)(0));
  const sharded = shard.count > 1 || !o.plan.figures;
  const [inputs, cross, phases, morris, dynA, dynB] = await Promise.all([
    Promise.all(tierJobs),
    Promise.all(crossJobs),
    o.plan.figures ? phaseDiagrams(o) : Promise.resolve([]),
    Promise.all(bases.filter((_, i) => morrisSelected[i]).map(({ claim, base, trajectories }) => morrisForClaim(claim, base, trajectories, o.seed, screen, o.pool, o.store as never, o.engine, () => o.progress.tick(1, `Morris ${claim.id}`)))),
    // the dynamics figures are not stored: a shard leaves them to the merge
    sharded ? Promise.resolve([]) : paperADynamics(o.pool, o.engine).finally(() => o.progress.tick(2, 'dynamics A')),
    sharded ? Promise.resolve([]) : paperBDynamics(o.pool, o.engine).finally(() => o.progress.tick(1, 'dynamics B')),
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
    dynamics: [...dynA, ...dynB],
    phases,
    morris,
    declarations: claimDeclarations(o.claims, o.profile),
    crossRegion: cross.map((m) => withDiagonal(m, claims)),
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
