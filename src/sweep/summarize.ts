import * as fs from 'fs';
import * as path from 'path';
import { InputError } from '../claims/constants';
import { readStore } from '../engine/store';
import type { SweepPoint, SweepSummary } from '../report/model';
import { runInfo } from '../report/runInfo';
import { orderPoints, SweepSpec, sweepPhases } from './run';

/** run.json of a sweep folder: the spec plus how it was asked for. */
export interface SweepRunMeta {
  kind: 'sweep';
  argv: string[];
  startedAt: string;
  spec: SweepSpec;
  command: string;
  shards: string[];
  seconds?: number;
  /** worker processes the (last shard of the) sweep trained on; 0 = in the command's own process */
  workers?: number;
  /** runs in each batch the pool handed out, in the order planned (a metric sweep's last shard; sweep/run.ts) */
  batches?: number[];
  /** when the (last shard of the) sweep finished, and at which claimcheck revision */
  finishedAt?: string;
  gitRevision?: string | null;
}

export function readRunMeta<T = Record<string, unknown>>(dir: string): T {
  const file = path.join(dir, 'run.json');
  if (!fs.existsSync(file)) throw new InputError(`${file}: missing (is ${dir} a claimcheck results folder?)`);
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch (e) {
    throw new InputError(`${file}: not valid JSON (${(e as Error).message})`);
  }
}

/** The summary of a sweep folder, from run.json and results.jsonl alone. */
export function summarizeSweep(dir: string): SweepSummary {
  const meta = readRunMeta<SweepRunMeta>(dir);
  if (meta.kind !== 'sweep' || !meta.spec) throw new InputError(`${path.join(dir, 'run.json')}: not a sweep run (kind ${JSON.stringify(meta.kind)})`);
  const points = orderPoints(readStore<SweepPoint>(path.join(dir, 'results.jsonl')).latest());
  const spec = meta.spec;
  return {
    run: runInfo({
      runId: path.basename(dir), kind: 'sweep', argv: meta.argv, seed: spec.design.seed, budget: 1, startedAt: meta.startedAt,
      backends: [...new Set(points.map((p) => p.backend))].sort(), seconds: meta.seconds ?? points.reduce((a, p) => a + p.seconds, 0),
    }, {
      ...(meta.finishedAt ? { finishedAt: meta.finishedAt } : {}),
      ...(meta.gitRevision !== undefined ? { gitRevision: meta.gitRevision } : {}),
    }),
    preset: spec.preset,
    base: spec.base as unknown as Record<string, number | string>,
    axes: spec.axes,
    target: spec.target,
    design: { kind: spec.design.kind, points: spec.design.points, seed: spec.design.seed },
    shards: meta.shards,
    points,
    phases: sweepPhases(spec, points, meta.command),
  };
}
