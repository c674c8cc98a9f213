import type { Tier } from '../../claims/types';
import { TIERS, VERDICTS } from '../../claims/types';
import type { ClaimSummary } from '../../engine/summary';
import { type Block, type Rich, type Span, anchor, heading, linkTo, section, strong, text, verdict } from '../doc/model';
import { fmtCi, fmtDuration, fmtNum, fmtPct } from '../format';
import type { VerifySummary } from '../model';
import { claimHeading, counterexamplesHeading, SECTIONS, tierHeading } from './headings';

/** The verdict table (every cell links to that claim's details) and the verdict counts with CPU time per claim and tier. */

/** e.g. "holds 100% [95, 100] (72 decisive of 72 units, 6 regimes)" or "infeasible (1 unit)"; inconclusive says what would settle it. */
export function verdictCell(s: ClaimSummary | undefined): Span[] {
  if (!s) return [text('—')];
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  const units = s.decisive === s.units || s.decisive === 0 ? `(${plural(s.units, 'unit')}, ${plural(s.runs, 'regime')})` : `(${s.decisive} decisive of ${plural(s.units, 'unit')}, ${plural(s.runs, 'regime')})`;
  const rate = s.holdRate === null ? '' : ` ${fmtPct(s.holdRate)} ${fmtCi(s.ci)}`;
  const why = s.holdRate === null && s.notes?.length ? `: ${s.notes.join('; ')}` : '';
  const settle = s.verdict === 'inconclusive' && s.unitsToSettle ? `; ~${s.unitsToSettle} more decisive units would settle it` : '';
  const derived = s.derivedFrom ? ` — derived from ${s.derivedFrom}, not independent evidence` : '';
  return [verdict(s.verdict), text(`${rate} ${units}${why}${settle}${derived}`)];
}

export function robustnessCell(s: ClaimSummary | undefined): Span[] {
  if (!s) return [text('—')];
  const h = s.byHypotheses;
  return [...verdictCell(s), text(`; breaks: ${h.inside.breaks} inside, ${h.outside.breaks} outside the hypotheses`)];
}

export function otherVerdicts(s: ClaimSummary): string {
  const rest = VERDICTS.filter((v) => v !== 'holds' && v !== 'breaks' && (s.counts?.[v] ?? 0) > 0);
  return rest.length ? rest.map((v) => `${s.counts[v]} ${v}`).join(', ') : '—';
}

export function groupClaims(claims: readonly ClaimSummary[]): { id: string; tiers: Partial<Record<Tier, ClaimSummary>> }[] {
  const out = new Map<string, Partial<Record<Tier, ClaimSummary>>>();
  for (const c of claims) {
    const tiers = out.get(c.id) ?? {};
    tiers[c.tier] = c;
    out.set(c.id, tiers);
  }
  return [...out].map(([id, tiers]) => ({ id, tiers }));
}

const TIER_TEXT: Record<Tier, string> = {
  literal: "the paper's hypotheses with the profile's explicit constants; `infeasible` where they cannot be met at an affordable size (with the size they need)",
  paper: 'the settings where the paper or its review thread says the claim was observed (named presets), over drawn seeds',
  working: "a region the suite chose where the literal hypotheses are unaffordable: NOT the paper's hypotheses (its bounds and their provenance are listed below)",
  robustness: 'across and beyond the hypotheses (small widths, step sizes over decades, other noise levels, q and flip rates): where the claim stops holding',
};

/** A tier cell: the verdict, with the verdict itself linking to that claim-tier's details. */
function linkedCell(id: string, tier: Tier, s: ClaimSummary | undefined): Span[] {
  if (!s) return [text('—')];
  const [v, ...rest] = tier === 'robustness' ? robustnessCell(s) : verdictCell(s);
  return [linkTo(v.s, tierHeading(id, tier)), ...rest];
}

/** The anchor of a claim-tier's row in the counts table (HTML). */
export const countsRowId = (id: string, tier: Tier) => `counts-${anchor(`${id} ${tier}`)}`;

export function countsRow(s: ClaimSummary): Rich[] {
  const cx = s.counterexamples?.length ?? 0;
  return [
    linkTo(s.id, claimHeading(s.id)), s.tier, fmtNum(s.runs), fmtNum(s.units ?? s.runs), fmtNum(s.counts?.holds ?? 0), fmtNum(s.counts?.breaks ?? 0), fmtNum(s.counts?.['not-reached'] ?? 0),
    otherVerdicts(s).replace(/\b(\d+) not-reached, ?/, ''), s.verdict === 'inconclusive' && s.unitsToSettle ? fmtNum(s.unitsToSettle) : '—',
    cx ? linkTo(fmtNum(cx), counterexamplesHeading(s.id, s.tier, cx)) : '0', fmtDuration(s.seconds), (s.backends ?? []).join(', '),
  ];
}

export const COUNTS_HEAD = ['Claim', 'Tier', 'Regimes', 'Units', 'Holds', 'Breaks', 'Not reached', 'Other', 'To settle', 'Counterexamples', 'CPU time', 'Backends'];
export const COUNTS_ALIGN = ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'l', 'r', 'r', 'r', 'l'] as const;

export const CPU_TIME_NOTE =
  'CPU time: the CPU time (user + system) of each evaluation in its worker process, summed over the claim-tier\'s evaluations: ' +
  'the compute the claim cost, not the wall time of claims that ran concurrently (runs recorded before CPU time was count each ' +
  'evaluation\'s time inside its worker, which runs one evaluation at a time).';

export function verdictBlocks(summary: VerifySummary): Block[] {
  const out: Block[] = [section(SECTIONS.verdicts)];
  if (!summary.claims.length) return [...out, { k: 'p', body: 'No claim was checked in this run.' }];
  const settings = summary.profile?.settings;
  const groups = groupClaims(summary.claims);
  out.push({ k: 'p', body: ["Each claim links to its details; each verdict to that tier's counts, counterexamples, region, Morris screen and maps."] });
  out.push({
    k: 'table',
    head: ['Claim', 'Source', 'Title', ...TIERS.map((t) => `${t[0].toUpperCase()}${t.slice(1)} tier`)],
    align: ['l', 'l', 'l', 'l', 'l', 'l', 'l'],
    rows: groups.map(({ id, tiers }) => {
      const any = (TIERS.map((t) => tiers[t]).find(Boolean)) as ClaimSummary;
      return [linkTo(id, claimHeading(id)), any.source, any.title, ...TIERS.map((t) => linkedCell(id, t, tiers[t]))];
    }),
  });
  out.push({ k: 'list', items: TIERS.map((t) => [strong(t), text(`: ${TIER_TEXT[t]}`)]) });
  if (settings) {
    const k = summary.claims[0]?.judgedTogether ?? 1;
    out.push({
      k: 'p',
      body:
        `A unit is one regime and seed (a deterministic claim has one unit per regime). Hold rate = holds / (holds + breaks + not-reached) ` +
        `over the units; a unit whose event was not reached counts against the claim. The interval in brackets is the Clopper-Pearson ` +
        `interval at confidence 1 - ${fmtNum(settings.alpha)}/${k} (${k} verdicts were judged together in this run: Bonferroni, so all ` +
        `intervals cover jointly with probability at least ${fmtPct(1 - settings.alpha)}). A claim holds only when the lower bound reaches ` +
        `${fmtPct(settings.holdRateTarget)}, breaks when the upper bound is below it, and is otherwise inconclusive, with the number of ` +
        `further decisive units that would settle it at the observed rate. Tiers are reported separately and never merged.`,
    });
  }
  out.push(heading(3, 'Verdict counts'));
  out.push({
    k: 'table', head: COUNTS_HEAD, align: [...COUNTS_ALIGN],
    rows: summary.claims.map(countsRow),
    ids: summary.claims.map((s) => countsRowId(s.id, s.tier)),
  });
  out.push({ k: 'p', body: [CPU_TIME_NOTE, ` In all: ${fmtDuration(summary.claims.reduce((a, s) => a + (Number.isFinite(s.seconds) ? s.seconds : 0), 0))} of CPU time for the claim tiers; the run took ${fmtDuration(summary.run?.seconds)} of wall time.`] });
  out.push({ k: 'p', body: ['Claims: ', ...groups.flatMap(({ id }, i) => [...(i ? [' · '] : []), linkTo(id, claimHeading(id))])] });
  return out;
}
