/**
 * Golden trajectories: short runs of every preset (every name of presetNames(): the papers' presets/ folders and fixtures/presets) with every engine,
 * stored in fixtures/golden/<preset>.<engine>.json and replayed by test/golden.test.ts, which
 * fails when a replay drifts beyond the tolerances below. See fixtures/golden/README.md.
 *
 *   npm run golden:record                      re-record every fixture (prints the drift first)
 *   npm run golden:record -- --check           only print the drift report, write nothing
 *   npm run golden:record -- --only paper-b    fixtures whose name contains a string
 *
 * This module is also the library of the test (fixture format, shortened configs, comparison).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/backend/backend';
import { initWeights, makeDataset } from '../src/data/signalNoise';
import { CONFIG_KEYS, EngineName, resolveConfig, TrainConfig } from '../src/training/config';
import { makeLabelScheme } from '../src/training/labels';
import type { Measurement } from '../src/training/measure';
import { loadPreset, presetNames } from '../src/training/presets';
import './builtin'; // registers the built-in papers (the presets live in their folders)
import { chooseEngine, createEngine, Divergence, train } from '../src/training/train';
import { atomicWriteJson } from '../src/util/atomicWrite';
import { fixturesDir } from '../src/util/paths';
import { VERSION } from '../src/version';

export const GOLDEN_FORMAT = 'claimcheck-golden/1';
export const GOLDEN_ENGINES: readonly EngineName[] = ['weight', 'coefficient', 'reference'];

/** Every golden run: 30 steps, measured at 0, 10, 20, 30. */
export const GOLDEN_STEPS = 30;
export const GOLDEN_EVAL_EVERY = 10;
/** Test sets above this size are capped (the shape n, d, m, q is kept). */
export const GOLDEN_MAX_NTEST = 500;

/**
 * Drift tolerances, by precision of the engine (float32: weight and coefficient on tfjs;
 * float64: reference). With a, b the recorded and replayed values:
 *   losses (trainLoss*)     |a - b| <= lossRel * max(|a|, |b|)
 *   other real metrics      |a - b| <= valueRel * max(|a|, |b|, scale), scale = the largest |value|
 *                           of that metric over the recorded trajectory (so values that start at
 *                           0, like gamma and rho at step 0, are judged on the trajectory's scale)
 *   0-1 errors (*Error*)    exact, except that samples at a near-zero margin may flip: a change of
 *                           k samples passes when the replay has at least k samples of that set
 *                           with |f| <= marginRel * max|f| at that step
 *   steps, divergence       exact
 * A replay on the backend that recorded the fixture reproduces it bit for bit; the float32
 * tolerances leave room for another backend (wasm / cpu / tensorflow round differently).
 */
export const TOLERANCES = {
  float32: { lossRel: 1e-4, valueRel: 1e-4, marginRel: 1e-4 },
  float64: { lossRel: 1e-9, valueRel: 1e-9, marginRel: 1e-9 },
} as const;
export type Precision = keyof typeof TOLERANCES;

export function precisionOf(engine: EngineName): Precision {
  return engine === 'reference' ? 'float64' : 'float32';
}

/** A stored measurement: Measurement without per-sample arrays; NaN/Infinity as strings. */
export type GoldenValue = number | string | null;
export type GoldenMeasurement = Record<string, GoldenValue>;

export interface GoldenFixture {
  format: string;
  preset: string;
  engine: EngineName;
  /** backend of the recording: the tfjs backend, or js-float64 for the reference engine */
  backend: string;
  claimcheckVersion: string;
  tfjsCore: string;
  precision: Precision;
  /** what was changed from the preset's config to make the run short */
  overrides: Record<string, number>;
  /** the exact configuration that was run (the preset's config with the overrides) */
  config: TrainConfig;
  /** sizes of the sample sets the error metrics average over */
  sampleCounts: { train: number; test: number; clean: number; noisy: number };
  diverged: Divergence | null;
  trajectory: GoldenMeasurement[];
}

export function goldenDir(): string {
  return fixturesDir('golden');
}

export function fixtureName(preset: string, engine: EngineName): string {
  return `${preset}.${engine}.json`;
}

/** The overrides that shorten a preset: fewer steps, and a capped test set. */
export function goldenOverrides(preset: TrainConfig): Record<string, number> {
  const o: Record<string, number> = { steps: GOLDEN_STEPS, evalEvery: GOLDEN_EVAL_EVERY };
  if (preset.nTest > GOLDEN_MAX_NTEST) o.nTest = GOLDEN_MAX_NTEST;
  return o;
}

/** The configuration a fixture of `preset` should hold now (from the preset file as it is today). */
export function expectedGoldenConfig(preset: string): { overrides: Record<string, number>; config: TrainConfig } {
  const base = loadPreset(preset).config;
  const overrides = goldenOverrides(base);
  return { overrides, config: resolveConfig(base, overrides) };
}

/** Keys whose values differ between two configurations, as "key: a -> b". */
export function configDifferences(recorded: TrainConfig, now: TrainConfig): string[] {
  const keys = new Set<string>([...CONFIG_KEYS, ...Object.keys(recorded), ...Object.keys(now)]);
  const out: string[] = [];
  for (const k of keys) {
    const a = (recorded as unknown as Record<string, unknown>)[k];
    const b = (now as unknown as Record<string, unknown>)[k];
    if (a !== b) out.push(`${k}: ${JSON.stringify(a)} -> ${JSON.stringify(b)}`);
  }
  return out;
}

function encodeValue(v: unknown): GoldenValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  throw new TypeError(`golden: unexpected measurement value ${JSON.stringify(v)}`);
}

function decodeValue(v: GoldenValue): number | null {
  if (v === null) return null;
  if (typeof v === 'number') return v;
  return Number(v); // "NaN", "Infinity", "-Infinity"
}

export function encodeMeasurement(m: Measurement): GoldenMeasurement {
  const out: GoldenMeasurement = {};
  for (const [k, v] of Object.entries(m)) {
    if (k === 'perSample') continue;
    out[k] = encodeValue(v);
  }
  return out;
}

export interface GoldenRun {
  backend: string;
  diverged: Divergence | null;
  trajectory: GoldenMeasurement[];
  seconds: number;
}

/** One short run through the public train() entry point. */
export async function runGolden(config: TrainConfig, engine: EngineName): Promise<GoldenRun> {
  const r = await train(config, { engine });
  return { backend: r.backend, diverged: r.final.diverged, trajectory: r.trajectory.map(encodeMeasurement), seconds: r.seconds };
}

/**
 * |f| of every training and test sample at the given steps, for judging error flips. It replays
 * the steps of train() with the same building blocks (only called when an error metric moved).
 */
export async function marginsAt(
  config: TrainConfig,
  engine: EngineName,
  steps: number[],
): Promise<{ flipped: Uint8Array; at: Map<number, { train: Float64Array; test: Float64Array }> }> {
  if (engine !== 'reference') await initBackend();
  const data = makeDataset(config);
  const eng = createEngine(engine, config, data, initWeights(config));
  const scheme = makeLabelScheme(config, data.yObs);
  const at = new Map<number, { train: Float64Array; test: Float64Array }>();
  const last = Math.max(...steps);
  try {
    for (let t = 0; t <= last; t++) {
      eng.forward(scheme.labels(t), scheme.alpha);
      if (steps.includes(t)) {
        const s = eng.snapshot();
        at.set(t, { train: s.fTrain.map(Math.abs), test: s.fTest.map(Math.abs) });
      }
      if (t < last) eng.update();
    }
  } finally {
    eng.dispose();
  }
  return { flipped: data.flipped, at };
}

// ---------------------------------------------------------------------------------------------
// Comparison

export type MetricKind = 'loss' | 'error' | 'value';

export function metricKind(metric: string): MetricKind {
  if (metric.startsWith('trainLoss')) return 'loss';
  if (metric.includes('Error')) return 'error';
  return 'value';
}

export interface MetricDrift {
  metric: string;
  kind: MetricKind;
  /** largest |recorded - replayed| over the trajectory */
  maxAbs: number;
  /** largest |recorded - replayed| / max(|recorded|, |replayed|) */
  maxRel: number;
  /** step of the largest violation, else of the largest absolute difference */
  worstStep: number | null;
  /** error metrics: samples that changed side, and how many of them the margins allow */
  flips?: { samples: number; allowed: number | null };
  tolerance: string;
  ok: boolean;
  note?: string;
}

export interface DriftReport {
  fixture: string;
  engine: EngineName;
  precision: Precision;
  recordedBackend: string;
  replayedBackend: string;
  ok: boolean;
  /** structural problems: trajectory steps, divergence, missing metrics, stale config */
  problems: string[];
  notes: string[];
  metrics: MetricDrift[];
}

type Num = number | null;

function sameSpecial(a: Num, b: Num): boolean {
  if (a === null || b === null) return a === b;
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (!Number.isFinite(a) || !Number.isFinite(b)) return a === b;
  return true;
}

function isPlain(a: Num): a is number {
  return a !== null && Number.isFinite(a);
}

/**
 * Compare a replay with its fixture. `margins` (optional, see marginsAt) lets error metrics
 * that moved pass when the samples that changed side sit at a near-zero margin.
 */
export function compareRun(
  fx: GoldenFixture,
  run: GoldenRun,
  margins?: Awaited<ReturnType<typeof marginsAt>>,
): DriftReport {
  const tol = TOLERANCES[fx.precision];
  const problems: string[] = [];
  const notes: string[] = [];
  const exp = fx.trajectory;
  const act = run.trajectory;
  const expSteps = exp.map((m) => m.step);
  const actSteps = act.map((m) => m.step);
  if (JSON.stringify(expSteps) !== JSON.stringify(actSteps)) {
    problems.push(`measured steps differ: recorded [${expSteps.join(', ')}], replayed [${actSteps.join(', ')}]`);
  }
  if (JSON.stringify(fx.diverged) !== JSON.stringify(run.diverged)) {
    problems.push(`divergence differs: recorded ${JSON.stringify(fx.diverged)}, replayed ${JSON.stringify(run.diverged)}`);
  }
  const metricNames = Object.keys(exp[0] ?? {}).filter((k) => k !== 'step');
  const replayNames = new Set(Object.keys(act[0] ?? {}));
  for (const k of metricNames) if (!replayNames.has(k)) problems.push(`metric ${k} is recorded but no longer measured`);
  for (const k of replayNames) {
    if (k !== 'step' && !metricNames.includes(k)) notes.push(`metric ${k} is new (not in the fixture; re-record to cover it)`);
  }
  const rows = Math.min(exp.length, act.length);
  const metrics: MetricDrift[] = [];
  for (const metric of metricNames) {
    if (!replayNames.has(metric)) continue;
    const kind = metricKind(metric);
    const a = exp.slice(0, rows).map((m) => decodeValue(m[metric]));
    const b = act.slice(0, rows).map((m) => decodeValue(m[metric]));
    const scale = Math.max(0, ...a.filter(isPlain).map(Math.abs));
    let maxAbs = 0, maxRel = 0, worstStep: number | null = null, worstAbs = 0;
    let ok = true, flipSamples = 0, flipAllowed: number | null = 0;
    const bad: string[] = [];
    for (let i = 0; i < rows; i++) {
      const step = decodeValue(exp[i].step) as number;
      const x = a[i], y = b[i];
      if (!sameSpecial(x, y)) {
        if (ok) worstStep = step;
        ok = false;
        bad.push(`step ${step}: ${x} -> ${y}`);
        continue;
      }
      if (!isPlain(x) || !isPlain(y)) continue;
      const d = Math.abs(x - y);
      const m = Math.max(Math.abs(x), Math.abs(y));
      const rel = d === 0 ? 0 : d / m;
      if (d > maxAbs) maxAbs = d;
      if (rel > maxRel) maxRel = rel;
      if (d > worstAbs && ok) {
        worstAbs = d;
        worstStep = step;
      }
      let pass: boolean;
      if (kind === 'loss') pass = d <= tol.lossRel * m;
      else if (kind === 'value') pass = d <= tol.valueRel * Math.max(m, scale);
      else {
        const count = errorDenominator(metric, fx);
        const samples = Math.round(d * count);
        flipSamples = Math.max(flipSamples, samples);
        if (samples === 0) pass = true;
        else if (!margins) {
          pass = false;
          flipAllowed = null;
        } else {
          const allowed = nearZeroCount(metric, step, margins, tol.marginRel);
          flipAllowed = flipAllowed === null ? null : Math.max(flipAllowed, allowed);
          pass = samples <= allowed;
        }
      }
      if (!pass) {
        if (ok) worstStep = step;
        ok = false;
        bad.push(`step ${step}: ${x} -> ${y}`);
      }
    }
    const tolerance =
      kind === 'loss' ? `rel ${tol.lossRel}`
      : kind === 'value' ? `rel ${tol.valueRel} of max(|v|, ${scale.toPrecision(3)})`
      : `exact, or flips at |f| <= ${tol.marginRel} max|f|`;
    const drift: MetricDrift = { metric, kind, maxAbs, maxRel, worstStep, tolerance, ok };
    if (kind === 'error' && flipSamples > 0) drift.flips = { samples: flipSamples, allowed: flipAllowed };
    if (bad.length) drift.note = bad.slice(0, 3).join('; ') + (bad.length > 3 ? `; ... (${bad.length} steps)` : '');
    metrics.push(drift);
  }
  return {
    fixture: fixtureName(fx.preset, fx.engine),
    engine: fx.engine,
    precision: fx.precision,
    recordedBackend: fx.backend,
    replayedBackend: run.backend,
    ok: problems.length === 0 && metrics.every((m) => m.ok),
    problems,
    notes,
    metrics,
  };
}

function errorDenominator(metric: string, fx: GoldenFixture): number {
  if (metric === 'testError') return fx.sampleCounts.test;
  if (metric === 'trainErrorClean') return fx.sampleCounts.clean;
  if (metric.startsWith('trainErrorNoisy')) return fx.sampleCounts.noisy;
  return fx.sampleCounts.train;
}

function nearZeroCount(metric: string, step: number, margins: Awaited<ReturnType<typeof marginsAt>>, marginRel: number): number {
  const m = margins.at.get(step);
  if (!m) return 0;
  const f = metric === 'testError' ? m.test : m.train;
  let max = 0;
  for (const v of f) if (v > max) max = v;
  const limit = marginRel * max;
  let count = 0;
  for (let i = 0; i < f.length; i++) {
    if (f[i] > limit) continue;
    // Subsets of the training set: only their own samples can flip their error.
    if (metric === 'trainErrorClean' && margins.flipped[i]) continue;
    if (metric.startsWith('trainErrorNoisy') && !margins.flipped[i]) continue;
    count++;
  }
  return count;
}

/** Replay one fixture: its stored config through train(), then margins if an error metric moved. */
export async function replayFixture(fx: GoldenFixture): Promise<{ report: DriftReport; seconds: number }> {
  const run = await runGolden(fx.config, fx.engine);
  let report = compareRun(fx, run);
  const moved = report.metrics.filter((m) => m.kind === 'error' && m.flips && m.flips.samples > 0);
  if (moved.length > 0) {
    const steps = fx.trajectory.map((m) => decodeValue(m.step) as number);
    report = compareRun(fx, run, await marginsAt(fx.config, fx.engine, steps));
  }
  const { config } = expectedGoldenConfig(fx.preset);
  const stale = configDifferences(fx.config, config);
  if (stale.length) {
    report.problems.push(`the preset changed since recording (${stale.join(', ')}): if intended, re-record (npm run golden:record)`);
    report.ok = false;
  }
  return { report, seconds: run.seconds };
}

// ---------------------------------------------------------------------------------------------
// Formatting

const num = (v: number): string => (v === 0 ? '0' : v.toExponential(2));

export function formatDrift(r: DriftReport): string {
  const head = `${r.fixture}: ${r.ok ? 'within tolerance' : 'DRIFT'} (${r.precision}; recorded on ${r.recordedBackend}, replayed on ${r.replayedBackend})`;
  const rows = [['metric', 'max abs', 'max rel', 'worst step', 'flips', 'tolerance', 'status']];
  for (const m of r.metrics) {
    rows.push([
      m.metric,
      num(m.maxAbs),
      num(m.maxRel),
      m.worstStep === null ? '-' : String(m.worstStep),
      m.flips ? `${m.flips.samples}/${m.flips.allowed ?? '?'}` : '-',
      m.tolerance,
      m.ok ? 'ok' : `FAIL ${m.note ?? ''}`,
    ]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  const lines = rows.map((row) => row.map((cell, c) => (c === rows[0].length - 1 ? cell : cell.padEnd(widths[c]))).join('  '));
  return [head, ...r.problems.map((p) => `  problem: ${p}`), ...r.notes.map((n) => `  note: ${n}`), ...lines.map((l) => `  ${l}`)].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Files

export function listFixtureFiles(): string[] {
  const dir = goldenDir();
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
}

export function loadFixture(file: string): GoldenFixture {
  const fx = JSON.parse(fs.readFileSync(path.join(goldenDir(), file), 'utf8')) as GoldenFixture;
  if (fx.format !== GOLDEN_FORMAT) throw new Error(`${file}: format ${JSON.stringify(fx.format)}, expected ${GOLDEN_FORMAT}`);
  return fx;
}

/** Every (preset, engine) that should have a fixture. */
export function expectedFixtures(): { preset: string; engine: EngineName; file: string }[] {
  // Only the engines a preset can run on: source mnist refuses weight/coefficient (one signal
  // vector mu), model three-layer trains on the autodiff engine only (it has tests of its own).
  const runs = (preset: string, engine: EngineName): boolean => {
    try {
      chooseEngine(expectedGoldenConfig(preset).config, engine);
      return true;
    } catch {
      return false;
    }
  };
  return presetNames().flatMap((preset) =>
    GOLDEN_ENGINES.filter((engine) => runs(preset, engine)).map((engine) => ({ preset, engine, file: fixtureName(preset, engine) })),
  );
}

export async function recordFixture(preset: string, engine: EngineName): Promise<GoldenFixture> {
  const { overrides, config } = expectedGoldenConfig(preset);
  const data = makeDataset(config);
  let noisy = 0;
  for (const f of data.flipped) noisy += f;
  const run = await runGolden(config, engine);
  return {
    format: GOLDEN_FORMAT,
    preset,
    engine,
    backend: run.backend,
    claimcheckVersion: VERSION,
    tfjsCore: tf.version_core,
    precision: precisionOf(engine),
    overrides,
    config,
    sampleCounts: { train: config.n, test: config.nTest, clean: config.n - noisy, noisy },
    diverged: run.diverged,
    trajectory: run.trajectory,
  };
}

async function main(argv: string[]): Promise<number> {
  let check = false;
  let only: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--check') check = true;
    else if (argv[i] === '--only' && i + 1 < argv.length) only = argv[++i];
    else {
      process.stderr.write('usage: npm run golden:record -- [--check] [--only SUBSTRING]\n');
      return 2;
    }
  }
  const backend = await initBackend();
  process.stderr.write(`golden: backend ${backend}${check ? ' (check only, nothing written)' : ''}\n`);
  const dir = goldenDir();
  const wanted = expectedFixtures().filter((e) => only === null || e.file.includes(only));
  let drifted = 0, written = 0, unchanged = 0;
  for (const { preset, engine, file } of wanted) {
    const t0 = Date.now();
    const fresh = await recordFixture(preset, engine);
    const target = path.join(dir, file);
    let summary = 'new';
    if (fs.existsSync(target)) {
      const old = loadFixture(file);
      const report = compareRun(old, { backend: fresh.backend, diverged: fresh.diverged, trajectory: fresh.trajectory, seconds: 0 });
      const stale = configDifferences(old.config, fresh.config);
      if (stale.length) report.problems.push(`config changed: ${stale.join(', ')}`);
      const identical = JSON.stringify(old.trajectory) === JSON.stringify(fresh.trajectory) && stale.length === 0;
      summary = identical ? 'identical' : report.ok && stale.length === 0 ? 'within tolerance' : 'DRIFT';
      if (!identical) process.stdout.write(formatDrift({ ...report, ok: report.ok && stale.length === 0 }) + '\n');
      if (summary === 'DRIFT') drifted++;
      if (identical) unchanged++;
    }
    if (!check) {
      atomicWriteJson(target, fresh);
      written++;
    }
    process.stdout.write(`${file.padEnd(36)} ${summary.padEnd(16)} ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  }
  const orphans = listFixtureFiles().filter((f) => !expectedFixtures().some((e) => e.file === f));
  for (const f of orphans) process.stdout.write(`${f}: no such preset/engine any more; delete it\n`);
  process.stdout.write(
    `${wanted.length} fixture(s): ${unchanged} identical, ${drifted} drifted beyond tolerance, ${written} written${check ? ' (check only)' : ''}\n`,
  );
  return 0;
}

// Runs as a script (node dist/bench/recordGolden.js); imported by the test, it only exports.
if (process.argv[1] && /recordGolden\.(js|ts)$/.test(process.argv[1])) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`golden: ${e instanceof Error && e.stack ? e.stack : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
