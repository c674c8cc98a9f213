import { findClaim } from '../claims/registry';
import { claimContext } from '../claims/context';
import type { ConstantsProfile } from '../claims/constants';
import type { Tier, Verdict } from '../claims/types';
import type { EvaluatorPool } from '../engine/pool';
import type { Store } from '../engine/store';
import type { PhaseDiagram, SweepAxis, SweepPoint, SweepSummary } from '../report/model';
import { EngineChoice, resolveConfig, TrainConfig } from '../training/config';
import type { Measurement } from '../training/measure';
import type { TrainResult } from '../training/train';
import { regimeHash } from '../util/canonical';
import type { Progress } from '../util/progress';
import { pointToSettings } from './axes';
import { DesignPoint, inShard, Shard } from './design';
import { planBatches } from '../training/batched/plan';

/** Everything that defines a sweep; stored in run.json so any folder can be re-summarised. */
export interface SweepSpec {
  preset: string;
  base: TrainConfig;
  axes: SweepAxis[];
  target: SweepSummary['target'];
  design: SweepSummary['design'] & { perAxis?: number };
  engine: EngineChoice;
  profile: string;
}

export const METRICS = [
  'trainLoss', 'trainLossObserved', 'trainLossTrue', 'trainError', 'trainErrorTrue', 'testError',
  'maxGamma', 'minGamma', 'maxRho', 'maxRhobar', 'iotaMean', 'iotaMax', 'ratio',
] as const;

export function pointKey(spec: SweepSpec, point: Record<string, number>, series: string): string {
  return `sweep/${regimeHash({ base: spec.base, point, series, target: spec.target, engine: spec.engine })}`;
}

async function evaluatePoint(spec: SweepSpec, dp: DesignPoint, series: string, pool: EvaluatorPool, profile: ConstantsProfile): Promise<SweepPoint> {
  const key = pointKey(spec, dp.point, series);
  const settings = pointToSettings(dp.point, spec.base);
  if (spec.target.kind === 'metric') {
    const config = resolveConfig(spec.base, settings, { algo: series });
    const r = await pool.train({ config, engine: spec.engine, perSample: false });
    const v = r.final[spec.target.metric as keyof Measurement];
    return {
      key, index: dp.index, point: dp.point, series,
      value: r.final.diverged || typeof v !== 'number' || !Number.isFinite(v) ? null : v,
      ...(r.final.diverged ? { verdict: 'diverged' as Verdict } : {}),
      seconds: r.seconds, backend: r.backend,
    };
  }
  const claim = findClaim(spec.target.claim);
  const regime = { ...(spec.base as unknown as Record<string, number | string>), ...settings };
  // a claim sweep may ask for its own number of replicate seeds per point (--replicates): it is part of the target, so of the point's key
  const ctx = claimContext(claim, profile);
  const settings2 = spec.target.replicates ? { ...ctx.settings, replicates: spec.target.replicates } : ctx.settings;
  const out = await pool.evaluate({ claimId: claim.id, regime, tier: spec.target.mode as Tier, engine: spec.engine, ...ctx, settings: settings2 });
  return {
    key, index: dp.index, point: dp.point, series,
    value: out.evaluation.margin, verdict: out.evaluation.verdict, margin: out.evaluation.margin,
    seconds: out.seconds, backend: out.backend,
  };
}

export function seriesOf(spec: SweepSpec): string[] {
  return spec.target.kind === 'metric' ? spec.target.algos : [spec.target.claim];
}

/** A metric sweep's point from its training result. */
function metricPoint(spec: SweepSpec, dp: DesignPoint, series: string, r: TrainResult): SweepPoint {
  const metric = (spec.target as { metric: string }).metric;
  const v = r.final[metric as keyof Measurement];
  return {
    key: pointKey(spec, dp.point, series), index: dp.index, point: dp.point, series,
    value: r.final.diverged || typeof v !== 'number' || !Number.isFinite(v) ? null : v,
    ...(r.final.diverged ? { verdict: 'diverged' as Verdict } : {}),
    seconds: r.seconds, backend: r.backend,
  };
}

/** A batch on the pool: its trainBatch job, else the generic job runner, else run by run (a pool wrapper may offer fewer methods). */
export function trainOnPool(pool: EvaluatorPool, job: { configs: TrainConfig[]; engine: EngineChoice; perSample: boolean }): Promise<TrainResult[]> {
  if (typeof pool.trainBatch === 'function') return pool.trainBatch(job);
  if (typeof pool.run === 'function') return pool.run({ kind: 'trainBatch', ...job }) as Promise<TrainResult[]>;
  return Promise.all(job.configs.map((config) => pool.train({ config, engine: job.engine, perSample: job.perSample })));
}

/**
 * Metric sweeps train their points as batched programs (src/training/batched): the pending points
 * are grouped into batches (points sharing a data set together, balanced by cost, at least one per
 * worker) and the pool hands out batches; each point is appended as its batch completes.
 */
async function runMetricBatches(
  spec: SweepSpec, jobs: { dp: DesignPoint; s: string }[], pool: EvaluatorPool, store: Store<SweepPoint>, progress?: Progress,
): Promise<SweepRunStats> {
  const needs = (j: { dp: DesignPoint; s: string }) => store.get(pointKey(spec, j.dp.point, j.s))?.verdict === 'error' || !store.has(pointKey(spec, j.dp.point, j.s));
  const todo = jobs.filter(needs);
  progress?.tick(jobs.length - todo.length);
  if (todo.length === 0) return { batches: [] };
  const configs = todo.map((j) => resolveConfig(spec.base, pointToSettings(j.dp.point, spec.base), { algo: j.s }));
  const batches = planBatches(configs, pool.size);
  await Promise.all(
    batches.map(async (batch) => {
      const results = await trainOnPool(pool, { configs: batch.map((k) => configs[k]), engine: spec.engine, perSample: false });
      batch.forEach((k, i) => {
        const { dp, s } = todo[k];
        const p = metricPoint(spec, dp, s, results[i]);
        if (!store.has(p.key) || store.get(p.key)?.verdict === 'error') store.append(p);
        progress?.tick(1, `${s} ${JSON.stringify(dp.point)}`);
      });
    }),
  );
  return { batches: batches.map((b) => b.length) };
}

/** How a sweep's shard was trained: for a metric sweep, the runs of each batch the pool handed out (none trained: []). */
export interface SweepRunStats {
  batches?: number[];
}

/** Evaluate the shard's points not yet in the store, appending each as it completes. */
export async function runSweep(
  spec: SweepSpec, design: DesignPoint[], shard: Shard, pool: EvaluatorPool, store: Store<SweepPoint>, profile: ConstantsProfile, progress?: Progress,
): Promise<SweepRunStats> {
  const jobs = design.filter((dp) => inShard(dp.index, shard)).flatMap((dp) => seriesOf(spec).map((s) => ({ dp, s })));
  progress?.setTotal(jobs.length);
  if (spec.target.kind === 'metric') return runMetricBatches(spec, jobs, pool, store, progress);
  await Promise.all(
    jobs.map(async ({ dp, s }) => {
      // a point whose evaluation failed (verdict error) is tried again on resume
      if (store.get(pointKey(spec, dp.point, s))?.verdict === 'error' || !store.has(pointKey(spec, dp.point, s))) {
        const p = await evaluatePoint(spec, dp, s, pool, profile);
        if (!store.has(p.key) || store.get(p.key)?.verdict === 'error') store.append(p);
      }
      progress?.tick(1, `${s} ${JSON.stringify(dp.point)}`);
    }),
  );
  return {};
}

function isErrorMetric(metric: string): boolean {
  return /Error/.test(metric);
}

/** Phase diagrams of a two-axis sweep: a heatmap per series (metric) or a verdict map (claim). */
export function sweepPhases(spec: SweepSpec, points: SweepPoint[], command: string): PhaseDiagram[] {
  if (spec.axes.length !== 2) return [];
  const [ax, ay] = spec.axes;
  const label = (a: SweepAxis) => `${a.name}${a.scale === 'log' ? ' (log scale)' : ''}`;
  return seriesOf(spec).map((series) => {
    const own = points.filter((p) => p.series === series);
    const common = {
      xLabel: label(ax), yLabel: label(ay), xLog: ax.scale === 'log', yLog: ay.scale === 'log', command,
    };
    if (spec.target.kind === 'metric') {
      const metric = spec.target.metric;
      return {
        ...common,
        id: `sweep-${metric}-${series}`,
        title: `${metric} of ${series} over ${ax.name} x ${ay.name} (${spec.preset})`,
        kind: 'heatmap' as const,
        colorLabel: metric,
        ...(isErrorMetric(metric) ? { colorDomain: [0, 0.5] as [number, number] } : {}),
        cells: own.map((p) => ({ x: p.point[ax.name], y: p.point[ay.name], value: p.value, label: p.value === null ? 'n/a' : p.value.toFixed(2) })),
        note: `Final ${metric} after ${spec.base.steps} steps of ${series}; grey cells diverged or are missing.`,
      };
    }
    return {
      ...common,
      id: `sweep-${series}-${spec.target.mode}`,
      title: `${series} (${spec.target.mode}) over ${ax.name} x ${ay.name} (${spec.preset})`,
      kind: 'verdict' as const,
      colorLabel: 'verdict',
      cells: own.map((p) => ({ x: p.point[ax.name], y: p.point[ay.name], value: p.value, verdict: p.verdict })),
      note: `Verdict of ${series} at each point; the margin is the signed distance to the predicate's threshold.`,
    };
  });
}

export function orderPoints(points: SweepPoint[]): SweepPoint[] {
  return [...points].sort((a, b) => (a.series < b.series ? -1 : a.series > b.series ? 1 : a.index - b.index));
}
