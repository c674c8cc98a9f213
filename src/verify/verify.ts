import * as fs from 'fs';
import * as path from 'path';
import { CLAIMS } from '../claims/registry';
import type { Claim } from '../claims/types';
import { claimContext } from '../claims/context';
import type { ConstantsProfile } from '../claims/constants';
import { auditSetting } from '../cli/assumptionsCommand';
import { checkClaims } from '../engine/check';
import { regimeAt } from '../engine/generate';
import type { EvaluatorPool } from '../engine/pool';
import type { Store, StoreRecord } from '../engine/store';
import { adjustTogether, RegimeRecord } from '../engine/summary';
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

/**
 * `claimcheck verify`: every claim in both modes, the audit of the papers' own settings, phase
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
}

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
  const scaling = selected.filter((c) => c.kind === 'scaling').length;
  const claims = (selected.length - scaling) * (plan.inRegimeRuns + plan.robustnessRuns) + scaling * (plan.scalingInRegimeRuns + plan.scalingRobustnessRuns);
  return claims + 2 * plan.heatmapGrid ** 2 + plan.separationGrid ** 2 + morrisPoints + 3;
}

/** Morris bases (each claim's first in-regime draw) and trajectories per claim under a plan. */
export function morrisBases(profile: ConstantsProfile, seed: number, plan: VerifyPlan, selected: readonly Claim[] = CLAIMS) {
  return selected.map((claim) => {
    const base = regimeAt(claim.regimes('in-regime', claimContext(claim, profile)), seed, '0');
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
    target: { kind: 'claim', claim: 'A.separation', mode: 'robustness' },
    design: { kind: 'grid', points: o.plan.separationGrid ** 2, seed: o.seed, perAxis: o.plan.separationGrid },
  };
  const sweeps: [SweepSpec, string][] = [
    [heatSpec, `npx claimcheck sweep --preset paper-a-heatmap --axis snr=0.03..0.10 --axis n=100..700 --grid ${o.plan.heatmapGrid} --metric testError --algo gd,lngd`],
    [sepSpec, `npx claimcheck sweep --preset paper-a-main --axis m=1..40:log --axis eta=0.1..10:log --grid ${o.plan.separationGrid} --claim A.separation --mode robustness`],
  ];
  const store = o.store as unknown as Store<SweepPoint>;
  const progress = { ...o.progress, setTotal: () => {} };
  const designs = sweeps.map(([spec]) => gridDesign(spec.axes, spec.design.perAxis!, o.seed));
  await Promise.all(sweeps.map(([spec], i) => runSweep(spec, designs[i], { index: 0, count: 1 }, o.pool, store, o.profile, progress)));
  return sweeps.flatMap(([spec, cmd], i) => {
    const pts = designs[i].flatMap((dp) => seriesOf(spec).flatMap((s) => store.get(pointKey(spec, dp.point, s)) ?? []));
    return sweepPhases(spec, orderPoints(pts), cmd);
  });
}

export async function runVerify(o: VerifyOptions): Promise<VerifySummary> {
  const t0 = Date.now();
  const common = { seed: o.seed, profile: o.profile, engine: o.engine, pool: o.pool, store: o.store as unknown as Store<RegimeRecord>, progress: o.progress };
  const bases = morrisBases(o.profile, o.seed, o.plan, o.claims);
  const regimeClaims = o.claims.filter((c) => c.kind !== 'scaling');
  const scalingClaims = o.claims.filter((c) => c.kind === 'scaling');
  // everything is queued at once on the pool: both cores stay busy until the last unit
  const [inRegime, robustness, scalingIn, scalingRob, phases, morris, dynA, dynB] = await Promise.all([
    checkClaims(regimeClaims, ['in-regime'], { ...common, runs: o.plan.inRegimeRuns }),
    checkClaims(regimeClaims, ['robustness'], { ...common, runs: o.plan.robustnessRuns }),
    checkClaims(scalingClaims, ['in-regime'], { ...common, runs: o.plan.scalingInRegimeRuns }),
    checkClaims(scalingClaims, ['robustness'], { ...common, runs: o.plan.scalingRobustnessRuns }),
    phaseDiagrams(o),
    Promise.all(bases.map(({ claim, base, trajectories }) => morrisForClaim(claim, base, trajectories, o.seed, o.profile, o.pool, o.store as never, o.engine, () => o.progress.tick(1, `Morris ${claim.id}`)))),
    paperADynamics(o.pool, o.engine).finally(() => o.progress.tick(2, 'dynamics A')),
    paperBDynamics(o.pool, o.engine).finally(() => o.progress.tick(1, 'dynamics B')),
  ]);
  // Holm across every claim and mode judged in this run
  const order = (id: string) => CLAIMS.findIndex((c) => c.id === id);
  const all = [...inRegime, ...scalingIn, ...robustness, ...scalingRob].sort((a, b) => order(a.id) - order(b.id) || (a.mode < b.mode ? -1 : 1));
  const claims = adjustTogether(all);
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
