import { InputError } from '../../claims/constants';
import { resolveConfig, type TrainConfig } from '../../training/config';
import { loadPreset } from '../../training/presets';
import type { TrainResult } from '../../training/train';
import { level, rowBase, rowFileName, seedsFor } from '../common';
import {
  accuracyOf, beats, combineParts, diverged, equivalent, judgeRate, meanOf, meanRange, notWorse, type Part, partsReason,
} from '../judge';
import type { CatalogueRow, Procedure, ReviewFigure, RowContext } from '../types';

/**
 * `compare`: the generic procedure of the rows that compare named runs (rows 1, 2, 4, 6, 7, 10, 14).
 * A row declares
 *   settings.runs:  { name: { preset?, set?, seeds? } }  each over the row's base (settings.preset,
 *                   settings.set), `preset` replacing the base, trained on the first `seeds` (default
 *                   settings.seeds) replicate seeds;
 *   settings.parts: [ { name, said, rule, run | a, b, level? } ]  the statements to judge, with rules
 *                   atLeast / atMost (run's test accuracy vs levels[level]), beats / notBeats (a's
 *                   paired McNemar improvement over b above levels[level], default 0), notWorse
 *                   (err_a - err_b upper bound <= levels[level]), equivalent (|err_a - err_b| interval
 *                   inside levels[level]), lossBelow (a's final training loss below b's), diverges /
 *                   notDiverges (run);
 *   settings.figure: { kind: 'bars', id, title }  optional: mean accuracy of every run.
 * Each part is judged on the seeds its runs share (judge.ts: Clopper-Pearson on the per-seed rate,
 * parts Bonferroni-corrected together) and the parts combine into the row's verdict.
 */

export type Rule = 'atLeast' | 'atMost' | 'beats' | 'notBeats' | 'notWorse' | 'equivalent' | 'lossBelow' | 'diverges' | 'notDiverges';
const RULES: readonly Rule[] = ['atLeast', 'atMost', 'beats', 'notBeats', 'notWorse', 'equivalent', 'lossBelow', 'diverges', 'notDiverges'];

export interface PartSpec {
  name: string;
  said: string;
  rule: Rule;
  run?: string;
  a?: string;
  b?: string;
  level?: string;
}

export interface RunSpec {
  preset?: string;
  set?: Partial<TrainConfig>;
  seeds?: number;
}

function bad(row: CatalogueRow, field: string, why: string): InputError {
  return new InputError(`${rowFileName(row.paper, row.row)}: field ${field}: ${why}`);
}

/** The part specs of a row, checked against the runs it names. */
export function partSpecs(row: CatalogueRow, runNames: readonly string[]): PartSpec[] {
  const parts = row.settings.parts;
  if (!Array.isArray(parts) || parts.length === 0) throw bad(row, 'settings.parts', 'must be a non-empty list of parts');
  return parts.map((p: PartSpec, i) => {
    const f = `settings.parts[${i}]`;
    if (!p || typeof p.name !== 'string' || typeof p.said !== 'string') throw bad(row, f, 'needs a name and what was said (said)');
    if (!RULES.includes(p.rule)) throw bad(row, `${f}.rule`, `must be one of ${RULES.join(', ')} (got ${JSON.stringify(p.rule)})`);
    const names = ['atLeast', 'atMost', 'diverges', 'notDiverges'].includes(p.rule) ? [p.run] : [p.a, p.b];
    for (const n of names) if (typeof n !== 'string' || !runNames.includes(n)) throw bad(row, f, `names run ${JSON.stringify(n)}, not one of ${runNames.join(', ')}`);
    if (['atLeast', 'atMost', 'notWorse', 'equivalent'].includes(p.rule) && (p.level === undefined || row.levels?.[p.level] === undefined)) {
      throw bad(row, `${f}.level`, `rule ${p.rule} needs a level named in the row's levels`);
    }
    return p;
  });
}

/** The configuration of a named run: the row's base, or the run's preset, with the run's keys. */
export function runConfig(row: CatalogueRow, spec: RunSpec): TrainConfig {
  const base = spec.preset ? resolveConfig(loadPreset(spec.preset).config, (row.settings.set ?? {}) as Record<string, unknown>) : rowBase(row);
  return resolveConfig(base, (spec.set ?? {}) as Record<string, unknown>);
}

/** Train the named runs (each on its seeds, one ctx.train call). */
export async function trainRuns(ctx: RowContext, row: CatalogueRow, specs: Record<string, RunSpec>): Promise<Record<string, TrainResult[]>> {
  const names = Object.keys(specs);
  const configs: TrainConfig[] = [];
  const slots: { name: string; n: number }[] = [];
  for (const name of names) {
    const seeds = specs[name].seeds !== undefined ? seedsFor(ctx, specs[name].seeds!) : ctx.seeds;
    const base = runConfig(row, specs[name]);
    for (const seed of seeds) configs.push(resolveConfig(base, { seed }));
    slots.push({ name, n: seeds.length });
  }
  ctx.note(`${configs.length} runs`);
  const results = await ctx.train(configs, { perSample: true });
  const out: Record<string, TrainResult[]> = {};
  let k = 0;
  for (const s of slots) {
    out[s.name] = results.slice(k, k + s.n);
    k += s.n;
  }
  return out;
}

const acc = (rs: readonly TrainResult[]) => meanRange(rs.map(accuracyOf));

/** Judge one part on the seeds its runs share. */
export function judgePart(row: CatalogueRow, p: PartSpec, runs: Record<string, TrainResult[]>, together: number): Part {
  const lv = p.level !== undefined ? level(row, p.level, 0) : 0;
  if (p.run !== undefined && (p.rule === 'atLeast' || p.rule === 'atMost' || p.rule === 'diverges' || p.rule === 'notDiverges')) {
    const rs = runs[p.run];
    const nDiv = rs.filter(diverged).length;
    const divText = nDiv ? ` (training diverged in ${nDiv}/${rs.length} seeds: accuracy at the step it stopped)` : '';
    // a diverged run never reaches a level (an event that did not happen counts against)
    if (p.rule === 'atLeast') return judgeRate(p.name, p.said, rs.map((r) => !diverged(r) && accuracyOf(r) >= lv), `${p.run} accuracy ${acc(rs)} vs >= ${lv}${divText}`, { together });
    if (p.rule === 'atMost') return judgeRate(p.name, p.said, rs.map((r) => accuracyOf(r) <= lv), `${p.run} accuracy ${acc(rs)} vs <= ${lv}${divText}`, { together });
    const div = rs.filter(diverged).length;
    const outcomes = rs.map((r) => (p.rule === 'diverges' ? diverged(r) : !diverged(r)));
    return judgeRate(p.name, p.said, outcomes, `${p.run} diverged in ${div}/${rs.length} seeds`, { together });
  }
  const A = runs[p.a!], B = runs[p.b!];
  const n = Math.min(A.length, B.length);
  const pairs = A.slice(0, n).map((a, i) => [a, B[i]] as const);
  const errDiff = meanRange(pairs.map(([a, b]) => b.final.testError - a.final.testError));
  switch (p.rule) {
    case 'beats':
      return judgeRate(p.name, p.said, pairs.map(([a, b]) => beats(a, b, lv)), `${p.a} ${acc(A.slice(0, n))} vs ${p.b} ${acc(B.slice(0, n))}; err_${p.b} - err_${p.a} ${errDiff}`, { together });
    case 'notBeats':
      // positive evidence, not a lack of power: B is at least as good as A (err_B - err_A <= margin)
      return judgeRate(p.name, p.said, pairs.map(([a, b]) => notWorse(b, a, lv)), `${p.a} ${acc(A.slice(0, n))} vs ${p.b} ${acc(B.slice(0, n))}; err_${p.b} - err_${p.a} ${errDiff}`, { together });
    case 'notWorse':
      return judgeRate(p.name, p.said, pairs.map(([a, b]) => notWorse(a, b, lv)), `${p.a} ${acc(A.slice(0, n))} vs ${p.b} ${acc(B.slice(0, n))}; margin ${lv}`, { together });
    case 'equivalent':
      return judgeRate(p.name, p.said, pairs.map(([a, b]) => equivalent(a, b, lv)), `${p.a} ${acc(A.slice(0, n))} vs ${p.b} ${acc(B.slice(0, n))}; tolerance ${lv}`, { together });
    case 'lossBelow': {
      const la = pairs.map(([a]) => a.final.trainLoss), lb = pairs.map(([, b]) => b.final.trainLoss);
      return judgeRate(p.name, p.said, pairs.map(([a, b]) => !diverged(a) && a.final.trainLoss < b.final.trainLoss), `final train loss ${p.a} ${meanOf(la).toExponential(2)} vs ${p.b} ${meanOf(lb).toExponential(2)}`, { together });
    }
    default:
      throw new Error(`rule ${p.rule} needs a single run`);
  }
}

/** Per-run summary for details and figures. */
export function runSummary(rs: readonly TrainResult[]) {
  const accs = rs.map(accuracyOf);
  return {
    seeds: rs.length, accuracy: meanOf(accs), accuracyMin: Math.min(...accs), accuracyMax: Math.max(...accs),
    trainLoss: meanOf(rs.map((r) => r.final.trainLoss)), diverged: rs.filter(diverged).length,
    config: { m: rs[0]?.config.m, eta: rs[0]?.config.eta, sigmaP: rs[0]?.config.sigmaP, q: rs[0]?.config.q, algo: rs[0]?.config.algo },
  };
}

/** The row's result from its judged parts. */
export function partsResult(row: CatalogueRow, parts: Part[], details: Record<string, unknown>, figure?: ReviewFigure) {
  const { verdict, settle } = combineParts(parts);
  const reason = `${partsReason(parts)}${row.kind === 'question' && row.prediction ? `. Judged against the theory's prediction: ${row.prediction}` : ''}`;
  return {
    verdict, measured: parts.map((p) => `${p.name}: ${p.measured}`).join(' | '), reason,
    ...(settle ? { settle } : {}),
    details: { ...details, parts },
    ...(figure ? { figure } : {}),
  };
}

export const compare: Procedure = async (row, ctx) => {
  const specs = row.settings.runs as Record<string, RunSpec> | undefined;
  if (!specs || typeof specs !== 'object' || Object.keys(specs).length === 0) throw bad(row, 'settings.runs', 'must name at least one run');
  const specsParts = partSpecs(row, Object.keys(specs));
  const runs = await trainRuns(ctx, row, specs);
  const parts = specsParts.map((p) => judgePart(row, p, runs, specsParts.length));
  const summary = Object.fromEntries(Object.entries(runs).map(([k, rs]) => [k, runSummary(rs)]));
  const fig = row.settings.figure as { kind?: string; id?: string; title?: string } | undefined;
  const figure: ReviewFigure | undefined = fig?.kind === 'bars'
    ? {
        id: fig.id ?? `review-row-${row.row}`, title: fig.title ?? `Row ${row.row}: test accuracy by run`, kind: 'bars',
        data: Object.entries(summary).map(([label, s]) => ({ label, value: s.accuracy, lo: s.accuracyMin, hi: s.accuracyMax })),
      }
    : undefined;
  return partsResult(row, parts, { runs: summary }, figure);
};

/** A row that cannot run on this machine: the catalogue says why (the runner reports it without calling this). */
export const notReproducible: Procedure = async (row) => ({
  verdict: 'not-reproducible-here', measured: 'not run', reason: row.notReproducible ?? 'not reproducible on this machine',
});
