import type { Clause, HypothesisReport } from '../../claims/types';
import { type Rich, type Span, alert, code, strong } from '../doc/model';
import { fmtNum } from '../format';

/** Which of a claim's hypotheses a regime met and which it violated, clause by clause (with both sides of an inequality). */

function clauseSpans(cs: readonly Clause[], sides: boolean): Span[] {
  return cs.flatMap((c, i) => {
    const both = sides && c.lhs !== undefined && c.rhs !== undefined ? [{ t: 'text' as const, s: ` (${fmtNum(c.lhs)} vs ${fmtNum(c.rhs)})` }] : [];
    return [...(i ? [{ t: 'text' as const, s: ', ' }] : []), code(c.id), ...both];
  });
}

/** Two list items: the clauses met and the clauses violated (or one saying the summary did not record them). */
export function hypothesisItems(h: HypothesisReport | undefined): Rich[] {
  if (!h) return [['Hypotheses: ', 'not recorded in this summary (it predates their recording); the replay command below prints them.']];
  if (!h.clauses.length) return [['Hypotheses: ', h.holds ? 'none to check (the claim states no clause)' : alert('not met'), '']];
  const met = h.clauses.filter((c) => c.holds);
  const violated = h.clauses.filter((c) => !c.holds);
  return [
    [strong(h.holds ? 'Inside the hypotheses' : 'Outside the hypotheses'), `: ${met.length} of ${h.clauses.length} clauses met`],
    ['Met: ', ...(met.length ? clauseSpans(met, false) : ['none'])],
    ['Violated: ', ...(violated.length ? clauseSpans(violated, true) : ['none'])],
  ];
}

/** "inside" / "outside (violates A.asm(i))" in a few words, for tables. */
export function hypothesisShort(h: HypothesisReport | undefined): Rich {
  if (!h) return '—';
  const violated = h.clauses.filter((c) => !c.holds);
  if (h.holds) return 'inside';
  return ['outside (violates ', ...clauseSpans(violated, false), ')'];
}
