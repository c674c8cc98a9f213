import { encodeModule, F64, FuncDef, I32, op, ValType } from './wasmAsm';

/**
 * The bulk normal generator of rng.ts (FastNormal: Marsaglia and Tsang's ziggurat on
 * xoshiro128**) as a WebAssembly function: the same draws bit for bit (the same integer and
 * float64 operations in the same order, Math.exp and Math.log imported for the ziggurat's rare
 * slow path), without the JavaScript loop's warm-up. A fresh process drew its first millions of
 * values (a data set's noise) in the interpreter and baseline tiers, several times slower than the
 * optimised loop; WebAssembly is compiled before its first call. The tests hold the two
 * implementations to the same values on every stream.
 *
 * The module has a memory of its own: the generator's state (4 int32 words), the ziggurat tables
 * X, K, F (float64) and a scratch block that a call fills with up to CHUNK draws (float64 or
 * float32), which the caller copies out.
 */

const STATE = 0;
const TABLE_X = 64;
const TABLE_K = TABLE_X + 128 * 8;
const TABLE_F = TABLE_K + 128 * 8;
const SCRATCH = 4096;
/** draws per call (64 KiB of float64 scratch: stays in cache while copied out) */
export const CHUNK = 8192;
const PAGES = Math.ceil((SCRATCH + CHUNK * 8) / 65536);

export interface ZigguratTables {
  r: number;
  X: Float64Array;
  K: Float64Array;
  F: Float64Array;
}

// function indices: imports first
const EXP = 0, LOG = 1, NEXT = 2, UNIT = 3, SLOW = 4;

const { get, set, tee } = op;
const i32 = op.i32;
/** the table entry at (layer in local `layer`) + delta */
const table = (base: number, layer: number, delta = 0) => [i32(base + delta * 8), get(layer), i32(8), op.i32Mul, op.i32Add, op.f64Load];
/** u = (a >>> 8) 2^-24, the position of a draw in its layer */
const position = (a: number) => [get(a), i32(8), op.i32ShrU, op.f64FromI32U, op.f64(5.960464477539063e-8), op.f64Mul];

/** xoshiro128**: the next 32-bit word, from and back into the state in memory (rng.ts next()) */
function nextDef(): FuncDef {
  const s0 = 0, s1 = 1, s2 = 2, s3 = 3, r = 4, t = 5;
  return {
    params: [], results: [I32], locals: new Array<ValType>(6).fill(I32),
    body: [
      i32(STATE), op.i32Load, set(s0), i32(STATE + 4), op.i32Load, set(s1),
      i32(STATE + 8), op.i32Load, set(s2), i32(STATE + 12), op.i32Load, set(s3),
      get(s1), i32(5), op.i32Mul, i32(7), op.i32Rotl, i32(9), op.i32Mul, set(r),
      get(s1), i32(9), op.i32Shl, set(t),
      get(s2), get(s0), op.i32Xor, set(s2),
      get(s3), get(s1), op.i32Xor, set(s3),
      i32(STATE + 4), get(s1), get(s2), op.i32Xor, op.i32Store,
      i32(STATE), get(s0), get(s3), op.i32Xor, op.i32Store,
      i32(STATE + 8), get(s2), get(t), op.i32Xor, op.i32Store,
      i32(STATE + 12), get(s3), i32(11), op.i32Rotl, op.i32Store,
      get(r),
    ],
  };
}

/** uniform on (0, 1]: ((next() >>> 0) + 1) 2^-32 */
function unitDef(): FuncDef {
  return {
    params: [], results: [F64], locals: [],
    body: [op.call(NEXT), op.f64FromI32U, op.f64(1), op.f64Add, op.f64(2.3283064365386963e-10), op.f64Mul],
  };
}

/** |x| for a draw outside layer i's sure part: the tail or the wedge test, else a fresh draw (rng.ts slow()) */
function slowDef(r: number): FuncDef {
  const i = 0, x = 1, tx = 2, ty = 3, a = 4, u = 5;
  const minusLogUnit = [op.call(UNIT), op.call(LOG), op.f64Neg];
  return {
    params: [I32, F64], results: [F64], locals: [F64, F64, I32, F64],
    body: [
      op.loop,
      // layer 0: the tail beyond r (Marsaglia's method)
      get(i), op.i32Eqz, op.if,
      op.loop,
      ...minusLogUnit, op.f64(r), op.f64Div, set(tx),
      ...minusLogUnit, set(ty),
      get(ty), get(ty), op.f64Add, get(tx), get(tx), op.f64Mul, op.f64Lt, op.brIf(0),
      op.end,
      op.f64(r), get(tx), op.f64Add, op.return,
      op.end,
      // the wedge: F[i] + unit() (F[i+1] - F[i]) < exp(-0.5 x x)
      ...table(TABLE_F, i), op.call(UNIT), ...table(TABLE_F, i, 1), ...table(TABLE_F, i), op.f64Sub, op.f64Mul, op.f64Add,
      op.f64(-0.5), get(x), op.f64Mul, get(x), op.f64Mul, op.call(EXP),
      op.f64Lt, op.if, get(x), op.return, op.end,
      // rejected: a new draw (layer and position; the sign was taken already)
      op.call(NEXT), tee(a), i32(127), op.i32And, set(i),
      ...position(a), set(u),
      get(u), ...table(TABLE_X, i), op.f64Mul, set(x),
      get(u), ...table(TABLE_K, i), op.f64Lt, op.if, get(x), op.return, op.end,
      op.br(0),
      op.end,
      get(x),
    ],
  };
}

/**
 * fill(n, sd): n draws x sd into the scratch block (float64, or float32 rounded from the float64
 * value): rng.ts fillJs, the state in locals, the slow path through memory.
 */
function fillDef(f32: boolean): FuncDef {
  const n = 0, sd = 1, s0 = 2, s1 = 3, s2 = 4, s3 = 5, o = 6, a = 7, t = 8, layer = 9, u = 10, x = 11;
  const loadState = [
    i32(STATE), op.i32Load, set(s0), i32(STATE + 4), op.i32Load, set(s1),
    i32(STATE + 8), op.i32Load, set(s2), i32(STATE + 12), op.i32Load, set(s3),
  ];
  const storeState = [
    i32(STATE), get(s0), op.i32Store, i32(STATE + 4), get(s1), op.i32Store,
    i32(STATE + 8), get(s2), op.i32Store, i32(STATE + 12), get(s3), op.i32Store,
  ];
  return {
    name: f32 ? 'fill32' : 'fill64',
    params: [I32, F64], locals: [...new Array<ValType>(8).fill(I32), F64, F64],
    body: [
      ...loadState,
      op.block, op.loop,
      get(o), get(n), op.i32GeU, op.brIf(1),
      // the next word: a = rotl(s1 5, 7) 9, then the state update
      get(s1), i32(5), op.i32Mul, i32(7), op.i32Rotl, i32(9), op.i32Mul, tee(a), i32(127), op.i32And, set(layer),
      get(s1), i32(9), op.i32Shl, set(t),
      get(s2), get(s0), op.i32Xor, set(s2),
      get(s3), get(s1), op.i32Xor, set(s3),
      get(s1), get(s2), op.i32Xor, set(s1),
      get(s0), get(s3), op.i32Xor, set(s0),
      get(s2), get(t), op.i32Xor, set(s2),
      get(s3), i32(11), op.i32Rotl, set(s3),
      ...position(a), set(u),
      get(u), ...table(TABLE_X, layer), op.f64Mul, set(x),
      // ~3% of draws: the wedge or the tail
      get(u), ...table(TABLE_K, layer), op.f64Ge, op.if,
      ...storeState, get(layer), get(x), op.call(SLOW), set(x), ...loadState,
      op.end,
      // out[o] = x sd (1 - ((a >>> 6) & 2)): the sign from bit 7
      i32(SCRATCH), get(o), i32(f32 ? 4 : 8), op.i32Mul, op.i32Add,
      get(x), get(sd), op.f64Mul, i32(1), get(a), i32(6), op.i32ShrU, i32(2), op.i32And, op.i32Sub, op.f64FromI32S, op.f64Mul,
      ...(f32 ? [op.f32FromF64, op.f32Store] : [op.f64Store]),
      get(o), i32(1), op.i32Add, set(o),
      op.br(0),
      op.end, op.end,
      ...storeState,
    ],
  };
}

/** the module's bytes (exported for the tests) */
export function normalsModuleBytes(r: number): Uint8Array {
  return encodeModule({
    memory: { pages: PAGES },
    imports: [
      { name: 'exp', params: [F64], results: [F64] },
      { name: 'log', params: [F64], results: [F64] },
    ],
    funcs: [nextDef(), unitDef(), slowDef(r), fillDef(false), fillDef(true)],
  });
}

/** The generator on a set of ziggurat tables: fills ranges of arrays from a FastNormal's state. */
export class WasmNormals {
  private readonly state: Int32Array;
  private readonly f64: Float64Array;
  private readonly f32: Float32Array;

  private constructor(private readonly fill64: (n: number, sd: number) => void, private readonly fill32: (n: number, sd: number) => void, memory: { buffer: ArrayBuffer }, z: ZigguratTables) {
    const buf = memory.buffer;
    this.state = new Int32Array(buf, STATE, 4);
    new Float64Array(buf, TABLE_X, 128).set(z.X);
    new Float64Array(buf, TABLE_K, 128).set(z.K);
    new Float64Array(buf, TABLE_F, 129).set(z.F);
    this.f64 = new Float64Array(buf, SCRATCH, CHUNK);
    this.f32 = new Float32Array(buf, SCRATCH, CHUNK);
  }

  /** null where the engine has no WebAssembly */
  static create(z: ZigguratTables): WasmNormals | null {
    const WA = (globalThis as unknown as { WebAssembly?: { Module: new (b: Uint8Array) => object; Instance: new (m: object, i: object) => { exports: Record<string, unknown> } } }).WebAssembly;
    if (!WA) return null;
    try {
      const inst = new WA.Instance(new WA.Module(normalsModuleBytes(z.r)), { env: { exp: Math.exp, log: Math.log } });
      const e = inst.exports as { fill64: (n: number, sd: number) => void; fill32: (n: number, sd: number) => void; memory: { buffer: ArrayBuffer } };
      return new WasmNormals(e.fill64, e.fill32, e.memory, z);
    } catch {
      return null;
    }
  }

  /** out[from..to) = draws x sd from the generator state `s` (4 int32 words, advanced in place) */
  fill(s: Int32Array, out: Float64Array | Float32Array, sd: number, from: number, to: number): void {
    const single = out instanceof Float32Array;
    const scratch = single ? this.f32 : this.f64;
    const run = single ? this.fill32 : this.fill64;
    this.state.set(s);
    for (let o = from; o < to; o += CHUNK) {
      const count = Math.min(CHUNK, to - o);
      run(count, sd);
      out.set(count === CHUNK ? scratch : scratch.subarray(0, count), o);
    }
    s.set(this.state);
  }
}
