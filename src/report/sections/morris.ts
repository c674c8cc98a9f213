import { type Block, code, heading, linkTo, section } from '../doc/model';
import { morrisPlotSpec, verdictMapSpec } from '../figures';
import type { FigureWriter } from '../figureWriter';
import { fmtNum, fmtRegime } from '../format';
import type { MorrisClaimResult, MorrisFactorSummary } from '../model';
import { claimHeading, claimMapHeading, morrisHeading, SECTIONS } from './headings';

/**
 * Morris screens (SALib's analyze/plot split: the numbers come from src/analysis, this draws them):
 * a mu*-sigma plot with every factor labelled, the table, and the claim's verdicts over its two
 * most influential factors.
 */

function byMuStar(a: { name: string; muStar: number }, b: { name: string; muStar: number }): number {
  const ka = Number.isFinite(a.muStar) ? a.muStar : -Infinity;
  const kb = Number.isFinite(b.muStar) ? b.muStar : -Infinity;
  return kb - ka || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

/** Fewer effects than this and a bootstrap interval of their mean says little (with 1 it is a point; with 2 it spans their range). */
const FEW_EFFECTS = 4;

function ciText(f: MorrisFactorSummary): string {
  if (!f.muStarCi || !Number.isFinite(f.muStarCi[0]) || !Number.isFinite(f.muStarCi[1])) return '—';
  if (f.n < 2) return `— (1 effect)`;
  const ci = `[${fmtNum(f.muStarCi[0])}, ${fmtNum(f.muStarCi[1])}]`;
  return f.n < FEW_EFFECTS ? `${ci} (${f.n} effects only)` : ci;
}

async function claimMapBlocks(m: MorrisClaimResult, figures: FigureWriter): Promise<Block[]> {
  const map = m.map;
  if (!map) return [];
  const out: Block[] = [heading(4, claimMapHeading(m.claim))];
  out.push(
    ...(await figures.figure('claim-map', m.claim, `Verdicts of ${m.claim} over ${map.x.factor} and ${map.y.factor}`, () =>
      verdictMapSpec({
        xLabel: map.x.factor, yLabel: map.y.factor, xLog: map.x.log, yLog: map.y.log,
        points: map.cells.map((c) => ({ x: c.x, y: c.y, verdict: c.verdict, margin: c.margin, seed: c.seed ?? undefined, regime: fmtRegime(c.regime) })),
      }),
    )),
  );
  out.push({
    k: 'p',
    body: `The claim (robustness tier, ${map.replicates} seed${map.replicates === 1 ? '' : 's'} per cell) over the two factors its Morris screen ranks first, every other factor at the base regime. Hover a marker for its regime, seed and margin.`,
  });
  return out;
}

export async function morrisBlocks(morris: readonly MorrisClaimResult[], figures: FigureWriter): Promise<Block[]> {
  const out: Block[] = [
    section(SECTIONS.morris),
    {
      k: 'p',
      body:
        'Morris elementary effects of each knob on the claim\'s margin: μ* (mean absolute effect) ranks how much a knob moves the ' +
        'margin, μ its signed mean, σ how much the effect varies across the space (non-linearity or interaction). Effects are per ' +
        'unit of the knob\'s range on its scale. Read the plot by position: right = influential; above the dashed line σ = μ* = ' +
        'the effect depends on where it is taken more than on its mean. Each factor\'s μ*, σ and interval rest on one effect per ' +
        `trajectory: with fewer than ${FEW_EFFECTS} the interval (a bootstrap of the effects' mean) is marked as resting on few effects.`,
    },
  ];
  if (!morris.length) return [...out, { k: 'p', body: 'No sensitivity analysis in this run.' }];
  for (const m of morris) {
    const factors = [...m.factors].sort(byMuStar);
    out.push(heading(3, morrisHeading(m.claim)));
    const few = Math.min(...factors.map((f) => f.n));
    out.push({
      k: 'p',
      body: [
        `Output: ${m.output}. ${fmtNum(m.trajectories)} trajectories, ${fmtNum(m.evaluations)} evaluations (${fmtNum(m.missing)} without a margin). `,
        `Ranking: ${m.ranking.join(' > ') || '—'}.`,
        ...(factors.length && few < FEW_EFFECTS ? [` Every factor rests on at most ${Math.max(...factors.map((f) => f.n))} effects: read the ranking as a screen, not a measurement.`] : []),
      ],
    });
    out.push({ k: 'p', body: ['Base regime: ', code(fmtRegime(m.base)), '. Back to ', linkTo(claimHeading(m.claim), claimHeading(m.claim)), '.'] });
    const points = factors.map((f) => ({
      factor: f.name, muStar: f.muStar, sigma: f.sigma, mu: f.mu, n: f.n,
      ...(f.muStarCi && f.n >= 2 ? { lo: f.muStarCi[0], hi: f.muStarCi[1] } : {}),
    }));
    out.push(...(await figures.figure('morris', m.claim, `Morris μ*-σ plot of ${m.claim}`, () => morrisPlotSpec({ points }))));
    out.push({
      k: 'table',
      head: ['Factor', 'Range', 'Scale', 'μ', 'μ*', 'μ* CI', 'σ', 'Effects'],
      align: ['l', 'l', 'l', 'r', 'r', 'r', 'r', 'r'],
      rows: factors.map((f) => [code(f.name), `[${fmtNum(f.lo)}, ${fmtNum(f.hi)}]`, f.scale, fmtNum(f.mu), fmtNum(f.muStar), ciText(f), fmtNum(f.sigma), fmtNum(f.n)]),
    });
    out.push(...(await claimMapBlocks(m, figures)));
  }
  return out;
}
