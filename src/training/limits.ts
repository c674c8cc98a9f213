import * as os from 'os';
import { hiddenOf, modelOf, patchesOf, type TrainConfig, type TrainEngineName } from './config';

/**
 * What a training run needs before it starts: its memory against the machine (os.totalmem) and
 * against wasm's 4 GB address space, array lengths against JavaScript's typed-array limit, and the
 * data's magnitudes against float32 (the tfjs engines). Each refusal is one line with the numbers.
 * Checked by the CLI before any work (train, sweep) and again by `train()` itself, so a claim
 * evaluation that asks for too much fails as that evaluation's `error` rather than crashing a worker.
 */
export class ResourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ResourceError';
  }
}

/** wasm32's heap limit as tfjs-backend-wasm builds it (emscripten getHeapMax: 4 GiB - 64 KiB). */
export const WASM_HEAP_MAX = 4294901760;
/** The longest typed array V8 allocates here (elements). */
export const MAX_ARRAY_LENGTH = 2 ** 32 - 1;
/** Node, tfjs and the wasm module themselves (measured ~150 MB; rounded up). */
export const BASE_BYTES = 256 * 2 ** 20;
const FLOAT32_MAX = 3.4028234663852886e38;

export interface MemoryEstimate {
  engine: TrainEngineName;
  /** JavaScript typed arrays (float64 data, float32 copies, the reference engine's state) */
  jsBytes: number;
  /** tfjs tensors at their peak (wasm heap on the wasm backend) */
  tensorBytes: number;
  /** jsBytes + tensorBytes + BASE_BYTES: the process's resident size, roughly */
  totalBytes: number;
  /** the largest single array, in elements */
  largestArray: { elements: number; what: string };
}

/**
 * Peak memory of one training run per engine (spec of the engines in README "How the training
 * core works"). An upper estimate: transient copies made at set-up are counted at once.
 */
export function estimateMemory(c: Pick<TrainConfig, 'n' | 'nTest' | 'd' | 'm' | 'K' | 'model' | 'hidden'>, engine: TrainEngineName, perSample = false): MemoryEstimate {
  const { d, m } = c;
  // K > 2 patches: (K - 1) noise patches per sample (counted as that many samples: an upper estimate)
  const n = c.n * (patchesOf(c) - 1);
  const nTest = c.nTest * (patchesOf(c) - 1);
  const rows = 2 * m;
  // the data set and W0 are drawn in float64 JavaScript (src/data/signalNoise.ts) by every engine
  const data = 8 * (n * d + nTest * d + rows * d + d + 4 * n + 2 * nTest);
  const arrays: [number, string][] = [[n * d, 'n x d (training noise)'], [nTest * d, 'nTest x d (test noise)'], [rows * d, '2m x d (filters)']];
  // measurements: snapshots of f, gamma, rho in float64 (and per-sample vectors)
  const measure = 8 * (n + nTest + rows + 2 * rows * n) + (perSample ? 8 * 4 * n : 0);
  let js = data + measure;
  let tensors = 0;
  if (engine === 'gram') {
    // float64 JS (src/training/engines/gramEngine.ts): patch matrices Z (K n x d, K nTest x d), the
    // Gram G (K n)^2 and cross-Gram K n x K nTest, W0 products, C, P, the gradient and momentum (2m x K n each)
    const Np = n + c.n;
    const NpTest = nTest + c.nTest;
    js += 8 * (Np * d + NpTest * d + Np * Np + Np * NpTest + rows * NpTest * 2 + 5 * rows * Np);
    arrays.push([Np * NpTest, 'K n x K nTest (patch cross-Gram)']);
  } else if (engine === 'autodiff') {
    // src/training/engines/autodiffEngine.ts: first layer W (2m x d) or V (H x d), three-layer head 2m x H
    const H = modelOf(c) === 'three-layer' ? hiddenOf(c) : 0;
    const first = H > 0 ? H : rows;
    const params = first * d + rows * H;
    // float32 uploads (xi, xi^T, zeta^T, parameters), <v, xi> at init and the snapshots of it (float64)
    js += 4 * (2 * n * d + nTest * d + params) + 8 * 3 * first * (n + 1);
    // data (xi, xi^T, zeta^T, mu), parameters with their gradients, SAM's ascent point, momentum and
    // update transients (~6 copies), forward and backward intermediates of both layers over the
    // K n patch columns (~8 copies), and the test pass over the K nTest columns
    tensors = 4 * (2 * n * d + nTest * d + 2 * d + 6 * params + 8 * (first + rows) * (n + c.n) + 2 * (first + rows) * (nTest + c.nTest));
    arrays.push([first * d, H > 0 ? 'hidden x d (first layer)' : '2m x d (filters)']);
  } else if (engine === 'reference') {
    js += 8 * (rows * d + rows + 3 * rows * n + rows * nTest + 3 * n + d);
    arrays.push([rows * nTest, '2m x nTest (test inner products)']);
  } else {
    // float32 copies made once to upload (xi, xi^T, zeta^T, W0)
    js += 4 * (2 * n * d + nTest * d + rows * d);
    const state = rows + rows * n + nTest + 2 * n;
    const perStep = 4 * rows * n + 3 * n + 2 * rows * nTest;
    if (engine === 'weight') {
      // W, xi, xi^T, zeta^T, mu; an update holds ~5 transient copies of W's size
      tensors = 4 * (2 * n * d + nTest * d + 6 * rows * d + 2 * d + state + perStep);
    } else {
      // set-up: W, xi, xi^T, zeta^T, then Gram blocks G (n x n) and Gtest (n x nTest), each made twice
      const setup = 2 * n * d + nTest * d + rows * d + 2 * d + 2 * n * n + 2 * n * nTest + rows * (1 + n + nTest);
      const kept = n * n + n * nTest + rows * (1 + n + nTest) + 3 * (n + nTest);
      tensors = 4 * Math.max(setup, kept + state + perStep);
      arrays.push([n * n, 'n x n (Gram matrix)'], [n * nTest, 'n x nTest (cross-Gram)']);
    }
  }
  const largest = arrays.reduce((a, b) => (b[0] > a[0] ? b : a));
  return { engine, jsBytes: js, tensorBytes: tensors, totalBytes: js + tensors + BASE_BYTES, largestArray: { elements: largest[0], what: largest[1] } };
}

/** The tfjs backend a worker will use (without loading tfjs): CLAIMCHECK_BACKEND, else tfjs-node if installed, else wasm. */
export function expectedBackend(): string {
  const env = process.env.CLAIMCHECK_BACKEND;
  if (env && env !== 'auto') return env;
  try {
    require.resolve('@tensorflow/tfjs-node');
    return 'tensorflow';
  } catch {
    return 'wasm';
  }
}

export function formatBytes(b: number): string {
  if (b >= 2 ** 40) return `${(b / 2 ** 40).toPrecision(3)} TiB`;
  if (b >= 2 ** 30) return `${(b / 2 ** 30).toPrecision(3)} GiB`;
  return `${(b / 2 ** 20).toPrecision(3)} MiB`;
}

function sizes(c: Pick<TrainConfig, 'n' | 'nTest' | 'd' | 'm' | 'model' | 'hidden'>): string {
  return `n=${c.n} nTest=${c.nTest} d=${c.d} m=${c.m}${modelOf(c) === 'three-layer' ? ` hidden=${hiddenOf(c)}` : ''}`;
}

export interface ResourceOptions {
  /** runs that may be in memory at once (parallel workers); default 1 */
  concurrent?: number;
  perSample?: boolean;
  backend?: string;
  /** machine memory (tests); default os.totalmem() */
  totalmem?: number;
}

/**
 * Refuse a run that cannot fit: a single array beyond the typed-array limit, tensors beyond wasm's
 * 4 GB (wasm backend), or the estimate (times `concurrent`) beyond the machine's RAM; and data whose
 * norms overflow float32 on the tfjs engines. Returns the estimate.
 */
export function checkResources(c: TrainConfig, engine: TrainEngineName, o: ResourceOptions = {}): MemoryEstimate {
  const est = estimateMemory(c, engine, o.perSample);
  const backend = o.backend ?? expectedBackend();
  const tfjs = engine === 'weight' || engine === 'coefficient' || engine === 'autodiff';
  if (tfjs && backend === 'wasm' && est.tensorBytes > WASM_HEAP_MAX) {
    throw new ResourceError(`${sizes(c)}: the ${engine} engine needs about ${formatBytes(est.tensorBytes)} of tensors, beyond wasm's 4 GB heap (backend wasm)${engine === 'weight' && estimateMemory(c, 'coefficient').tensorBytes <= WASM_HEAP_MAX ? '; the coefficient engine would fit' : ''}`);
  }
  const total = o.totalmem ?? os.totalmem();
  const k = Math.max(1, o.concurrent ?? 1);
  if (est.totalBytes * k > total) {
    const each = k > 1 ? ` (${formatBytes(est.totalBytes)} per run x ${k} workers; try fewer --workers)` : '';
    throw new ResourceError(`${sizes(c)}: the ${engine} engine needs about ${formatBytes(est.totalBytes * k)}${each}, beyond this machine's ${formatBytes(total)} of memory`);
  }
  if (est.largestArray.elements > MAX_ARRAY_LENGTH) {
    throw new ResourceError(`${sizes(c)}: the ${est.largestArray.what} array would have ${est.largestArray.elements.toExponential(3)} elements, beyond JavaScript's limit of ${MAX_ARRAY_LENGTH} (2^32 - 1)`);
  }
  if (tfjs) {
    const noise = c.sigmaP * c.sigmaP * c.d;
    if (!(noise < FLOAT32_MAX / 16)) throw new ResourceError(`sigmaP=${c.sigmaP}, d=${c.d}: the noise norms ||xi||^2 ~ sigmaP^2 d = ${noise.toExponential(2)} overflow float32 (max 3.4e38) on the ${engine} engine; use --engine reference or a smaller sigmaP`);
    if (!(c.A * c.A < FLOAT32_MAX / 16)) throw new ResourceError(`A=${c.A}: ||mu||^2 = A^2 = ${(c.A * c.A).toExponential(2)} overflows float32 (max 3.4e38) on the ${engine} engine; use --engine reference or a smaller A`);
  }
  return est;
}

/**
 * Settings outside the papers' models that run only when asked for with `--allow NAME`:
 *   tau   fixed flip rates tauPlus or tauMinus >= 1/2 (the papers assume tau < 1/2: at 1/2 the
 *         labels carry no signal, beyond it they are inverted)
 */
export const ALLOWABLE = { tau: 'flip rates tauPlus, tauMinus >= 1/2 (the papers assume tau < 1/2)' } as const;
export type Allowable = keyof typeof ALLOWABLE;

export function parseAllow(flag: unknown): Set<Allowable> {
  const out = new Set<Allowable>();
  const raw = Array.isArray(flag) ? flag : flag === undefined ? [] : [flag];
  for (const item of raw.flatMap((x) => String(x).split(','))) {
    const k = item.trim();
    if (!(k in ALLOWABLE)) throw new ResourceError(`--allow ${JSON.stringify(k)}: unknown (allowable: ${Object.entries(ALLOWABLE).map(([n, w]) => `${n} = ${w}`).join('; ')})`);
    out.add(k as Allowable);
  }
  return out;
}

/** The checks `--allow` can lift: tau >= 1/2. `where` prefixes the message (e.g. "--axis tauPlus=..."). */
export function checkModelRange(c: Pick<TrainConfig, 'tauPlus' | 'tauMinus'>, allow: Set<Allowable>, where = ''): void {
  if (allow.has('tau')) return;
  for (const k of ['tauPlus', 'tauMinus'] as const) {
    if (c[k] >= 0.5) throw new ResourceError(`${where}${k}: ${c[k]} >= 1/2 is outside the papers' model (tau < 1/2: at 1/2 the labels carry no signal); add --allow tau to run it anyway`);
  }
}
