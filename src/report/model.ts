import type { Clause, Verdict } from '../claims/types';
import type { ClaimSummary } from '../engine/summary';
import type { EngineSettings, Constants } from '../claims/types';
import type { ReviewSummary } from '../review/types';

/**
 * What a report is rendered from. A verify run writes `summary.json` (VerifySummary), a sweep run
 * writes `summary.json` (SweepSummary); `claimcheck report --from DIR` re-renders either from the
 * folder alone, so every figure and table is reproducible from the stored results.
 */
export interface RunInfo {
  runId: string;
  kind: 'verify' | 'sweep';
  version: string;
  /** `git rev-parse HEAD` of the claimcheck checkout, null outside git */
  gitRevision: string | null;
  node: string;
  /** versions of the libraries results depend on (tfjs-core, the wasm backend, fast-check, ...) */
  libraries?: Record<string, string>;
  /** tfjs backends that produced the results */
  backends: string[];
  platform: string;
  cpus: number;
  startedAt: string;
  finishedAt: string;
  argv: string[];
  seed: number;
  budget: number;
  /** how long the run took, in seconds (wall clock, including resumed parts) */
  seconds: number;
}

export interface ProfileInfo {
  name: string;
  file: string;
  settings: EngineSettings;
  claims: Record<string, Constants>;
}

/** The assumption audit of one of the papers' own settings. */
export interface AuditEntry {
  preset: string;
  description: string;
  snr: number;
  nSnr2: number;
  audits: { claim: string; title: string; holds: boolean; violated: string[]; clauses: Clause[] }[];
}

export interface DynamicsSeries {
  name: string;
  points: { x: number; y: number }[];
}

/** A figure of training dynamics like the papers' (x is the step). */
export interface DynamicsFigure {
  id: string;
  title: string;
  xLabel: string;
  yLabel: string;
  logY?: boolean;
  series: DynamicsSeries[];
  /** the preset and overrides that produced it, and the replay command (claimcheck train ...) */
  source: string;
  command: string;
}

export interface PhaseCell {
  x: number;
  y: number;
  /** the metric (heatmaps); null when not available (diverged, missing) */
  value: number | null;
  /** the claim's verdict (verdict maps) */
  verdict?: Verdict;
  label?: string;
}

/** A phase diagram over two axes: a metric heatmap or a claim's verdict map. */
export interface PhaseDiagram {
  id: string;
  title: string;
  xLabel: string;
  yLabel: string;
  xLog: boolean;
  yLog: boolean;
  kind: 'heatmap' | 'verdict';
  colorLabel: string;
  colorDomain?: [number, number];
  cells: PhaseCell[];
  note: string;
  /** a command that reproduces the diagram (claimcheck sweep ...) */
  command: string;
}

export interface MorrisFactorSummary {
  name: string;
  lo: number;
  hi: number;
  scale: string;
  mu: number;
  muStar: number;
  sigma: number;
  n: number;
  muStarCi: readonly [number, number];
}

/** Morris elementary effects of every knob on one claim's margin. */
export interface MorrisClaimResult {
  claim: string;
  /** what was differentiated, e.g. "margin (signed distance to the predicate's threshold)" */
  output: string;
  base: Record<string, number | string>;
  trajectories: number;
  evaluations: number;
  missing: number;
  factors: MorrisFactorSummary[];
  ranking: string[];
  /** the claim's verdicts over a grid of its two most influential factors (by mu*), the others at the base */
  map?: ClaimVerdictMap;
}

/** A claim's verdict map over the two factors its Morris screen ranks first. */
export interface ClaimVerdictMap {
  x: { factor: string; log: boolean };
  y: { factor: string; log: boolean };
  /** replicate seeds per cell */
  replicates: number;
  cells: { x: number; y: number; verdict: Verdict; margin: number | null; seed: number | string | null; regime: Record<string, number | string> }[];
}

export interface VerifySummary {
  run: RunInfo;
  profile: ProfileInfo;
  claims: ClaimSummary[];
  audits: AuditEntry[];
  dynamics: DynamicsFigure[];
  phases: PhaseDiagram[];
  morris: MorrisClaimResult[];
  /** every checked claim's tiers, working-region bounds with provenance and calibrated constants (from the declarations and the profile) */
  declarations?: ClaimDeclaration[];
  /** per paper: each claim's predicate evaluated in every other claim's working region */
  crossRegion?: CrossRegionMatrix[];
  /** the review threads rerun (issue 9): a verdict per catalogue row (claimcheck review) */
  review?: ReviewSummary;
}

export interface ClaimDeclaration {
  id: string;
  tiers: string[];
  links?: string[];
  derivedFrom?: string;
  paperNote?: string;
  /** working-region bounds: name, value used (the profile's), provenance, its source, calibrated */
  region: { name: string; value: number; provenance: string | null; source: string | null; calibrated: boolean }[];
  /** every calibrated constant with the value used */
  calibrated: { name: string; value: number; source: string | null }[];
  /** constants without a declared provenance (should be none) */
  undeclared: string[];
}

export interface CrossRegionCell {
  /** the claim whose predicate is evaluated */
  claim: string;
  /** the claim whose working region the regimes are drawn from */
  region: string;
  counts: Record<string, number>;
  holdRate: number | null;
  ci: [number, number] | null;
  /** the verdict of these units judged alone (descriptive; the diagonal is the claim's own working tier) */
  verdict: string;
  units: number;
}

export interface CrossRegionMatrix {
  paper: string;
  claims: string[];
  cells: CrossRegionCell[];
}

export interface SweepAxis {
  name: string;
  lo: number;
  hi: number;
  scale: 'linear' | 'log';
  /** integer-valued axis (n, m, d, ...) */
  integer: boolean;
}

export interface SweepPoint {
  key: string;
  /** index in the design (random order); shard i/N takes index % N == i */
  index: number;
  point: Record<string, number>;
  /** algo name for metric sweeps, claim id for claim sweeps */
  series: string;
  value: number | null;
  verdict?: Verdict;
  margin?: number | null;
  seconds: number;
  /** CPU time of the point's evaluation in its worker, when recorded */
  cpuSeconds?: number;
  backend: string;
}

export interface SweepSummary {
  run: RunInfo;
  preset: string;
  base: Record<string, number | string>;
  axes: SweepAxis[];
  /** training metric (e.g. testError) or claim id */
  target: { kind: 'metric'; metric: string; algos: string[] } | { kind: 'claim'; claim: string; mode: string; replicates?: number };
  design: { kind: 'grid' | 'random'; points: number; seed: number };
  shards: string[];
  points: SweepPoint[];
  phases: PhaseDiagram[];
}
