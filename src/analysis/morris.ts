/**
 * Morris elementary-effects screening, split like SALib: define a problem (morrisProblem), draw a
 * trajectory design (morrisSample), evaluate the model at `sample.points` (caller's job; failed
 * runs may return NaN or undefined), then summarise the effects (morrisAnalyze).
 */
export * from './morrisProblem';
export * from './morrisSample';
export * from './morrisAnalyze';
