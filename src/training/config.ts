/**
 * The configuration of one training run: the model of shared/spec/model.md plus the training
 * scheme. `resolveConfig` validates every field and names the offending one on error.
 */
export type NoiseVariant = 'projected' | 'isotropic';
export type SignalPatch = 'random' | 'first';
export type Algo = 'gd' | 'lngd' | 'lngd-gauss' | 'lngd-uniform' | 'smoothing';
export type EngineName = 'weight' | 'coefficient' | 'reference';
/** Every engine train() runs: the selectable ones, and gram (general patches, source mnist: `auto` picks it there). */
export type TrainEngineName = EngineName | 'gram' | 'autodiff';
/** The network: the papers' two-layer CNN, or paper A's 3-layer variant (appendix E.1; src/model/threeLayer.ts; `auto` trains it on the autodiff engine). */
export type ModelName = 'two-layer' | 'three-layer';
/** Where the signal patches come from: the papers' y mu (synthetic), or real digits 0/1 (spec/model.md "MNIST source"). */
export type DataSource = 'synthetic' | 'mnist';
export type EngineChoice = EngineName | 'auto';

export interface TrainConfig {
  /** training samples */ n: number;
  /** clean test samples */ nTest: number;
  /** patch dimension */ d: number;
  /** filters per sign j = +1, -1 */ m: number;
  /** activation sigma(z) = max(0, z)^q */ q: number;
  /** signal strength: mu = A e_1 */ A: number;
  /** noise scale */ sigmaP: number;
  /** init scale, w ~ N(0, sigma0^2) */ sigma0: number;
  /** step size */ eta: number;
  /** GD steps */ steps: number;
  /** measure every this many steps (and at the end) */ evalEvery: number;
  /** label-noise GD flip probability (algo lngd) */ p: number;
  /** fixed flip rates of the training labels before training (paper B) */ tauPlus: number;
  tauMinus: number;
  /** multiplier parameters: lngd-gauss eps ~ N(a, b^2); lngd-uniform eps ~ U[a, b] */ a: number;
  b: number;
  /** label smoothing weight (algo smoothing); the spec's baseline uses alpha = 2p */ alpha: number;
  noise: NoiseVariant;
  signalPatch: SignalPatch;
  algo: Algo;
  seed: number;
  /** training stops as diverged when the loss exceeds this (or is NaN/Inf) */ divergeLoss: number;
  /**
   * Optional optimizer and model keys (spec/model.md "K patches", "Other optimizers and models").
   * Absent means the default, and `resolveConfig` drops them when they equal it, so every config
   * written before they existed (fixtures, stores, hashes) is unchanged. Read them with
   * `momentumOf`, `samRhoOf`, `patchesOf`.
   */
  /** GD with momentum: v <- beta v + (1 - beta) grad, W <- W - eta v; beta in [0, 1), 0 = plain GD */ momentum?: number;
  /** full-batch SAM radius r: W_adv = W + r grad/||grad||_F, W <- W - eta grad(W_adv); 0 = off */ samRho?: number;
  /** patches per sample: one signal patch y mu and K - 1 independent noise patches; 2 = the papers' model */ K?: number;
  /** the signal patches: synthetic y mu, or MNIST digits 0 (y = -1) / 1 (y = +1) with d = 784 (spec/model.md "MNIST source") */ source?: DataSource;
  /** source mnist: pixels in [0, 255] are divided by this (80 in paper A, appendix E.2) */ normalization?: number;
  /** the network: two-layer (the papers') or three-layer (a trained first layer relu(V x_p) under the two-layer head) */ model?: ModelName;
  /** model three-layer: width H of the trained first layer (paper A does not state it; default 64) */ hidden?: number;
}

/** Defaults of the optional keys (dropped from a resolved config when equal to these). */
export const OPTIONAL_DEFAULTS = { momentum: 0, samRho: 0, K: 2, source: 'synthetic', normalization: 80, model: 'two-layer', hidden: 64 } as const;
export type OptionalKey = keyof typeof OPTIONAL_DEFAULTS;
export const momentumOf = (c: Pick<TrainConfig, 'momentum'>): number => c.momentum ?? 0;
export const samRhoOf = (c: Pick<TrainConfig, 'samRho'>): number => c.samRho ?? 0;
/** K, the number of patches per sample (K - 1 noise patches). */
export const patchesOf = (c: Pick<TrainConfig, 'K'>): number => c.K ?? 2;
export const sourceOf = (c: Pick<TrainConfig, 'source'>): DataSource => c.source ?? 'synthetic';
export const normalizationOf = (c: Pick<TrainConfig, 'normalization'>): number => c.normalization ?? 80;
export const modelOf = (c: Pick<TrainConfig, 'model'>): ModelName => c.model ?? OPTIONAL_DEFAULTS.model;
/** H, the first-layer width of model three-layer. */
export const hiddenOf = (c: Pick<TrainConfig, 'hidden'>): number => c.hidden ?? OPTIONAL_DEFAULTS.hidden;
/** MNIST digits are 28 x 28 = 784 pixels: with source mnist the patch dimension d must be this. */
export const MNIST_D = 784;

export const DEFAULT_CONFIG: TrainConfig = {
  n: 40, nTest: 400, d: 400, m: 10, q: 2, A: 2, sigmaP: 0.5, sigma0: 0.01, eta: 1.0,
  steps: 200, evalEvery: 20, p: 0.1, tauPlus: 0, tauMinus: 0, a: 1, b: 1, alpha: 0.2,
  noise: 'projected', signalPatch: 'random', algo: 'gd', seed: 1, divergeLoss: 1e4,
};

export class ConfigError extends Error {
  constructor(readonly field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'ConfigError';
  }
}

type FieldKind =
  | { kind: 'int'; min: number; max?: number; why?: string }
  | { kind: 'real'; min?: number; max?: number; exclusiveMin?: boolean; exclusiveMax?: boolean; why?: string }
  | { kind: 'enum'; values: readonly string[] };

const ALGOS: readonly Algo[] = ['gd', 'lngd', 'lngd-gauss', 'lngd-uniform', 'smoothing'];

/** The domain of every key: this is what `--set key=value` and presets are checked against. */
export const FIELDS: Record<keyof TrainConfig, FieldKind> = {
  // sizes: their memory is checked against the machine by `checkResources` (src/training/limits.ts)
  n: { kind: 'int', min: 1 },
  nTest: { kind: 'int', min: 1 },
  d: { kind: 'int', min: 2 },
  m: { kind: 'int', min: 1 },
  q: { kind: 'real', min: 1, max: 8, why: 'sigma(z) = max(0, z)^q, any real q in [1, 8] (e.g. 2.0001); the papers use q = 1..4 and float32 overflows fast beyond' },
  A: { kind: 'real', min: 0, exclusiveMin: true },
  sigmaP: { kind: 'real', min: 0, exclusiveMin: true },
  sigma0: { kind: 'real', min: 0, exclusiveMin: true },
  eta: { kind: 'real', min: 0, exclusiveMin: true },
  steps: { kind: 'int', min: 0, max: 1e9 },
  evalEvery: { kind: 'int', min: 1, max: 1e9 },
  p: { kind: 'real', min: 0, max: 1 },
  tauPlus: { kind: 'real', min: 0, max: 1 },
  tauMinus: { kind: 'real', min: 0, max: 1 },
  a: { kind: 'real' },
  b: { kind: 'real' },
  alpha: { kind: 'real', min: 0, max: 1 },
  noise: { kind: 'enum', values: ['projected', 'isotropic'] },
  signalPatch: { kind: 'enum', values: ['random', 'first'] },
  algo: { kind: 'enum', values: ALGOS },
  seed: { kind: 'int', min: 0, max: 2147483647, why: 'seeds are 31-bit, like every --seed' },
  divergeLoss: { kind: 'real', min: 0, exclusiveMin: true },
  momentum: { kind: 'real', min: 0, max: 1, exclusiveMax: true, why: 'the momentum beta of v <- beta v + (1 - beta) grad; 0 = plain GD' },
  samRho: { kind: 'real', min: 0, why: 'the SAM radius r of W_adv = W + r grad/||grad||_F; 0 = plain GD' },
  K: { kind: 'int', min: 2, max: 64, why: 'patches per sample: one signal patch and K - 1 noise patches' },
  source: { kind: 'enum', values: ['synthetic', 'mnist'] },
  normalization: { kind: 'real', min: 0, exclusiveMin: true, why: 'source mnist divides pixels in [0, 255] by it (paper A: 80)' },
  model: { kind: 'enum', values: ['two-layer', 'three-layer'] },
  hidden: { kind: 'int', min: 1, max: 4096, why: 'the width H of the three-layer model\'s trained first layer' },
};

export const CONFIG_KEYS = Object.keys(FIELDS) as (keyof TrainConfig)[];

function checkField(key: keyof TrainConfig, value: unknown): string | number {
  const f = FIELDS[key];
  if (f.kind === 'enum') {
    if (typeof value !== 'string' || !f.values.includes(value)) {
      throw new ConfigError(key, `must be one of ${f.values.join(', ')} (got ${JSON.stringify(value)})`);
    }
    return value;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ConfigError(key, `must be a finite number (got ${JSON.stringify(value)})`);
  }
  if (f.kind === 'int') {
    if (!Number.isInteger(value)) throw new ConfigError(key, `must be an integer (got ${value})`);
    if (value < f.min) throw new ConfigError(key, `must be >= ${f.min} (got ${value})`);
    if (f.max !== undefined && value > f.max) throw new ConfigError(key, `must be <= ${f.max} (got ${value}${f.why ? '; ' + f.why : ''})`);
    return value;
  }
  const why = f.why ? '; ' + f.why : '';
  if (f.min !== undefined && (f.exclusiveMin ? value <= f.min : value < f.min)) {
    throw new ConfigError(key, `must be ${f.exclusiveMin ? '>' : '>='} ${f.min} (got ${value}${why})`);
  }
  if (f.max !== undefined && (f.exclusiveMax ? value >= f.max : value > f.max)) {
    throw new ConfigError(key, `must be ${f.exclusiveMax ? '<' : '<='} ${f.max} (got ${value}${why})`);
  }
  return value;
}

/** Parse a `key=value` string value into the field's type (numbers, enums). */
export function parseFieldValue(key: string, raw: string): string | number {
  if (!(key in FIELDS)) {
    throw new ConfigError(key, `unknown key (known keys: ${CONFIG_KEYS.join(' ')})`);
  }
  const f = FIELDS[key as keyof TrainConfig];
  if (f.kind === 'enum') return raw;
  const v = Number(raw.trim());
  if (raw.trim() === '' || !Number.isFinite(v)) {
    throw new ConfigError(key, `must be a number (got ${JSON.stringify(raw)})`);
  }
  return v;
}

/**
 * Merge partial settings over a base and validate everything. Unknown keys are errors.
 * An algo written as `lngd-gauss:a,b`, `lngd-uniform:a,b` or `smoothing:alpha` sets its
 * parameters too.
 */
export function resolveConfig(base: TrainConfig, ...overrides: Record<string, unknown>[]): TrainConfig {
  const out: Record<string, unknown> = { ...base };
  let explicitAB = false;
  for (const o of overrides) {
    for (const [k, v] of Object.entries(o)) {
      if (!(k in FIELDS)) throw new ConfigError(k, `unknown key (known keys: ${CONFIG_KEYS.join(' ')})`);
      if (k === 'algo' && typeof v === 'string' && v.includes(':')) {
        const parsed = parseAlgo(v);
        explicitAB ||= 'a' in parsed;
        Object.assign(out, parsed);
      } else {
        explicitAB ||= k === 'a' || k === 'b';
        out[k] = v;
      }
    }
  }
  // The multiplier parameters default to paper A's N(1, 1) and U[-1, 2] variants.
  if (out.algo === 'lngd-uniform' && !explicitAB && !((out.a as number) < (out.b as number))) Object.assign(out, { a: -1, b: 2 });
  for (const k of CONFIG_KEYS) {
    if (k in OPTIONAL_DEFAULTS) {
      // optional keys: absent or equal to the default leaves the config as it always was
      if (out[k] === undefined || out[k] === OPTIONAL_DEFAULTS[k as OptionalKey]) delete out[k];
      else out[k] = checkField(k, out[k]);
      continue;
    }
    out[k] = checkField(k, out[k]);
  }
  const c = out as unknown as TrainConfig;
  if (c.algo === 'lngd-gauss' && c.b < 0) throw new ConfigError('b', `is a standard deviation, must be >= 0 (got ${c.b})`);
  if (c.algo === 'lngd-uniform' && !(c.a < c.b)) throw new ConfigError('a', `must be < b for U[a, b] (got a=${c.a}, b=${c.b})`);
  checkMnist(c);
  checkModel(c);
  return c;
}

/** Source mnist: the digits fix d = 784, the noise patch is isotropic (there is no single mu to project on). */
function checkMnist(c: TrainConfig): void {
  if (sourceOf(c) !== 'mnist') return;
  if (c.d !== MNIST_D) throw new ConfigError('d', `must be ${MNIST_D} with source mnist (28 x 28 digits; got ${c.d})`);
  if (c.noise !== 'isotropic') throw new ConfigError('noise', `must be isotropic with source mnist (the noise is not projected: the signal patches differ per sample; got ${c.noise})`);
  if (samRhoOf(c) !== 0) throw new ConfigError('samRho', `SAM is not supported with source mnist (got ${samRhoOf(c)})`);
}

/** Model three-layer: synthetic signal patches (the autodiff engine has the one mu); hidden only with three-layer. */
function checkModel(c: TrainConfig): void {
  if (modelOf(c) === 'two-layer') {
    if (c.hidden !== undefined) throw new ConfigError('hidden', `applies only to model three-layer (got hidden=${c.hidden} with model two-layer)`);
    return;
  }
  if (sourceOf(c) !== 'synthetic') throw new ConfigError('model', `three-layer needs source synthetic (got source ${sourceOf(c)})`);
}

/** `lngd-gauss:1,1` -> {algo, a, b}; `smoothing:0.2` -> {algo, alpha}; plain names pass through. */
export function parseAlgo(spec: string): Partial<TrainConfig> {
  const colon = spec.indexOf(':');
  const name = colon < 0 ? spec : spec.slice(0, colon);
  const args = colon < 0 ? undefined : spec.slice(colon + 1);
  if (!ALGOS.includes(name as Algo)) throw new ConfigError('algo', `must be one of ${ALGOS.join(', ')} (got ${JSON.stringify(name)})`);
  const algo = name as Algo;
  if (args === undefined) return { algo };
  if (algo === 'gd') throw new ConfigError('algo', `gd takes no parameters (got ${JSON.stringify(spec)})`);
  const parts = args.split(',');
  const nums = parts.map((s) => Number(s.trim()));
  parts.forEach((p, i) => {
    // Number('') is 0: an empty parameter (`lngd-gauss:1,`, `smoothing:`) is an error, never 0
    if (p.trim() === '') throw new ConfigError('algo', `parameter ${i + 1} of ${JSON.stringify(spec)} is empty (write e.g. ${name === 'smoothing' ? 'smoothing:0.2' : name === 'lngd' ? 'lngd:0.1' : `${name}:1,1`})`);
    if (!Number.isFinite(nums[i])) throw new ConfigError('algo', `parameter ${i + 1} of ${JSON.stringify(spec)} is not a number (${JSON.stringify(p)})`);
  });
  if ((algo === 'lngd-gauss' || algo === 'lngd-uniform') && nums.length === 2) return { algo, a: nums[0], b: nums[1] };
  if (algo === 'smoothing' && nums.length === 1) return { algo, alpha: nums[0] };
  if (algo === 'lngd' && nums.length === 1) return { algo, p: nums[0] };
  throw new ConfigError('algo', `${name} takes ${algo === 'lngd-gauss' || algo === 'lngd-uniform' ? 'two parameters a,b' : 'one parameter'} (got ${JSON.stringify(spec)})`);
}

/** SNR = ||mu|| / (sigma_p sqrt(d)); the regime quantity of both papers is n SNR^2. */
export function snr(c: Pick<TrainConfig, 'A' | 'sigmaP' | 'd'>): number {
  return c.A / (c.sigmaP * Math.sqrt(c.d));
}
