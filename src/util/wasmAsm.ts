/**
 * A minimal WebAssembly binary encoder: just what claimcheck's two small WebAssembly modules are
 * written in, the fused step kernels (training/batched/fusedKernels.ts, on tfjs-wasm's memory) and
 * the bulk normal generator (util/normalsWasm.ts, on a memory of its own). A module has one memory
 * (imported as env.memory, or its own, exported), may import functions from env, and exports its
 * named functions.
 *
 * Instructions are byte arrays built by the helpers of `op`; a function body is their
 * concatenation. The encodings are those of the WebAssembly core specification 2.0 (binary
 * format, section 5.4), SIMD included (prefix 0xfd, then the opcode as an unsigned LEB128).
 */

export const I32 = 0x7f;
export const F32 = 0x7d;
export const F64 = 0x7c;
export const V128 = 0x7b;
export type ValType = typeof I32 | typeof F32 | typeof F64 | typeof V128;

/** unsigned LEB128 */
export function uleb(n: number): number[] {
  if (!Number.isInteger(n) || n < 0) throw new Error(`uleb: ${n} is not an unsigned integer`);
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}

/** signed LEB128 (i32 range) */
export function sleb(n: number): number[] {
  if (!Number.isInteger(n) || n < -(2 ** 31) || n >= 2 ** 31) throw new Error(`sleb: ${n} is not an i32`);
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    const done = (n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0);
    out.push(done ? b : b | 0x80);
    if (done) return out;
  }
}

const simd = (code: number): number[] => [0xfd, ...uleb(code)];
/** memarg: alignment hint 2^2 (f32 elements; v128 accesses are unaligned in general), offset 0 */
const MEM = [2, 0];
const MEM64 = [3, 0];
const bytesOf = (a: Float32Array | Float64Array) => [...new Uint8Array(a.buffer)];

/** Instructions (core spec 5.4). Blocks, loops and ifs have no result. */
export const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  if: [0x04, 0x40],
  else: [0x05],
  end: [0x0b],
  br: (depth: number) => [0x0c, ...uleb(depth)],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  return: [0x0f],
  /** call function `index` (imports first, then the module's functions in order) */
  call: (index: number) => [0x10, ...uleb(index)],
  get: (local: number) => [0x20, ...uleb(local)],
  set: (local: number) => [0x21, ...uleb(local)],
  tee: (local: number) => [0x22, ...uleb(local)],
  i32: (v: number) => [0x41, ...sleb(v)],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32Mul: [0x6c],
  i32And: [0x71],
  i32Or: [0x72],
  i32Xor: [0x73],
  i32Shl: [0x74],
  i32ShrU: [0x76],
  i32Rotl: [0x77],
  i32Eqz: [0x45],
  i32LtU: [0x49],
  i32GeU: [0x4f],
  i32Load: [0x28, ...MEM],
  i32Store: [0x36, ...MEM],
  f64Load: [0x2b, ...MEM64],
  f64Store: [0x39, ...MEM64],
  f64Add: [0xa0],
  f64Sub: [0xa1],
  f64Mul: [0xa2],
  f64Div: [0xa3],
  f64Neg: [0x9a],
  f64Lt: [0x63],
  f64Ge: [0x66],
  f64: (v: number) => [0x44, ...bytesOf(new Float64Array([v]))],
  f64FromI32S: [0xb7],
  f64FromI32U: [0xb8],
  /** float64 -> float32, rounded to nearest even (as a store into a Float32Array) */
  f32FromF64: [0xb6],
  /** float32 -> float64, exact */
  f64FromF32: [0xbb],
  /** float32 -> int32, truncated (the value must be in range) */
  i32FromF32: [0xa8],
  i32Eq: [0x46],
  f32Neg: [0x8c],
  f32Load: [0x2a, ...MEM],
  f32Store: [0x38, ...MEM],
  f32Add: [0x92],
  f32Sub: [0x93],
  f32Mul: [0x94],
  f32Max: [0x97],
  f32: (v: number) => [0x43, ...bytesOf(new Float32Array([v]))],
  v128Load: [...simd(0x00), ...MEM],
  v128Store: [...simd(0x0b), ...MEM],
  v128Zero: [...simd(0x0c), ...new Array<number>(16).fill(0)],
  /** one f32 from memory into every lane */
  v128Load32Splat: [...simd(0x09), ...MEM],
  f32x4Splat: simd(0x13),
  f32x4Add: simd(0xe4),
  f32x4Sub: simd(0xe5),
  f32x4Mul: simd(0xe6),
  /** lane-wise max: NaN if either lane is NaN (not pmax, which is not NaN-propagating) */
  f32x4Max: simd(0xe9),
};

export interface FuncDef {
  /** exported under this name; internal functions have none */
  name?: string;
  /** parameter types (a number n: n i32s) */
  params: number | ValType[];
  results?: ValType[];
  /** locals after the parameters, in order */
  locals: ValType[];
  body: number[][];
}

export interface ImportDef {
  name: string;
  params: ValType[];
  results: ValType[];
}

export interface ModuleDef {
  /** import env.memory, or define `pages` of 64 KiB of its own, exported as "memory" */
  memory: 'import' | { pages: number };
  /** functions imported from env (function indices 0..k-1; the module's own follow) */
  imports?: ImportDef[];
  funcs: FuncDef[];
}

const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, content: number[]): number[] => [id, ...uleb(content.length), ...content];
const name = (s: string): number[] => {
  const b = [...Buffer.from(s, 'utf8')];
  return [...uleb(b.length), ...b];
};
const funcType = (params: ValType[], results: ValType[]) => [0x60, ...vec(params.map((t) => [t])), ...vec(results.map((t) => [t]))];

/** The bytes of a module (see ModuleDef); a list of functions alone: they run on env.memory. */
export function encodeModule(def: ModuleDef | FuncDef[]): Uint8Array {
  const { memory, imports = [], funcs } = Array.isArray(def) ? { memory: 'import' as const, funcs: def } : def;
  const paramsOf = (f: FuncDef): ValType[] => (typeof f.params === 'number' ? new Array<ValType>(f.params).fill(I32) : f.params);
  const types = [...imports.map((f) => funcType(f.params, f.results)), ...funcs.map((f) => funcType(paramsOf(f), f.results ?? []))];
  const importEntries = imports.map((f, i) => [...name('env'), ...name(f.name), 0x00, ...uleb(i)]);
  if (memory === 'import') importEntries.push([...name('env'), ...name('memory'), 0x02, 0x00, ...uleb(1)]); // limits {min 1}
  const codes = funcs.map((f) => {
    // locals as runs of one type
    const runs: number[][] = [];
    for (const t of f.locals) {
      const last = runs[runs.length - 1];
      if (last && last[1] === t) last[0]++;
      else runs.push([1, t]);
    }
    const fn = [...vec(runs.map(([count, t]) => [...uleb(count), t])), ...f.body.flat(), 0x0b];
    return [...uleb(fn.length), ...fn];
  });
  const exportEntries = funcs.flatMap((f, i) => (f.name ? [[...name(f.name), 0x00, ...uleb(imports.length + i)]] : []));
  if (memory !== 'import') exportEntries.push([...name('memory'), 0x02, 0x00]);
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...(importEntries.length > 0 ? section(2, vec(importEntries)) : []),
    ...section(3, vec(funcs.map((_, i) => uleb(imports.length + i)))),
    ...(memory !== 'import' ? section(5, vec([[0x00, ...uleb(memory.pages)]])) : []),
    ...section(7, vec(exportEntries)),
    ...section(10, vec(codes)),
  ];
  return Uint8Array.from(bytes);
}
