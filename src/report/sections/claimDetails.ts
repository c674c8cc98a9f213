import type { Tier } from '../../claims/types';
import { TIERS } from '../../claims/types';
import type { ClaimSummary } from '../../engine/summary';
import { type Block, type Rich, code, heading, linkTo, section, text, verdict } from '../doc/model';
import { fmtDuration, fmtNum, fmtPct, fmtRegime } from '../format';
import type { VerifySummary } from '../model';
import {
  claimHeading, claimMapHeading, counterexampleHeading, jointHeading, morrisHeading, regionHeading, SECTIONS, tierHeading,
} from './headings';
import { hypothesisShort } from './hypotheses';
import { groupClaims, robustnessCell, verdictCell } from './verdicts';

/**
 * One place per claim that the verdict table links to: per tier its verdict, counts, CPU time and
 * counterexamples (each saying whether its regime met the hypotheses), and links to the claim's
 * region, joint links, Morris screen and verdict map elsewhere in the report.
 */

function tierBlocks(c: ClaimSummary): Block[] {
  const out: Block[] = [heading(4, tierHeading(c.id, c.tier))];
  const n = c.counts ?? {};
  const items: Rich[] = [
    ['Verdict: ', ...(c.tier === 'robustness' ? robustnessCell(c) : verdictCell(c))],
    [`Units: ${fmtNum(c.units)} over ${fmtNum(c.runs)} regimes; ${fmtNum(n.holds ?? 0)} hold, ${fmtNum(n.breaks ?? 0)} break, ${fmtNum(n['not-reached'] ?? 0)} not reached; CPU time ${fmtDuration(c.seconds)}.`],
  ];
  if (c.byPreset) {
    items.push(['By preset: ', ...Object.entries(c.byPreset).flatMap(([p, b], i) => [...(i ? ['; '] : []), code(p), ` ${fmtPct(b.holdRate)} (${b.counts.holds ?? 0} of ${(b.counts.holds ?? 0) + (b.counts.breaks ?? 0) + (b.counts['not-reached'] ?? 0)})`])]);
  }
  if (c.links && Object.keys(c.links).length) items.push(['Links: ', linkTo(jointHeading(c.id, c.tier), jointHeading(c.id, c.tier))]);
  out.push({ k: 'list', items });
  const cxs = c.counterexamples ?? [];
  if (cxs.length) {
    out.push({
      k: 'table',
      head: ['Counterexample', 'Verdict', 'Margin', 'Hypotheses', 'Regime'],
      align: ['l', 'l', 'r', 'l', 'l'],
      rows: cxs.map((x, i) => [linkTo(`#${i + 1}`, counterexampleHeading(c.id, c.tier, i)), verdict(x.verdict), fmtNum(x.margin), hypothesisShort(x.hypotheses), code(fmtRegime(x.regime))]),
    });
  }
  return out;
}

export function claimDetailBlocks(summary: VerifySummary): Block[] {
  const out: Block[] = [section(SECTIONS.claims)];
  if (!summary.claims.length) return [...out, { k: 'p', body: 'No claim was checked in this run.' }];
  const regions = new Set((summary.declarations ?? []).filter((d) => d.region.length || d.paperNote || d.links || d.derivedFrom || d.undeclared.length).map((d) => d.id));
  const morris = new Map((summary.morris ?? []).map((m) => [m.claim, m]));
  for (const { id, tiers } of groupClaims(summary.claims)) {
    const any = TIERS.map((t) => tiers[t]).find(Boolean) as ClaimSummary;
    out.push(heading(3, claimHeading(id)));
    const see: Rich[] = [];
    if (regions.has(id)) see.push(linkTo('working region', regionHeading(id)));
    if (morris.has(id)) see.push(linkTo('Morris screen', morrisHeading(id)));
    if (morris.get(id)?.map) see.push(linkTo('verdict map over its top two factors', claimMapHeading(id)));
    const present = TIERS.filter((t): t is Tier => Boolean(tiers[t]));
    out.push({
      k: 'p',
      body: [
        `${any.title || id}${any.source ? ` (${any.source})` : ''}. Tiers: `,
        ...present.flatMap((t, i) => [...(i ? [', '] : []), linkTo(t, tierHeading(id, t))]),
        ...(see.length ? ['. See its ', ...see.flatMap((s, i) => [...(i ? [i === see.length - 1 ? ' and ' : ', '] : []), s])] : []),
        '.',
      ].map((x) => (typeof x === 'string' ? text(x) : x)) as Rich,
    });
    for (const t of present) out.push(...tierBlocks(tiers[t] as ClaimSummary));
  }
  return out;
}
