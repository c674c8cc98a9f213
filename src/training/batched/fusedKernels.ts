import { encodeModule, F32, F64, FuncDef, I32, op, V128, ValType } from '../../util/wasmAsm';

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

// descendMomentum's parameters and locals
enum DM_ {
  x, t, b, e, vel, beta, omb, groups, K, cols, // parameters
  g, k, c, rowOff, bRow, nvec, off, // i32
  vu, vv, // v128
  su, sv, // f32
}

/**
 * The update with momentum (spec/model.md "Other optimizers and models", v <- beta v + (1 - beta)
 * grad, W <- W - eta v, in coefficient form with eta inside the step): U = (T B) E,
 * Vel = beta Vel + (1 - beta) U, X -= Vel; beta and 1 - beta per element (each run's rows).
 */
function descendMomentumDef(): FuncDef {
  const { get, set } = op;
  const L = DM_;
  const lanes = (vector: boolean): number[][] => {
    const load = vector ? op.v128Load : op.f32Load, store = vector ? op.v128Store : op.f32Store;
    const sub = vector ? op.f32x4Sub : op.f32Sub, mul = vector ? op.f32x4Mul : op.f32Mul, add = vector ? op.f32x4Add : op.f32Add;
    const u = vector ? L.vu : L.su, v = vector ? L.vv : L.sv;
    return [
      // U = (T B) E
      ...at(L.t, L.off), load, ...elem(L.bRow, L.c), load, mul,
      ...at(L.e, L.off), load, mul, set(u),
      // Vel = beta Vel + (1 - beta) U
      ...at(L.beta, L.off), load, ...at(L.vel, L.off), load, mul, ...at(L.omb, L.off), load, get(u), mul, add, set(v),
      ...at(L.vel, L.off), get(v), store,
      // X = X - Vel
      ...at(L.x, L.off), ...at(L.x, L.off), load, get(v), sub, store,
    ];
  };
  return {
    name: 'descendMomentum',
    params: 10,
    locals: [...new Array<ValType>(7).fill(I32), V128, V128, F32, F32],
    body: nest(L, [
      get(L.b), get(L.g), get(L.cols), op.i32Mul, op.i32(4), op.i32Mul, op.i32Add, set(L.bRow),
    ], [], lanes),
  };
}

/**
 * The per-sample part of a step around the loss's sigmoid and softplus (program.ts forward and
 * update), over S data sets x V slots x n samples (buffers [S V][n]; F and gAug [S V][a], a = n + 2;
 * col [S][n] holds each sample's signal column of F, n (y = +1) or n + 1, as a float):
 *
 *   samplesIn:  f = F[., i] + F[., col_i];  z = lab f;  nz = -z
 *   samplesOut: g = (W2 - sg) lab;  sp = sp + W2 z;  gAug[., i] = g_i, and in columns n, n + 1 the
 *               sums of g over y = +1 and y = -1 (float64, rounded once)
 *
 * sg = sigmoid(nz) and sp = softplus(nz) come from tfjs-wasm's kernels in between. Scalar loops:
 * they replace two host loops and five elementwise kernel calls a step (the same values).
 */
enum SI_ {
  F, col, lab, f, z, nz, S, V, n, a, // parameters
  s, v, i, Frow, fo, ci, // i32
  fv, zv, // f32
}

function samplesInDef(): FuncDef {
  const { get, set } = op;
  const L = SI_;
  // element (fo + i) of a [S V][n] buffer
  const smp = (base: number) => [get(base), get(L.fo), get(L.i), op.i32Add, op.i32(4), op.i32Mul, op.i32Add];
  return {
    name: 'samplesIn',
    params: 10,
    locals: [...new Array<ValType>(6).fill(I32), F32, F32],
    body: [
      op.loop, // s
      op.i32(0), set(L.v),
      op.loop, // v
      // Frow = F + 4 a (s V + v); fo = n (s V + v)
      get(L.s), get(L.V), op.i32Mul, get(L.v), op.i32Add, get(L.a), op.i32Mul, op.i32(4), op.i32Mul, get(L.F), op.i32Add, set(L.Frow),
      get(L.s), get(L.V), op.i32Mul, get(L.v), op.i32Add, get(L.n), op.i32Mul, set(L.fo),
      op.i32(0), set(L.i),
      op.loop, // i
      // ci = col[s n + i]
      get(L.col), get(L.s), get(L.n), op.i32Mul, get(L.i), op.i32Add, op.i32(4), op.i32Mul, op.i32Add, op.f32Load, op.i32FromF32, set(L.ci),
      ...elem(L.Frow, L.i), op.f32Load, ...elem(L.Frow, L.ci), op.f32Load, op.f32Add, set(L.fv),
      ...smp(L.f), get(L.fv), op.f32Store,
      ...smp(L.lab), op.f32Load, get(L.fv), op.f32Mul, set(L.zv),
      ...smp(L.z), get(L.zv), op.f32Store,
      ...smp(L.nz), get(L.zv), op.f32Neg, op.f32Store,
      get(L.i), op.i32(1), op.i32Add, op.tee(L.i), get(L.n), op.i32LtU, op.brIf(0),
      op.end,
      get(L.v), op.i32(1), op.i32Add, op.tee(L.v), get(L.V), op.i32LtU, op.brIf(0),
      op.end,
      get(L.s), op.i32(1), op.i32Add, op.tee(L.s), get(L.S), op.i32LtU, op.brIf(0),
      op.end,
    ],
  };
}

enum SO_ {
  W2, sg, lab, z, sp, g, gAug, col, S, V, n, a, // parameters
  s, v, i, so, go, // i32
  gv, // f32
  gp, gm, // f64
}

function samplesOutDef(): FuncDef {
  const { get, set } = op;
  const L = SO_;
  // element (so + i) of a [S V][n] buffer, and (go + i) of gAug
  const smp = (base: number) => [get(base), get(L.so), get(L.i), op.i32Add, op.i32(4), op.i32Mul, op.i32Add];
  const aug = (col: number[][]) => [get(L.gAug), get(L.go), ...col, op.i32Add, op.i32(4), op.i32Mul, op.i32Add];
  return {
    name: 'samplesOut',
    params: 12,
    locals: [...new Array<ValType>(5).fill(I32), F32, F64, F64],
    body: [
      op.loop, // s
      op.i32(0), set(L.v),
      op.loop, // v
      get(L.s), get(L.V), op.i32Mul, get(L.v), op.i32Add, get(L.n), op.i32Mul, set(L.so),
      get(L.s), get(L.V), op.i32Mul, get(L.v), op.i32Add, get(L.a), op.i32Mul, set(L.go),
      op.f64(0), set(L.gp), op.f64(0), set(L.gm),
      op.i32(0), set(L.i),
      op.loop, // i
      // g = (W2 - sg) lab
      ...smp(L.W2), op.f32Load, ...smp(L.sg), op.f32Load, op.f32Sub, ...smp(L.lab), op.f32Load, op.f32Mul, set(L.gv),
      ...smp(L.g), get(L.gv), op.f32Store,
      // sp = sp + W2 z
      ...smp(L.sp), ...smp(L.sp), op.f32Load, ...smp(L.W2), op.f32Load, ...smp(L.z), op.f32Load, op.f32Mul, op.f32Add, op.f32Store,
      ...aug([get(L.i)]), get(L.gv), op.f32Store,
      // the class sums: col[s n + i] == n -> gp
      get(L.col), get(L.s), get(L.n), op.i32Mul, get(L.i), op.i32Add, op.i32(4), op.i32Mul, op.i32Add, op.f32Load, op.i32FromF32, get(L.n), op.i32Eq,
      op.if,
      get(L.gp), get(L.gv), op.f64FromF32, op.f64Add, set(L.gp),
      op.else,
      get(L.gm), get(L.gv), op.f64FromF32, op.f64Add, set(L.gm),
      op.end,
      get(L.i), op.i32(1), op.i32Add, op.tee(L.i), get(L.n), op.i32LtU, op.brIf(0),
      op.end,
      ...aug([get(L.n)]), get(L.gp), op.f32FromF64, op.f32Store,
      ...aug([get(L.n), op.i32(1), op.i32Add]), get(L.gm), op.f32FromF64, op.f32Store,
      get(L.v), op.i32(1), op.i32Add, op.tee(L.v), get(L.V), op.i32LtU, op.brIf(0),
      op.end,
      get(L.s), op.i32(1), op.i32Add, op.tee(L.s), get(L.S), op.i32LtU, op.brIf(0),
      op.end,
    ],
  };
}

/**
 * Matrix products C = A B for the step's Gram products, the test predictions and the set-up's
 * cross-products, with B packed once (a constant right operand, as for XNNPACK): B (K x N) as
 * panels of 8 columns, Bp[p][k][0..8) = B[k][8p .. 8p + 8), zero past column N.
 *
 * gemm{MR}(A, Bp, C, tiles, K, panels, ldc, lastWidth, scratch): `tiles` row tiles of MR rows of
 * A (row-major, K columns) times the panels, into C (row stride ldc floats); the last panel writes
 * its first lastWidth columns (through 32 bytes of scratch). One tile and panel keep 2 MR
 * accumulators of 4 lanes in registers over the whole sum: per k, two loads of B, MR loads of A
 * splat to 4 lanes, 2 MR multiplies and adds. Each output is the sum over k in order, from 0, of
 * the products, multiply then add in float32: XNNPACK's order, so the same bits (tested), ~1.35x
 * its speed here at the Gram products' shape (a 4 x 8 tile; XNNPACK's kernel loses time to
 * shuffles on 128-bit SIMD).
 */
function gemmDef(MR: number): FuncDef {
  const { get, set, tee } = op;
  // parameters
  const A = 0, Bp = 1, C = 2, tiles = 3, K = 4, panels = 5, ldc = 6, lastWidth = 7, scratch = 8;
  // locals
  const t = 9, p = 10, k = 11, pa = 12, pb = 13, pc = 14, rowA = 15, j = 16;
  const acc = Array.from({ length: 2 * MR }, (_, r) => 17 + r);
  const b0 = 17 + 2 * MR, b1 = b0 + 1, av = b0 + 2;
  // C + ((t MR + r) ldc + 8 p) 4
  const cAddr = (r: number) => [
    get(C), get(t), op.i32(MR), op.i32Mul, op.i32(r), op.i32Add, get(ldc), op.i32Mul, get(p), op.i32(8), op.i32Mul, op.i32Add, op.i32(4), op.i32Mul, op.i32Add,
  ];
  const storeRow = (r: number) => [
    ...cAddr(r), set(pc),
    // a full panel: two vector stores; the last panel when narrower: through the scratch
    get(p), op.i32(1), op.i32Add, get(panels), op.i32LtU, get(lastWidth), op.i32(8), op.i32Eq, op.i32Or,
    op.if,
    get(pc), get(acc[2 * r]), op.v128Store, get(pc), op.i32(16), op.i32Add, get(acc[2 * r + 1]), op.v128Store,
    op.else,
    get(scratch), get(acc[2 * r]), op.v128Store, get(scratch), op.i32(16), op.i32Add, get(acc[2 * r + 1]), op.v128Store,
    op.i32(0), set(j),
    op.loop,
    get(pc), get(j), op.i32(4), op.i32Mul, op.i32Add, get(scratch), get(j), op.i32(4), op.i32Mul, op.i32Add, op.f32Load, op.f32Store,
    get(j), op.i32(1), op.i32Add, tee(j), get(lastWidth), op.i32LtU, op.brIf(0),
    op.end,
    op.end,
  ];
  return {
    name: `gemm${MR}`,
    params: 9,
    locals: [...new Array<ValType>(8).fill(I32), ...new Array<ValType>(2 * MR + 3).fill(V128)],
    body: [
      get(K), op.i32(4), op.i32Mul, set(rowA),
      op.i32(0), set(t),
      op.loop, // row tiles
      op.i32(0), set(p),
      op.loop, // panels
      ...acc.flatMap((a) => [op.v128Zero, set(a)]),
      get(A), get(t), op.i32(MR), op.i32Mul, get(rowA), op.i32Mul, op.i32Add, set(pa),
      get(Bp), get(p), get(K), op.i32Mul, op.i32(32), op.i32Mul, op.i32Add, set(pb),
      op.i32(0), set(k),
      op.loop, // k: acc += A[row, k] B[k, panel]
      get(pb), op.v128Load, set(b0), get(pb), op.i32(16), op.i32Add, op.v128Load, set(b1),
      ...Array.from({ length: MR }, (_, r) => [
        get(pa), ...(r > 0 ? [get(rowA), op.i32(r), op.i32Mul, op.i32Add] : []), op.v128Load32Splat, tee(av),
        get(b0), op.f32x4Mul, get(acc[2 * r]), op.f32x4Add, set(acc[2 * r]),
        get(av), get(b1), op.f32x4Mul, get(acc[2 * r + 1]), op.f32x4Add, set(acc[2 * r + 1]),
      ]).flat(),
      get(pa), op.i32(4), op.i32Add, set(pa), get(pb), op.i32(32), op.i32Add, set(pb),
      get(k), op.i32(1), op.i32Add, tee(k), get(K), op.i32LtU, op.brIf(0),
      op.end,
      ...Array.from({ length: MR }, (_, r) => storeRow(r)).flat(),
      get(p), op.i32(1), op.i32Add, tee(p), get(panels), op.i32LtU, op.brIf(0),
      op.end,
      get(t), op.i32(1), op.i32Add, tee(t), get(tiles), op.i32LtU, op.brIf(0),
      op.end,
    ],
  };
}

/** pack(B, Bp, K, N, panels): B (K x N, row-major) into panels of 8 columns, zero past N */
function packDef(): FuncDef {
  const { get, set, tee } = op;
  const B = 0, Bp = 1, K = 2, N = 3, panels = 4;
  const p = 5, k = 6, jj = 7, col = 8, dst = 9;
  return {
    name: 'pack',
    params: 5,
    locals: new Array<ValType>(5).fill(I32),
    body: [
      get(Bp), set(dst),
      op.i32(0), set(p),
      op.loop,
      op.i32(0), set(k),
      op.loop,
      op.i32(0), set(jj),
      op.loop,
      get(p), op.i32(8), op.i32Mul, get(jj), op.i32Add, set(col),
      get(col), get(N), op.i32LtU,
      op.if,
      get(dst), get(B), get(k), get(N), op.i32Mul, get(col), op.i32Add, op.i32(4), op.i32Mul, op.i32Add, op.f32Load, op.f32Store,
      op.else,
      get(dst), op.f32(0), op.f32Store,
      op.end,
      get(dst), op.i32(4), op.i32Add, set(dst),
      get(jj), op.i32(1), op.i32Add, tee(jj), op.i32(8), op.i32LtU, op.brIf(0),
      op.end,
      get(k), op.i32(1), op.i32Add, tee(k), get(K), op.i32LtU, op.brIf(0),
      op.end,
      get(p), op.i32(1), op.i32Add, tee(p), get(panels), op.i32LtU, op.brIf(0),
      op.end,
    ],
  };
}

type Ptr = number;
export interface FusedExports {
  activate(z: Ptr, z0: Ptr, r: Ptr, a: Ptr, w: Ptr, out: Ptr, groups: number, K: number, cols: number): void;
  activateSquare(z: Ptr, z0: Ptr, r: Ptr, a: Ptr, w: Ptr, out: Ptr, groups: number, K: number, cols: number): void;
  descend(x: Ptr, t: Ptr, b: Ptr, e: Ptr, groups: number, K: number, cols: number): void;
  descendMomentum(x: Ptr, t: Ptr, b: Ptr, e: Ptr, vel: Ptr, beta: Ptr, omb: Ptr, groups: number, K: number, cols: number): void;
  samplesIn(F: Ptr, col: Ptr, lab: Ptr, f: Ptr, z: Ptr, nz: Ptr, S: number, V: number, n: number, a: number): void;
  samplesOut(W2: Ptr, sg: Ptr, lab: Ptr, z: Ptr, sp: Ptr, g: Ptr, gAug: Ptr, col: Ptr, S: number, V: number, n: number, a: number): void;
  gemm1: Gemm;
  gemm2: Gemm;
  gemm3: Gemm;
  gemm4: Gemm;
  pack(B: Ptr, Bp: Ptr, K: number, N: number, panels: number): void;
}
type Gemm = (A: Ptr, Bp: Ptr, C: Ptr, tiles: number, K: number, panels: number, ldc: number, lastWidth: number, scratch: Ptr) => void;

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
  return encodeModule([activateDef(false), activateDef(true), descendDef(), descendMomentumDef(), samplesInDef(), samplesOutDef(), gemmDef(1), gemmDef(2), gemmDef(3), gemmDef(4), packDef()]);
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
    try {
      inst = new WA.Instance(compiled, { env: { memory } }).exports as FusedExports;
    } catch {
      // e.g. a shared memory (tfjs-wasm's threaded build): the unfused kernels then
      return null;
    }
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

/** descendMomentum on typed arrays */
export function descendMomentumJs(
  X: Float32Array, T: Float32Array, B: Float32Array, E: Float32Array, Vel: Float32Array, Beta: Float32Array, Omb: Float32Array, groups: number, K: number, cols: number,
): void {
  const f = Math.fround;
  for (let g = 0; g < groups; g++) {
    for (let k = 0; k < K; k++) {
      const row = (g * K + k) * cols;
      for (let c = 0; c < cols; c++) {
        const i = row + c;
        const u = f(f(T[i] * B[g * cols + c]) * E[i]);
        const v = f(f(Beta[i] * Vel[i]) + f(Omb[i] * u));
        Vel[i] = v;
        X[i] = f(X[i] - v);
      }
    }
  }
}

/** samplesIn on typed arrays */
export function samplesInJs(F: Float32Array, col: Float32Array, lab: Float32Array, f: Float32Array, z: Float32Array, nz: Float32Array, S: number, V: number, n: number, a: number): void {
  for (let s = 0; s < S; s++) {
    for (let v = 0; v < V; v++) {
      const from = (s * V + v) * a, to = (s * V + v) * n;
      for (let i = 0; i < n; i++) {
        const fv = Math.fround(F[from + i] + F[from + col[s * n + i]]);
        f[to + i] = fv;
        const zv = Math.fround(lab[to + i] * fv);
        z[to + i] = zv;
        nz[to + i] = -zv;
      }
    }
  }
}

/** samplesOut on typed arrays */
export function samplesOutJs(
  W2: Float32Array, sg: Float32Array, lab: Float32Array, z: Float32Array, sp: Float32Array, g: Float32Array, gAug: Float32Array, col: Float32Array,
  S: number, V: number, n: number, a: number,
): void {
  const f = Math.fround;
  for (let s = 0; s < S; s++) {
    for (let v = 0; v < V; v++) {
      const from = (s * V + v) * n, to = (s * V + v) * a;
      let gp = 0, gm = 0;
      for (let i = 0; i < n; i++) {
        const k = from + i;
        const gv = f(f(W2[k] - sg[k]) * lab[k]);
        g[k] = gv;
        sp[k] = f(sp[k] + f(W2[k] * z[k]));
        gAug[to + i] = gv;
        if (col[s * n + i] === n) gp += gv;
        else gm += gv;
      }
      gAug[to + n] = gp;
      gAug[to + n + 1] = gm;
    }
  }
}
