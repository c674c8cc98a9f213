import { chosenConst } from '../../src/claims/kit/specs';

/** Constant specs several paper-A claims declare alike (each claim still holds its own copy in the profile). */

/** minSteps: the fewest steps a time formula is rounded up to (A.gd-overfits, A.lngd-generalizes, A.noise-bounded, A.separation). */
export const MIN_STEPS_SPEC = chosenConst({ default: 20, min: 1, integer: true, help: 'fewest steps a time formula is rounded up to' }, 'chosen: resolution');

/** runStepCap of the claims whose run ends at a time point (A.gd-overfits, A.lngd-generalizes). */
export const RUN_STEP_CAP_SPEC = chosenConst({ default: 5000, min: 1, integer: true, help: 'steps one run may take (with the profile maxSteps): a later time point is a budget verdict' }, 'chosen: cost');

/** paperNTest of the claims that measure per sample in the paper tier (A.noise-bounded, A.chain). */
export const PAPER_N_TEST_SPEC = chosenConst({ default: 500, min: 1, integer: true, help: 'paper tier: clean test points per run (the preset has 2000; measuring them at every T1/2 step dominated the cost; steps are never reduced)' }, 'chosen: cost of the dense per-sample measurements the window needs');
