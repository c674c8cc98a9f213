/**
 * The budgets every built-in claim is checked at through the package's vitest helper
 * (claimcheck/vitest), deterministic (fast-check seed 1), in the test's own process. SMALL (one drawn
 * regime, two replicate seeds, a fifth of the shrink budget) is for the scaling-law claims, whose one
 * evaluation is a whole sweep; DECIDING is for the regime claims. A claim the budget does not decide
 * is reported as skipped with the reason; a break or an evaluation that throws fails the test. The
 * full evidence is `claimcheck verify`.
 */
export const SMALL = { runs: 1, replicates: 2, seed: 1, budget: 0.2, workers: 0 } as const;

/**
 * The regime claims at a budget that can decide them: 3 regimes x 12 replicate seeds = 36 units, the
 * first all-holding count whose 95% Clopper-Pearson lower bound reaches the 0.9 hold-rate target
 * (one claim per test, so no multiplicity correction), so a claim that holds in every unit passes
 * and one failing a third of its units fails.
 */
export const DECIDING = { runs: 3, replicates: 12, seed: 1, budget: 1, workers: 0 } as const;

/**
 * Claims whose working tier the suite refutes (README, "Results": breaks in every verify run), so
 * their test is expected to fail (test.fails): it turns red if one stops breaking.
 */
export const KNOWN_BREAKS = new Set(['A.noise-bounded', 'A.chain', 'B.chain']);
