import type { Regime } from '../../claims/types';
import type { ClaimSummary, Counterexample } from '../../engine/summary';
import { type Block, type Rich, code, heading, linkTo, section, verdict } from '../doc/model';
import { fmtNum, fmtRegime } from '../format';
import { claimHeading, counterexampleHeading, counterexamplesHeading, SECTIONS } from './headings';
import { hypothesisItems } from './hypotheses';

/** What shrinking changed, e.g. "d: 2000 -> 320, n: 40 -> 12". */
function shrinkChanges(from: Regime, to: Regime): string {
  const keys = [...new Set([...Object.keys(from), ...Object.keys(to)])];
  const changed = keys.filter((k) => from[k] !== to[k]).map((k) => `${k}: ${fmtNum(from[k])} -> ${fmtNum(to[k])}`);
  return changed.length ? changed.join(', ') : 'nothing (the draw was already minimal)';
}

/** Breaking regimes, shrunk, each with the hypotheses its regime met and violated and its replay command. */
export function counterexampleBlocks(claims: readonly ClaimSummary[]): Block[] {
  const out: Block[] = [
    section(SECTIONS.counterexamples),
    {
      k: 'p',
      body: 'Breaking regimes found by the draws, shrunk by fast-check to a smaller regime that still breaks. Each says which of the claim\'s hypotheses its regime met and which it violated (a break outside the hypotheses is not a counterexample to the paper), and replays with its command.',
    },
  ];
  const withCx = claims.filter((c) => c.counterexamples?.length);
  if (!withCx.length) return [...out, { k: 'p', body: 'No breaking regime was found in this run.' }];
  for (const c of withCx) {
    out.push(heading(3, counterexamplesHeading(c.id, c.tier, c.counterexamples.length)));
    out.push({ k: 'p', body: ['Back to ', linkTo(claimHeading(c.id), claimHeading(c.id)), '.'] });
    c.counterexamples.forEach((x: Counterexample, i) => {
      out.push(heading(4, counterexampleHeading(c.id, c.tier, i)));
      const items: Rich[] = [
        ['Regime: ', code(fmtRegime(x.regime))],
        ['Verdict: ', verdict(x.verdict), `, margin ${fmtNum(x.margin)}`],
        ...hypothesisItems(x.hypotheses),
      ];
      if (x.note) items.push(['Note: ', x.note]);
      items.push(['Seed ', code(String(x.seed)), ', path ', code(x.path), ...(x.breakingSeeds?.length ? ['; breaking training seeds ', code(x.breakingSeeds.join(', '))] : [])]);
      if (x.from) {
        items.push(['Shrunk from path ', code(x.from.path), ` in ${fmtNum(x.shrinkEvaluations)} evaluations: `, code(fmtRegime(x.from.regime))]);
        items.push(['Changed by shrinking: ', shrinkChanges(x.from.regime, x.regime)]);
      }
      out.push({ k: 'list', items }, { k: 'code', text: x.replay, lang: 'sh' });
    });
  }
  return out;
}
