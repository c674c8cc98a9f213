import { encodeModule, F32, FuncDef, I32, op, V128, ValType } from '../../util/wasmAsm';

/**
 * The two passes of a batched step over the state (program.ts), fused into one WebAssembly SIMD
 * loop each, run on tfjs-backend-wasm's own memory (so on the buffers the step kernels allocate):
 *
 *   activate:  Z += Z0;  R = relu(Z);  A = R^2 (square) or A = R;  out[g, c] = sum_k w[k] A[g, k, c]
 *   descend:   X[g, k, c] -= (T[g, k, c] B[g, c]) E[g, k, c]
 *
 * (the forward activation with the filter sums F = sum_jr j/m sigma(<w_jr, .>), and the GD update
 * of the coefficients, spec/model.md "Signal-noise decomposition"). Each replaces a sequence of
 * tfjs-backend-wasm kernels (add, relu, square, a transpose and a matMul; a broadcast mul, a mul
 * and a sub) that read and wrote the whole state once each. The arithmetic is the same, in the same
 * order (float32, the sum over k sequential from 0 as in XNNPACK's matMul): the tests hold these
 * loops bit for bit to that sequence and to the typed-array loops of `activateJs`/`descendJs`.
 *
 * Shapes: the buffers are row-major [groups][K][cols] (B and out: [groups][cols], w: [K]); all
 * pointers are byte addresses in the memory; groups, K, cols >= 1. Rows need no alignment: the
 * loops run 4 lanes at a time and finish a row's last cols mod 4 values one by one.
 */

/** The locals both passes' loop nest uses (indices). */
interface Nest {
  groups: number; K: number; cols: number; g: number; k: number; c: number; rowOff: number; nvec: number; off: number;
}

/**
 * The loop nest of both passes: for g < groups { groupHead; for k < K { rowHead; the row
 * [(g K + k) cols, +cols) 4 lanes at a time up to nvec = cols - cols mod 4, then one by one } },
 * `lanes(vector)` being the work at byte offset `off` of the row. Do-while loops: groups, K,
 * cols >= 1 (the callers check).
 */
function nest(L: Nest, groupHead: number[][], rowHead: number[][], lanes: (vector: boolean) => number[][]): number[][] {
  const { get, set } = op;
  const row = (vector: boolean, limit: number): number[][] => [
    op.block, op.loop,
    get(L.c), get(limit), op.i32GeU, op.brIf(1),
    get(L.rowOff), get(L.c), op.i32(4), op.i32Mul, op.i32Add, set(L.off),
    ...lanes(vector),
    get(L.c), op.i32(vector ? 4 : 1), op.i32Add, set(L.c),
    op.br(0),
    op.end, op.end,
  ];
  return [
    get(L.cols), op.i32(-4), op.i32And, set(L.nvec),
    op.loop, // g
    ...groupHead,
    op.i32(0), set(L.k),
    op.loop, // k
    ...rowHead,
    get(L.g), get(L.K), op.i32Mul, get(L.k), op.i32Add, get(L.cols), op.i32Mul, op.i32(4), op.i32Mul, set(L.rowOff),
    op.i32(0), set(L.c),
    ...row(true, L.nvec),
    ...row(false, L.cols),
    get(L.k), op.i32(1), op.i32Add, op.tee(L.k), get(L.K), op.i32LtU, op.brIf(0),
    op.end,
    get(L.g), op.i32(1), op.i32Add, op.tee(L.g), get(L.groups), op.i32LtU, op.brIf(0),
    op.end,
  ];
}

/** base + the byte offset in local `offLocal` */
const at = (base: number, offLocal: number) => [op.get(base), op.get(offLocal), op.i32Add];
/** base + 4 c: element c of a row starting at `base` */
const elem = (base: number, c: number) => [op.get(base), op.get(c), op.i32(4), op.i32Mul, op.i32Add];

// activate's parameters and locals
enum A_ {
  z, z0, r, a, w, out, groups, K, cols, // parameters
  g, k, c, rowOff, outRow, nvec, off, o, // i32
  wv, vz, vr, // v128
  wk, sz, sr, // f32
}

function activateDef(square: boolean): FuncDef {
  const { get, set } = op;
  const L = A_;
  const lanes = (vector: boolean): number[][] => {
    const load = vector ? op.v128Load : op.f32Load, store = vector ? op.v128Store : op.f32Store;
    const add = vector ? op.f32x4Add : op.f32Add, mul = vector ? op.f32x4Mul : op.f32Mul;
    const zl = vector ? L.vz : L.sz, rl = vector ? L.vr : L.sr, wl = vector ? L.wv : L.wk;
    return [
      // Z = Z + Z0
      ...at(L.z, L.off), load, ...at(L.z0, L.off), load, add, set(zl),
      ...at(L.z, L.off), get(zl), store,
      // R = max(Z, 0) (NaN stays NaN)
      get(zl), ...(vector ? [op.v128Zero, op.f32x4Max] : [op.f32(0), op.f32Max]), set(rl),
      ...at(L.r, L.off), get(rl), store,
      // A = R R
      ...(square ? [get(rl), get(rl), mul, set(rl), ...at(L.a, L.off), get(rl), store] : []),
      // out[g, c] += w[k] A
      ...elem(L.outRow, L.c), set(L.o),
      get(L.o), get(L.o), load, get(wl), get(rl), mul, add, store,
    ];
  };
  return {
    name: square ? 'activateSquare' : 'activate',
    params: 9,
    locals: [...new Array<ValType>(8).fill(I32), V128, V128, V128, F32, F32, F32],
    body: nest(L, [
      // outRow = out + 4 g cols; the row of out = 0
      get(L.out), get(L.g), get(L.cols), op.i32Mul, op.i32(4), op.i32Mul, op.i32Add, set(L.outRow),
      op.i32(0), set(L.c),
      op.loop,
      ...elem(L.outRow, L.c), op.f32(0), op.f32Store,
      get(L.c), op.i32(1), op.i32Add, op.tee(L.c), get(L.cols), op.i32LtU, op.brIf(0),
      op.end,
    ], [
      // wv = w[k] in every lane
      ...elem(L.w, L.k), op.f32Load, op.tee(L.wk), op.f32x4Splat, set(L.wv),
    ], lanes),
  };
}

// descend's parameters and locals
enum D_ {
  x, t, b, e, groups, K, cols, // parameters
  g, k, c, rowOff, bRow, nvec, off, // i32
  vu, // v128
  su, // f32
}

function descendDef(): FuncDef {
  const { get, set } = op;
  const L = D_;
  const lanes = (vector: boolean): number[][] => {
    const load = vector ? op.v128Load : op.f32Load, store = vector ? op.v128Store : op.f32Store;
    const sub = vector ? op.f32x4Sub : op.f32Sub, mul = vector ? op.f32x4Mul : op.f32Mul;
    const u = vector ? L.vu : L.su;
    return [
      // U = (T B) E
      ...at(L.t, L.off), load, ...elem(L.bRow, L.c), load, mul,
      ...at(L.e, L.off), load, mul, set(u),
      // X = X - U
      ...at(L.x, L.off), ...at(L.x, L.off), load, get(u), sub, store,
    ];
  };
  return {
    name: 'descend',
    params: 7,
    locals: [...new Array<ValType>(7).fill(I32), V128, F32],
    body: nest(L, [
      // bRow = b + 4 g cols
      get(L.b), get(L.g), get(L.cols), op.i32Mul, op.i32(4), op.i32Mul, op.i32Add, set(L.bRow),
    ], [], lanes),
  };
}

type Ptr = number;
export interface FusedExports {
  activate(z: Ptr, z0: Ptr, r: Ptr, a: Ptr, w: Ptr, out: Ptr, groups: number, K: number, cols: number): void;
  activateSquare(z: Ptr, z0: Ptr, r: Ptr, a: Ptr, w: Ptr, out: Ptr, groups: number, K: number, cols: number): void;
  descend(x: Ptr, t: Ptr, b: Ptr, e: Ptr, groups: number, K: number, cols: number): void;
}

/** The engine's WebAssembly API (this project's lib typings do not declare it). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  Memory: abstract new (...args: never[]) => object;
}
const WA = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

/** true when `x` is a WebAssembly.Memory */
export function isWasmMemory(x: unknown): x is object {
  return WA !== undefined && x instanceof WA.Memory;
}

let compiled: object | null | undefined;
const instances = new WeakMap<object, FusedExports>();

/** the module's bytes (exported for the tests) */
export function fusedModuleBytes(): Uint8Array {
  return encodeModule([activateDef(false), activateDef(true), descendDef()]);
}

/**
 * The fused kernels on `memory` (instantiated once per memory), or null where this engine has no
 * WebAssembly SIMD: the caller then runs the unfused kernel sequence.
 */
export function fusedKernels(memory: object): FusedExports | null {
  if (!WA || !isWasmMemory(memory)) return null;
  if (compiled === undefined) {
    const bytes = fusedModuleBytes();
    compiled = WA.validate(bytes) ? new WA.Module(bytes) : null;
  }
  if (compiled === null) return null;
  let inst = instances.get(memory);
  if (!inst) {
    inst = new WA.Instance(compiled, { env: { memory } }).exports as FusedExports;
    instances.set(memory, inst);
  }
  return inst;
}

/** activate on typed arrays (float32 at every operation, as the wasm loop) */
export function activateJs(
  Z: Float32Array, Z0: Float32Array, R: Float32Array, A: Float32Array | null, w: Float32Array, out: Float32Array,
  groups: number, K: number, cols: number,
): void {
  const f = Math.fround;
  for (let g = 0; g < groups; g++) {
    const o = g * cols;
    out.fill(0, o, o + cols);
    for (let k = 0; k < K; k++) {
      const wk = w[k], row = (g * K + k) * cols;
      for (let c = 0; c < cols; c++) {
        const z = f(Z[row + c] + Z0[row + c]);
        Z[row + c] = z;
        const r = z > 0 ? z : z !== z ? z : 0;
        R[row + c] = r;
        let act = r;
        if (A) {
          act = f(r * r);
          A[row + c] = act;
        }
        out[o + c] = f(out[o + c] + f(wk * act));
      }
    }
  }
}

/** descend on typed arrays */
export function descendJs(X: Float32Array, T: Float32Array, B: Float32Array, E: Float32Array, groups: number, K: number, cols: number): void {
  const f = Math.fround;
  for (let g = 0; g < groups; g++) {
    for (let k = 0; k < K; k++) {
      const row = (g * K + k) * cols;
      for (let c = 0; c < cols; c++) X[row + c] = f(X[row + c] - f(f(T[row + c] * B[g * cols + c]) * E[row + c]));
    }
  }
}
