import type { EvalContext, Evaluation, HypothesisReport } from '../types';

/**
 * The verdicts every claim checks before it trains, in this order (spec/claims.md): the literal
 * tier's own evaluation (`literal`, e.g. `infeasible` when the paper's hypotheses cannot be met at
 * an affordable size), `vacuous` outside the hypotheses (literal and working tiers), then `budget`
 * when the run needs `steps` steps beyond the step budget of `settings` (the profile's, or
 * capSettings for a claim's own cap). `hypotheses` and `steps` may be given as functions: they are
 * computed only when that check is reached (a literal regime may be beyond what the trainer accepts).
 */
export function preflight(
  ctx: Pick<EvalContext, 'tier' | 'settings'>,
  o: {
    hypotheses: HypothesisReport | (() => HypothesisReport);
    literal?: () => Evaluation;
    steps?: number | (() => number);
    settings?: Pick<EvalContext, 'settings'>;
  },
): { early: Evaluation } | { early: null; hypotheses: HypothesisReport } {
  if (ctx.tier === 'literal' && o.literal) return { early: o.literal() };
  const hypotheses = typeof o.hypotheses === 'function' ? o.hypotheses() : o.hypotheses;
  const vacuous = vacuousVerdict(hypotheses, ctx);
  if (vacuous) return { early: vacuous };
  if (o.steps !== undefined) {
    const budget = budgetVerdict(typeof o.steps === 'function' ? o.steps() : o.steps, o.settings ?? ctx, hypotheses);
    if (budget) return { early: budget };
  }
  return { early: null, hypotheses };
}

/**
 * The profile settings with the step budget lowered to a claim's own per-run cap (its constant
 * `runStepCap`): a time point beyond min(settings.maxSteps, cap) gives the `budget` verdict. The
 * cap keeps one evaluation (all replicates) within seconds when a regime's T is long.
 */
export function capSettings(ctx: Pick<EvalContext, 'settings'>, cap: number): Pick<EvalContext, 'settings'> {
  return { settings: { ...ctx.settings, maxSteps: Math.min(ctx.settings.maxSteps, cap) } };
}

/**
 * `vacuous` in the literal and working tiers when the hypotheses fail. The paper tier evaluates its
 * named settings whatever they meet (the hypotheses are reported), robustness evaluates anyway.
 */
export function vacuousVerdict(hypotheses: HypothesisReport, ctx: Pick<EvalContext, 'tier'>): Evaluation | null {
  if (hypotheses.holds || ctx.tier === 'robustness' || ctx.tier === 'paper') return null;
  const failed = hypotheses.clauses.filter((c) => !c.holds).map((c) => c.id);
  return { verdict: 'vacuous', margin: null, measurements: {}, hypotheses, note: `hypotheses not met: ${failed.join(', ')}` };
}

/** `budget` when the steps a claim needs exceed the profile's step budget. */
export function budgetVerdict(stepsNeeded: number, ctx: Pick<EvalContext, 'settings'>, hypotheses: HypothesisReport): Evaluation | null {
  if (stepsNeeded <= ctx.settings.maxSteps) return null;
  return {
    verdict: 'budget',
    margin: null,
    measurements: { stepsNeeded, maxSteps: ctx.settings.maxSteps },
    hypotheses,
    note: `needs ${Math.ceil(stepsNeeded)} steps, budget ${ctx.settings.maxSteps}`,
  };
}
