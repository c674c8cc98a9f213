import { InputError } from '../../claims/constants';
import type { TrainConfig } from '../../training/config';
import type { TrainResult } from '../../training/train';
import { rowFileName, seedsFor } from '../common';
import { accuracyOf, diverged, meanOf } from '../judge';
import type { Procedure, ReviewFigure } from '../types';
import { judgePart, partSpecs, partsResult, type RunSpec, trainRuns } from './compare';

/**
 * `eta-grid`: methods over a grid of learning rates (rows 3 and 5). A row declares
 *   settings.etas:    the grid (pre-registered in the catalogue),
 *   settings.methods: { name: overrides } (e.g. gd: {algo: gd}, lngd: {algo: lngd}),
 *   settings.mapSeeds: seeds per grid cell at budget 1 (default: the row's seeds),
 *   settings.parts:   parts as in `compare`, naming runs `<method>@<eta>` (judged on the row's seeds),
 *   settings.figure:  { kind: 'lr-map' | 'accuracy-by-eta', id, title }.
 * Per method and eta it reports the fraction of seeds whose training diverged (TrainResult.final.
 * diverged: NaN/Inf or the loss beyond divergeLoss) and the test accuracy of the runs that did not;
 * a method "stops diverging" at the largest grid eta below its smallest diverging one.
 */

export interface MapCell {
  method: string;
  eta: number;
  seeds: number;
  divergedFraction: number;
  /** mean test accuracy of the non-diverged runs (null: all diverged) */
  accuracy: number | null;
  accuracyMin: number | null;
  accuracyMax: number | null;
}

/** The largest grid eta below the smallest eta at which any seed diverged (every eta when none diverged; null when the smallest diverges). */
export function stopsDiverging(cells: readonly MapCell[]): number | null {
  const sorted = [...cells].sort((a, b) => a.eta - b.eta);
  let ok: number | null = null;
  for (const c of sorted) {
    if (c.divergedFraction > 0) return ok;
    ok = c.eta;
  }
  return ok;
}

export function mapCell(method: string, eta: number, rs: readonly TrainResult[]): MapCell {
  const kept = rs.filter((r) => !diverged(r)).map(accuracyOf);
  return {
    method, eta, seeds: rs.length, divergedFraction: rs.filter(diverged).length / Math.max(1, rs.length),
    accuracy: kept.length ? meanOf(kept) : null, accuracyMin: kept.length ? Math.min(...kept) : null, accuracyMax: kept.length ? Math.max(...kept) : null,
  };
}

export const etaGrid: Procedure = async (row, ctx) => {
  const etas = row.settings.etas;
  const methods = row.settings.methods as Record<string, Partial<TrainConfig>> | undefined;
  const where = rowFileName(row.paper, row.row);
  if (!Array.isArray(etas) || etas.length === 0 || !etas.every((e) => typeof e === 'number' && e > 0)) throw new InputError(`${where}: field settings.etas: must be a non-empty list of positive learning rates`);
  if (!methods || Object.keys(methods).length === 0) throw new InputError(`${where}: field settings.methods: must name at least one method`);
  const name = (m: string, eta: number) => `${m}@${eta}`;
  const mapCount = typeof row.settings.mapSeeds === 'number' ? row.settings.mapSeeds : undefined;
  const mapSeeds = mapCount !== undefined ? seedsFor(ctx, mapCount) : ctx.seeds;
  const specs: Record<string, RunSpec> = {};
  for (const m of Object.keys(methods)) for (const eta of etas as number[]) specs[name(m, eta)] = { set: { ...methods[m], eta }, ...(mapCount !== undefined ? { seeds: mapCount } : {}) };
  const parts = partSpecs(row, Object.keys(specs));
  // the runs the parts judge are trained on all the row's seeds (the map's seeds are their prefix: cached)
  for (const p of parts) for (const r of [p.run, p.a, p.b]) if (r !== undefined) specs[r] = { ...specs[r], seeds: undefined };
  ctx.note(`${Object.keys(specs).length} cells`);
  const runs = await trainRuns(ctx, row, specs);
  const cells: MapCell[] = [];
  for (const m of Object.keys(methods)) for (const eta of etas as number[]) cells.push(mapCell(m, eta, runs[name(m, eta)].slice(0, mapSeeds.length)));
  const judged = parts.map((p) => judgePart(row, p, runs, parts.length));
  const stops = Object.fromEntries(Object.keys(methods).map((m) => [m, stopsDiverging(cells.filter((c) => c.method === m))]));
  const fig = row.settings.figure as { kind?: ReviewFigure['kind']; id?: string; title?: string } | undefined;
  const figure: ReviewFigure | undefined = fig?.kind
    ? {
        id: fig.id ?? `review-row-${row.row}`, title: fig.title ?? `Row ${row.row}: test accuracy and divergence over the learning rate`, kind: fig.kind,
        data: cells.map((c) => ({ method: c.method, eta: c.eta, divergedFraction: c.divergedFraction, accuracy: c.accuracy, lo: c.accuracyMin, hi: c.accuracyMax, seeds: c.seeds })),
      }
    : undefined;
  const out = partsResult(row, judged, { map: cells, stopsDiverging: stops, mapSeeds: mapSeeds.length }, figure);
  const stopText = Object.entries(stops).map(([m, e]) => `${m} stops diverging at eta <= ${e ?? `none of the grid (diverges at ${Math.min(...(etas as number[]))})`}`).join(', ');
  return { ...out, measured: `${out.measured} | map (${mapSeeds.length} seeds/cell): ${stopText}` };
};
