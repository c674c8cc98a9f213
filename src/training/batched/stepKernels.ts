import * as tf from '@tensorflow/tfjs-core';
import { activateJs, descendJs, descendMomentumJs, FusedExports, fusedKernels, isWasmMemory, samplesInJs, samplesOutJs } from './fusedKernels';

/**
 * The kernels a batched program's step is made of (program.ts), over float32 buffers it allocates
 * once and reuses every step. Two implementations:
 *
 * - `wasm`: tfjs-backend-wasm's own kernels (XNNPACK matMul, its elementwise and reduction
 *   kernels), called directly on buffers registered with the backend under ids of our own. The
 *   arithmetic is the kernels tfjs ops run (a matMul here and tf.matMul give the same bits), but a
 *   call costs ~0.3-2 us instead of the ~5-8 us of a tfjs op (engine scope, tensor bookkeeping,
 *   an allocation and a free per output, a kernel lookup): at the claims' sizes that fixed cost
 *   was most of a step. A view is a second id registered on part of a buffer, so a data set's
 *   block of the state is an operand without a copy.
 * - `js`: plain typed-array loops, for any other backend (tfjs-node, cpu) and as an independent
 *   implementation the tests hold the wasm one to.
 *
 * On wasm, matMul is the fused module's gemm (fusedKernels.ts: XNNPACK's bits, ~1.35x its speed
 * here); 'wasm-unfused' keeps XNNPACK's.
 *
 * Contract of matMul: the right operand is a constant (it is packed once per buffer id, and the
 * packed copy kept until the buffer is released or the kernels disposed); writing into it after its
 * first use would leave the packed copy stale.
 */
export interface Buf {
  readonly size: number;
}

export type UnaryOp = 'relu' | 'square' | 'neg' | 'sigmoid' | 'softplus' | 'step';
export type BinaryOp = 'add' | 'sub' | 'mul' | 'pow';

export type KernelsName = 'wasm' | 'wasm-unfused' | 'js' | 'js+tf-matmul';

export interface StepKernels {
  readonly name: KernelsName;
  /** a buffer of `size` values: `init`, else zeros, else ('uninitialized') whatever the memory held */
  alloc(size: number, init?: ArrayLike<number> | 'uninitialized'): Buf;
  /** give a buffer allocated with alloc back (its views must not be used after) */
  release(b: Buf): void;
  /** elements [offset, offset + size) of a buffer, as an operand of its own */
  view(b: Buf, offset: number, size: number): Buf;
  write(b: Buf, data: ArrayLike<number>, offset?: number): void;
  /** a copy of the buffer's values */
  read(b: Buf): Float32Array;
  /**
   * The buffer's values in place, for a short host loop: valid until the next allocation (wasm
   * memory may grow and move) and written through.
   */
  live(b: Buf): Float32Array;
  copy(src: Buf, dst: Buf): void;
  fill(b: Buf, value: number, start: number, end: number): void;
  /** out (rows x cols) = a (rows x inner) b (inner x cols), b constant (see above) */
  matMul(a: Buf, b: Buf, rows: number, inner: number, cols: number, out: Buf): void;
  unary(op: UnaryOp, x: Buf, out: Buf): void;
  /**
   * out = a op b elementwise: same size, or b of size 1, or a of shape [P, Q, R] and b of shape
   * [P, 1, R] (b repeated over the middle axis): `shape` = [P, Q, R] in that case.
   */
  binary(op: BinaryOp, a: Buf, b: Buf, out: Buf, shape?: [number, number, number]): void;
  /** out[i] = mean of x[i * reduce .. (i + 1) * reduce) */
  mean(x: Buf, reduce: number, out: Buf): void;
  /** out[i] = sum of x[i * reduce .. (i + 1) * reduce) */
  sum(x: Buf, reduce: number, out: Buf): void;
  /** out (cols x rows) = x (rows x cols) transposed */
  transpose(x: Buf, rows: number, cols: number, out: Buf): void;
  /** out[g, c] = sum_k w[k] x[g, k, c] (x: groups x K x cols), w constant */
  reduceRows(x: Buf, w: Buf, groups: number, K: number, cols: number, out: Buf): void;
  /**
   * A step's forward activation in one pass (fusedKernels.ts), buffers [groups][K][cols]:
   * Z = Z + Z0, R = relu(Z), A = R^2 (A null: the activation is R itself), out[g, c] =
   * sum_k w[k] A[g, k, c]. The same values as add, relu, square and reduceRows in turn.
   */
  activate(Z: Buf, Z0: Buf, R: Buf, A: Buf | null, w: Buf, groups: number, K: number, cols: number, out: Buf): void;
  /**
   * X[g, k, c] -= (T[g, k, c] B[g, c]) E[g, k, c] in one pass: the same values as a broadcast
   * mul, a mul and a sub in turn.
   */
  descend(X: Buf, T: Buf, B: Buf, E: Buf, groups: number, K: number, cols: number): void;
  /**
   * The update with momentum in one pass: U = (T B) E as in descend, Vel = Beta Vel + Omb U
   * (Omb = 1 - Beta), X -= Vel.
   */
  descendMomentum(X: Buf, T: Buf, B: Buf, E: Buf, Vel: Buf, Beta: Buf, Omb: Buf, groups: number, K: number, cols: number): void;
  /**
   * The per-sample values before the loss's sigmoid and softplus (fusedKernels.ts samplesIn):
   * f = F[., i] + F[., col_i], z = lab f, nz = -z, over S x V x n samples.
   */
  samplesIn(F: Buf, col: Buf, lab: Buf, f: Buf, z: Buf, nz: Buf, S: number, V: number, n: number, a: number): void;
  /** after them (samplesOut): g = (W2 - sg) lab, sp += W2 z, gAug = [g | class sums of g] */
  samplesOut(W2: Buf, sg: Buf, lab: Buf, z: Buf, sp: Buf, g: Buf, gAug: Buf, col: Buf, S: number, V: number, n: number, a: number): void;
  dispose(): void;
}

/**
 * The kernels for the active tfjs backend: wasm's own when it is wasm; on another backend
 * (tfjs-node, cpu) typed-array loops with the matMuls on tfjs (its right operands uploaded once);
 * `js`: typed-array loops only.
 */
export function stepKernels(prefer: 'auto' | 'js' | 'wasm-unfused' = 'auto'): StepKernels {
  if (prefer !== 'js' && tf.getBackend() === 'wasm') {
    // 'wasm-unfused': the fused passes as the kernel sequences they replace (for the tests)
    const k = WasmKernels.create(prefer === 'auto');
    if (k) return k;
  }
  return new JsKernels(prefer === 'auto');
}

// ---------------------------------------------------------------------------------------------
// wasm: tfjs-backend-wasm's exported kernels

interface WasmModule {
  asm?: { memory?: unknown };
  HEAPF32: Float32Array;
  HEAP32: Int32Array;
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  tfjs: { registerTensor(id: number, size: number, offset: number): void; disposeData(id: number): void };
  [kernel: string]: unknown;
}

interface WasmBackend {
  wasm: WasmModule;
  dataIdNextNumber: number;
}

class WasmBuf implements Buf {
  constructor(readonly id: number, readonly offset: number, readonly size: number) {}
}

type Fn = (...args: number[]) => void;

const F32 = 0; // tfjs-backend-wasm's CppDType.float32

const UNARY: Record<UnaryOp, string> = { relu: '_Relu', square: '_Square', neg: '_Neg', sigmoid: '_Sigmoid', softplus: '_Softplus', step: '_Step' };
const BINARY: Record<BinaryOp, string> = { add: '_Add', sub: '_Sub', mul: '_Multiply', pow: '_Pow' };
const NEEDED = ['_BatchMatMul', '_Transpose', '_Mean', '_Sum', ...Object.values(UNARY), ...Object.values(BINARY)];

class WasmKernels implements StepKernels {
  readonly name: 'wasm' | 'wasm-unfused';
  private readonly ids: number[] = [];
  private readonly mallocs: number[] = [];
  private readonly shapes = new Map<number | string, number>();
  private readonly scratch = new Map<number, WasmBuf>();
  private readonly fn: Record<string, Fn> = {};
  /**
   * right operands of matMul packed for the fused gemm, by buffer id and with the shape packed
   * (released with the buffer; a view's copy stays until dispose: ids are never reused)
   */
  private readonly packed = new Map<number, { buf: WasmBuf; inner: number; cols: number }>();
  private scratchPad: WasmBuf | null = null;
  /** the fused passes on the backend's memory; null: they run as the kernel sequences they replace */
  private readonly fused: FusedExports | null;

  private constructor(private readonly backend: WasmBackend, fused: boolean) {
    for (const k of NEEDED) this.fn[k] = backend.wasm[k] as Fn;
    const memory = backend.wasm.asm?.memory;
    this.fused = fused && isWasmMemory(memory) ? fusedKernels(memory) : null;
    this.name = this.fused ? 'wasm' : 'wasm-unfused';
  }

  /** null when the backend does not expose what is needed (another tfjs-backend-wasm version). */
  static create(fused = true): WasmKernels | null {
    const b = tf.backend() as unknown as Partial<WasmBackend>;
    const w = b.wasm;
    if (!w || typeof b.dataIdNextNumber !== 'number' || !w.tfjs || typeof w._malloc !== 'function') return null;
    if (!NEEDED.every((k) => typeof w[k] === 'function')) return null;
    return new WasmKernels(b as WasmBackend, fused);
  }

  private get heap(): Float32Array {
    // read again at every use: an allocation anywhere (a tfjs op too) may grow the memory
    return this.backend.wasm.HEAPF32;
  }

  private register(offset: number, size: number): WasmBuf {
    const id = this.backend.dataIdNextNumber++;
    this.backend.wasm.tfjs.registerTensor(id, size, offset);
    this.ids.push(id);
    return new WasmBuf(id, offset, size);
  }

  /**
   * A shape as an int32 array in the wasm heap, made once per distinct shape (looked up by a
   * number, not a string: this runs several times a step).
   */
  private shape(d0: number, d1?: number, d2?: number): number {
    // 1-D keys are multiples of 4, 3-D ones 1 mod 4 (exact below 2^53: d0 < 2^11, d1, d2 < 2^20)
    const small = d1 === undefined || (d0 < 0x800 && d1 < 0x100000 && (d2 as number) < 0x100000);
    const key = d1 === undefined ? d0 * 4 : small ? ((d0 * 0x100000 + d1) * 0x100000 + (d2 as number)) * 4 + 1 : `${d0},${d1},${d2}`;
    let p = this.shapes.get(key);
    if (p === undefined) {
      const dims = d1 === undefined ? [d0] : [d0, d1, d2 as number];
      p = this.backend.wasm._malloc(4 * dims.length) >>> 0;
      this.backend.wasm.HEAP32.set(dims, p >>> 2);
      this.mallocs.push(p);
      this.shapes.set(key, p);
    }
    return p;
  }

  alloc(size: number, init?: ArrayLike<number> | 'uninitialized'): Buf {
    const p = this.backend.wasm._malloc(4 * Math.max(1, size)) >>> 0;
    this.mallocs.push(p);
    const b = this.register(p, size);
    if (init === undefined) this.heap.fill(0, p >>> 2, (p >>> 2) + size);
    else if (init !== 'uninitialized') this.write(b, init);
    return b;
  }

  release(b: Buf): void {
    const w = b as WasmBuf;
    if (this.ids.indexOf(w.id) < 0 || this.mallocs.indexOf(w.offset) < 0) throw new Error('release: not a buffer of these kernels');
    // its packed copy first (a matMul's right operand), then the buffer
    const packed = this.packed.get(w.id);
    if (packed) {
      this.packed.delete(w.id);
      this.release(packed.buf);
    }
    const i = this.ids.indexOf(w.id), p = this.mallocs.indexOf(w.offset);
    // disposing the id also drops the XNNPACK operators cached on it (a matMul's packed right operand)
    this.backend.wasm.tfjs.disposeData(w.id);
    this.backend.wasm._free(w.offset);
    this.ids.splice(i, 1);
    this.mallocs.splice(p, 1);
  }

  view(b: Buf, offset: number, size: number): Buf {
    const w = b as WasmBuf;
    if (offset < 0 || offset + size > w.size) throw new Error(`view [${offset}, ${offset + size}) outside a buffer of ${w.size}`);
    return this.register(w.offset + 4 * offset, size);
  }

  write(b: Buf, data: ArrayLike<number>, offset = 0): void {
    this.heap.set(data, ((b as WasmBuf).offset >>> 2) + offset);
  }

  read(b: Buf): Float32Array {
    const o = (b as WasmBuf).offset >>> 2;
    return this.heap.slice(o, o + b.size);
  }

  live(b: Buf): Float32Array {
    const o = (b as WasmBuf).offset >>> 2;
    return this.heap.subarray(o, o + b.size);
  }

  copy(src: Buf, dst: Buf): void {
    const s = (src as WasmBuf).offset >>> 2;
    this.heap.copyWithin((dst as WasmBuf).offset >>> 2, s, s + src.size);
  }

  fill(b: Buf, value: number, start: number, end: number): void {
    const o = (b as WasmBuf).offset >>> 2;
    this.heap.fill(value, o + start, o + end);
  }

  matMul(a: Buf, b: Buf, rows: number, inner: number, cols: number, out: Buf): void {
    const f = this.fused;
    if (rows === 0 || cols === 0) return;
    const wa = a as WasmBuf, wb = b as WasmBuf, wo = out as WasmBuf;
    if (a.size < rows * inner || b.size < inner * cols || out.size < rows * cols) throw new Error(`matMul: operands smaller than ${rows} x ${inner} x ${cols}`);
    // the output is written while the operands are read: it must not overlap them
    const overlaps = (x: WasmBuf) => wo.offset < x.offset + 4 * x.size && x.offset < wo.offset + 4 * out.size;
    if (overlaps(wa) || overlaps(wb)) throw new Error('matMul: the output overlaps an operand');
    if (inner === 0) {
      this.fill(out, 0, 0, rows * cols);
      return;
    }
    if (f) {
      // the fused module's gemm on b packed once (fusedKernels.ts): XNNPACK's bits, faster; the
      // packed copy is the operand's as long as its shape is (else packed again)
      const panels = Math.ceil(cols / 8);
      let packed = this.packed.get(wb.id);
      if (packed && (packed.inner !== inner || packed.cols !== cols)) {
        this.packed.delete(wb.id);
        this.release(packed.buf);
        packed = undefined;
      }
      if (!packed) {
        packed = { buf: this.alloc(panels * inner * 8, 'uninitialized') as WasmBuf, inner, cols };
        f.pack(wb.offset, packed.buf.offset, inner, cols, panels);
        this.packed.set(wb.id, packed);
      }
      this.scratchPad ??= this.alloc(8) as WasmBuf;
      const A = wa.offset, C = wo.offset, Bp = packed.buf.offset, last = cols - 8 * (panels - 1), pad = this.scratchPad.offset;
      const tiles = Math.floor(rows / 4), rest = rows - 4 * tiles;
      if (tiles > 0) f.gemm4(A, Bp, C, tiles, inner, panels, cols, last, pad);
      if (rest > 0) {
        const gemm = rest === 1 ? f.gemm1 : rest === 2 ? f.gemm2 : f.gemm3;
        gemm(A + 16 * tiles * inner, Bp, C + 16 * tiles * cols, 1, inner, panels, cols, last, pad);
      }
      return;
    }
    // rank-3 with batch 1 and no transposition: the XNNPACK fully-connected path
    this.fn._BatchMatMul((a as WasmBuf).id, this.shape(1, rows, inner), 3, (b as WasmBuf).id, this.shape(1, inner, cols), 3, 0, 0, (out as WasmBuf).id);
  }

  unary(op: UnaryOp, x: Buf, out: Buf): void {
    const xi = (x as WasmBuf).id, oi = (out as WasmBuf).id;
    if (op === 'sigmoid') this.fn._Sigmoid(xi, oi);
    else if (op === 'step') this.fn._Step(xi, 0, F32, oi);
    else this.fn[UNARY[op]](xi, F32, oi);
  }

  binary(op: BinaryOp, a: Buf, b: Buf, out: Buf, shape?: [number, number, number]): void {
    const f = this.fn[BINARY[op]], ai = (a as WasmBuf).id, bi = (b as WasmBuf).id, oi = (out as WasmBuf).id;
    if (shape) f(ai, this.shape(shape[0], shape[1], shape[2]), 3, bi, this.shape(shape[0], 1, shape[2]), 3, F32, oi);
    else f(ai, this.shape(a.size), 1, bi, this.shape(b.size), 1, F32, oi);
  }


  mean(x: Buf, reduce: number, out: Buf): void {
    this.fn._Mean((x as WasmBuf).id, reduce, (out as WasmBuf).id);
  }

  sum(x: Buf, reduce: number, out: Buf): void {
    this.fn._Sum((x as WasmBuf).id, reduce, F32, (out as WasmBuf).id);
  }

  transpose(x: Buf, rows: number, cols: number, out: Buf): void {
    this.fn._Transpose((x as WasmBuf).id, this.shape(1, rows, cols), 3, F32, (out as WasmBuf).id, this.shape(0, 2, 1), 3);
  }

  reduceRows(x: Buf, w: Buf, groups: number, K: number, cols: number, out: Buf): void {
    // x (groups x K x cols) transposed to groups x cols x K, then one matMul against w (K x 1):
    // the contraction runs over contiguous memory and w is a constant right operand
    const size = groups * K * cols;
    let t = this.scratch.get(size);
    if (!t) {
      t = this.alloc(size) as WasmBuf;
      this.scratch.set(size, t);
    }
    this.fn._Transpose((x as WasmBuf).id, this.shape(groups, K, cols), 3, F32, t.id, this.shape(0, 2, 1), 3);
    this.matMul(t, w, groups * cols, K, 1, out);
  }

  activate(Z: Buf, Z0: Buf, R: Buf, A: Buf | null, w: Buf, groups: number, K: number, cols: number, out: Buf): void {
    // the fused loops are do-while loops: every count >= 1
    const f = groups > 0 && K > 0 && cols > 0 ? this.fused : null;
    const p = (b: Buf) => (b as WasmBuf).offset;
    if (f) {
      if (A) f.activateSquare(p(Z), p(Z0), p(R), p(A), p(w), p(out), groups, K, cols);
      else f.activate(p(Z), p(Z0), p(R), p(R), p(w), p(out), groups, K, cols);
      return;
    }
    this.binary('add', Z, Z0, Z);
    this.unary('relu', Z, R);
    if (A) this.unary('square', R, A);
    this.reduceRows(A ?? R, w, groups, K, cols, out);
  }

  descend(X: Buf, T: Buf, B: Buf, E: Buf, groups: number, K: number, cols: number): void {
    const f = groups > 0 && K > 0 && cols > 0 ? this.fused : null;
    if (f) {
      f.descend((X as WasmBuf).offset, (T as WasmBuf).offset, (B as WasmBuf).offset, (E as WasmBuf).offset, groups, K, cols);
      return;
    }
    this.binary('sub', X, this.stepOf(X, T, B, E, groups, K, cols), X);
  }

  /** unfused: U = (T B) E in a scratch buffer the size of X */
  private stepOf(X: Buf, T: Buf, B: Buf, E: Buf, groups: number, K: number, cols: number): Buf {
    let u = this.scratch.get(-X.size);
    if (!u) {
      u = this.alloc(X.size) as WasmBuf;
      this.scratch.set(-X.size, u);
    }
    this.binary('mul', T, B, u, [groups, K, cols]);
    this.binary('mul', u, E, u);
    return u;
  }

  descendMomentum(X: Buf, T: Buf, B: Buf, E: Buf, Vel: Buf, Beta: Buf, Omb: Buf, groups: number, K: number, cols: number): void {
    const f = groups > 0 && K > 0 && cols > 0 ? this.fused : null;
    const p = (b: Buf) => (b as WasmBuf).offset;
    if (f) {
      f.descendMomentum(p(X), p(T), p(B), p(E), p(Vel), p(Beta), p(Omb), groups, K, cols);
      return;
    }
    const u = this.stepOf(X, T, B, E, groups, K, cols);
    this.binary('mul', Beta, Vel, Vel);
    this.binary('mul', Omb, u, u);
    this.binary('add', Vel, u, Vel);
    this.binary('sub', X, Vel, X);
  }

  samplesIn(F: Buf, col: Buf, lab: Buf, f: Buf, z: Buf, nz: Buf, S: number, V: number, n: number, a: number): void {
    if (this.fused && S > 0 && V > 0 && n > 0) {
      const p = (b: Buf) => (b as WasmBuf).offset;
      this.fused.samplesIn(p(F), p(col), p(lab), p(f), p(z), p(nz), S, V, n, a);
      return;
    }
    const l = (b: Buf) => this.live(b);
    samplesInJs(l(F), l(col), l(lab), l(f), l(z), l(nz), S, V, n, a);
  }

  samplesOut(W2: Buf, sg: Buf, lab: Buf, z: Buf, sp: Buf, g: Buf, gAug: Buf, col: Buf, S: number, V: number, n: number, a: number): void {
    if (this.fused && S > 0 && V > 0 && n > 0) {
      const p = (b: Buf) => (b as WasmBuf).offset;
      this.fused.samplesOut(p(W2), p(sg), p(lab), p(z), p(sp), p(g), p(gAug), p(col), S, V, n, a);
      return;
    }
    const l = (b: Buf) => this.live(b);
    samplesOutJs(l(W2), l(sg), l(lab), l(z), l(sp), l(g), l(gAug), l(col), S, V, n, a);
  }

  dispose(): void {
    // disposing an id also drops the XNNPACK operators cached on it
    for (const id of this.ids) this.backend.wasm.tfjs.disposeData(id);
    for (const p of this.mallocs) this.backend.wasm._free(p);
    this.ids.length = 0;
    this.mallocs.length = 0;
    this.shapes.clear();
    this.scratch.clear();
    this.packed.clear();
    this.scratchPad = null;
  }
}

// ---------------------------------------------------------------------------------------------
// js: typed-array loops (float32 storage, float64 accumulation)

class JsBuf implements Buf {
  constructor(readonly data: Float32Array) {}
  get size(): number {
    return this.data.length;
  }
}

const softplus32 = (x: number): number => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));

class JsKernels implements StepKernels {
  readonly name: KernelsName;
  /** the right operands of matMuls on tfjs, uploaded once */
  private readonly rhs = new Map<Buf, tf.Tensor2D>();

  constructor(private readonly tfMatMul: boolean) {
    this.name = tfMatMul ? 'js+tf-matmul' : 'js';
  }

  alloc(size: number, init?: ArrayLike<number> | 'uninitialized'): Buf {
    const b = new JsBuf(new Float32Array(size));
    if (init !== undefined && init !== 'uninitialized') b.data.set(init);
    return b;
  }

  release(b: Buf): void {
    this.rhs.get(b)?.dispose();
    this.rhs.delete(b);
  }

  view(b: Buf, offset: number, size: number): Buf {
    if (offset < 0 || offset + size > b.size) throw new Error(`view [${offset}, ${offset + size}) outside a buffer of ${b.size}`);
    return new JsBuf((b as JsBuf).data.subarray(offset, offset + size));
  }

  write(b: Buf, data: ArrayLike<number>, offset = 0): void {
    (b as JsBuf).data.set(data, offset);
  }

  read(b: Buf): Float32Array {
    return (b as JsBuf).data.slice();
  }

  live(b: Buf): Float32Array {
    return (b as JsBuf).data;
  }

  copy(src: Buf, dst: Buf): void {
    (dst as JsBuf).data.set((src as JsBuf).data);
  }

  fill(b: Buf, value: number, start: number, end: number): void {
    (b as JsBuf).data.fill(value, start, end);
  }

  matMul(a: Buf, b: Buf, rows: number, inner: number, cols: number, out: Buf): void {
    const A = (a as JsBuf).data, B = (b as JsBuf).data, O = (out as JsBuf).data;
    if (this.tfMatMul) {
      let rhs = this.rhs.get(b);
      if (!rhs) {
        rhs = tf.tensor2d(B.slice(0, inner * cols), [inner, cols]);
        this.rhs.set(b, rhs);
      }
      const r = tf.tidy(() => tf.matMul(tf.tensor2d(A.slice(0, rows * inner), [rows, inner]), rhs));
      O.set(r.dataSync());
      r.dispose();
      return;
    }
    const acc = new Float64Array(cols);
    for (let i = 0; i < rows; i++) {
      acc.fill(0);
      for (let k = 0; k < inner; k++) {
        const x = A[i * inner + k];
        const off = k * cols;
        for (let j = 0; j < cols; j++) acc[j] += x * B[off + j];
      }
      O.set(acc, i * cols);
    }
  }

  unary(op: UnaryOp, x: Buf, out: Buf): void {
    const X = (x as JsBuf).data, O = (out as JsBuf).data;
    const f: (v: number) => number =
      op === 'relu' ? (v) => (v > 0 ? v : v === v ? 0 : v)
        : op === 'square' ? (v) => v * v
          : op === 'neg' ? (v) => -v
            : op === 'sigmoid' ? (v) => 1 / (1 + Math.exp(-v))
              : op === 'softplus' ? softplus32
                : (v) => (v > 0 ? 1 : v === v ? 0 : v);
    for (let i = 0; i < X.length; i++) O[i] = f(X[i]);
  }

  binary(op: BinaryOp, a: Buf, b: Buf, out: Buf, shape?: [number, number, number]): void {
    const A = (a as JsBuf).data, B = (b as JsBuf).data, O = (out as JsBuf).data;
    const f: (x: number, y: number) => number =
      op === 'add' ? (x, y) => x + y : op === 'sub' ? (x, y) => x - y : op === 'mul' ? (x, y) => x * y : (x, y) => Math.pow(x, y);
    if (shape) {
      const [P, Q, R] = shape;
      for (let p = 0; p < P; p++) for (let q = 0; q < Q; q++) for (let r = 0; r < R; r++) {
        const k = (p * Q + q) * R + r;
        O[k] = f(A[k], B[p * R + r]);
      }
    } else if (B.length === 1) for (let i = 0; i < A.length; i++) O[i] = f(A[i], B[0]);
    else for (let i = 0; i < A.length; i++) O[i] = f(A[i], B[i]);
  }

  mean(x: Buf, reduce: number, out: Buf): void {
    this.sum(x, reduce, out);
    const O = (out as JsBuf).data;
    for (let i = 0; i < O.length; i++) O[i] = O[i] / reduce;
  }

  sum(x: Buf, reduce: number, out: Buf): void {
    const X = (x as JsBuf).data, O = (out as JsBuf).data;
    for (let i = 0; i < O.length; i++) {
      let s = 0;
      for (let k = 0; k < reduce; k++) s += X[i * reduce + k];
      O[i] = s;
    }
  }

  activate(Z: Buf, Z0: Buf, R: Buf, A: Buf | null, w: Buf, groups: number, K: number, cols: number, out: Buf): void {
    const d = (b: Buf) => (b as JsBuf).data;
    activateJs(d(Z), d(Z0), d(R), A ? d(A) : null, d(w), d(out), groups, K, cols);
  }

  descend(X: Buf, T: Buf, B: Buf, E: Buf, groups: number, K: number, cols: number): void {
    const d = (b: Buf) => (b as JsBuf).data;
    descendJs(d(X), d(T), d(B), d(E), groups, K, cols);
  }

  descendMomentum(X: Buf, T: Buf, B: Buf, E: Buf, Vel: Buf, Beta: Buf, Omb: Buf, groups: number, K: number, cols: number): void {
    const d = (b: Buf) => (b as JsBuf).data;
    descendMomentumJs(d(X), d(T), d(B), d(E), d(Vel), d(Beta), d(Omb), groups, K, cols);
  }

  samplesIn(F: Buf, col: Buf, lab: Buf, f: Buf, z: Buf, nz: Buf, S: number, V: number, n: number, a: number): void {
    const d = (b: Buf) => (b as JsBuf).data;
    samplesInJs(d(F), d(col), d(lab), d(f), d(z), d(nz), S, V, n, a);
  }

  samplesOut(W2: Buf, sg: Buf, lab: Buf, z: Buf, sp: Buf, g: Buf, gAug: Buf, col: Buf, S: number, V: number, n: number, a: number): void {
    const d = (b: Buf) => (b as JsBuf).data;
    samplesOutJs(d(W2), d(sg), d(lab), d(z), d(sp), d(g), d(gAug), d(col), S, V, n, a);
  }

  transpose(x: Buf, rows: number, cols: number, out: Buf): void {
    const X = (x as JsBuf).data, O = (out as JsBuf).data;
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) O[j * rows + i] = X[i * cols + j];
  }

  reduceRows(x: Buf, w: Buf, groups: number, K: number, cols: number, out: Buf): void {
    const X = (x as JsBuf).data, W = (w as JsBuf).data, O = (out as JsBuf).data;
    for (let g = 0; g < groups; g++) {
      for (let c = 0; c < cols; c++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += W[k] * X[(g * K + k) * cols + c];
        O[g * cols + c] = s;
      }
    }
  }

  dispose(): void {
    tf.dispose([...this.rhs.values()]);
    this.rhs.clear();
  }
}
