/** Statistics layer of claimcheck: intervals, paired tests, multiple testing and regression. */
export * from './jstat';
export * from './proportion';
export * from './paired';
export * from './multiple';
export * from './regression';
export * from './pairedProportions';
export * from './holdRate';
export * from './bootstrap';
export * from './equivalence';
export * from './quantile';
