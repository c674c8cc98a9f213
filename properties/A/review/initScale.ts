import { ASM_DEFAULTS, sigma0Window } from '../assumptions';
import { level, setting } from '../../../src/review/common';
import { combineParts, judgeRate, partsReason, type Part } from '../../../src/review/judge';
import type { Procedure } from '../../../src/review/types';
import { beatsEverywhere, cellLine, cellRow, judgeCells, trainCells, type CellRuns } from '../../../src/review/procedures/cellsBeat';
import { fullOrBase } from '../../../src/review/procedures/patchCount';

/**
 * `init-scale` (row A-09, a reviewer's question): sigma_0 over decades. Assumption 3.1 (iv) of
 * paper A bounds it: C log(d/delta) n sigma_p^-1 d^-3/4 <= sigma_0 <= min(||mu||^-1 d^-5/8,
 * sigma_p^-1 d^-1/2) / (C log(d/delta)) (properties/A/assumptions.ts sigma0Window, with the A.asm profile
 * constants C = 1, delta = 0.05). At any affordable size the window is empty (its lower side exceeds
 * its upper side), so no sigma_0 meets (iv) literally; the procedure judges the side of (iv) that
 * can be met, the upper one (a small initialisation, where the theorems' mechanism lives): per seed,
 * label-noise GD beats GD at every sigma_0 of the row meeting (iv.hi). The sigma_0 above it are
 * outside the assumption: the theorem says nothing there and they are reported as measured.
 * Settings: `sigma0s`; `C`, `delta` (default the A.asm profile's). Levels: `minGap` (default 0).
 */
export const initScale: Procedure = async (row, ctx) => {
  const sigma0s = setting<number[]>(row, 'sigma0s', [1e-4, 1e-3, 1e-2, 1e-1, 1]);
  const k = { C: setting(row, 'C', ASM_DEFAULTS.C), delta: setting(row, 'delta', ASM_DEFAULTS.delta), cFlip: 0 };
  const base = fullOrBase(row, ctx);
  const w = sigma0Window(base, k);
  const cells = judgeCells(
    await trainCells(ctx, base, sigma0s.map((s) => ({ label: `sigma0=${s}`, set: { sigma0: s } })), ctx.seeds),
    level(row, 'minGap', 0),
  );
  const sideOf = (c: CellRuns) => {
    const s = c.cell.set.sigma0!;
    return { lo: s >= w.lo, hi: s <= w.hi };
  };
  const inside = cells.filter((c) => sideOf(c).hi);
  const outside = cells.filter((c) => !sideOf(c).hi);
  const windowText = `(iv) at n=${base.n}, d=${base.d}, ||mu||=${base.A}, sigma_p=${base.sigmaP} (C=${k.C}, delta=${k.delta}): ` +
    `${w.lo.toPrecision(3)} <= sigma_0 <= ${w.hi.toPrecision(3)}${w.lo > w.hi ? ' - empty: no sigma_0 meets (iv) literally; judged on its upper side (iv.hi)' : ''}`;
  const outsideText = outside.length ? `outside (iv.hi), not judged: ${outside.map(cellLine).join('; ')}` : 'every sigma_0 of the row meets (iv.hi)';
  const details = {
    window: { lo: w.lo, hi: w.hi, empty: w.lo > w.hi, C: k.C, delta: k.delta },
    cells: cells.map((c) => ({ ...cellRow(c), meetsIvLo: sideOf(c).lo, meetsIvHi: sideOf(c).hi })),
  };
  if (inside.length === 0) {
    return {
      verdict: 'inconclusive' as const,
      measured: `${windowText}. ${outsideText}`,
      reason: 'no sigma_0 of the row meets (iv.hi): nothing to judge against the theorem',
      settle: `add sigma_0 values at or below ${w.hi.toPrecision(3)} to settings.sigma0s`,
      details,
    };
  }
  const parts: Part[] = [judgeRate(
    'LNGD beats GD at every sigma_0 meeting (iv.hi)',
    row.prediction ?? row.expectation,
    beatsEverywhere(inside),
    inside.map(cellLine).join('; '),
  )];
  const { verdict, settle } = combineParts(parts);
  return {
    verdict,
    measured: `${windowText}. Inside: ${parts[0].measured}. ${outsideText}`,
    reason: `${partsReason(parts)}. Judged against: ${row.prediction}`,
    ...(settle ? { settle } : {}),
    details: { ...details, parts },
  };
};
