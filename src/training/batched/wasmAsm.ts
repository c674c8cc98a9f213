/**
 * A minimal WebAssembly binary encoder: just what the fused step kernels (fusedKernels.ts) are
 * written in. A module here imports one memory ("env", "memory") and exports functions whose
 * parameters are i32 (byte addresses and counts) and that return nothing.
 *
 * Instructions are byte arrays built by the helpers of `op`; a function body is their
 * concatenation. The encodings are those of the WebAssembly core specification 2.0 (binary
 * format, section 5.4), SIMD included (prefix 0xfd, then the opcode as an unsigned LEB128).
 */

export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;
export type ValType = typeof I32 | typeof F32 | typeof V128;

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

/** Instructions (core spec 5.4). Blocks and loops have no result. */
export const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  end: [0x0b],
  br: (depth: number) => [0x0c, ...uleb(depth)],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  get: (local: number) => [0x20, ...uleb(local)],
  set: (local: number) => [0x21, ...uleb(local)],
  tee: (local: number) => [0x22, ...uleb(local)],
  i32: (v: number) => [0x41, ...sleb(v)],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32Mul: [0x6c],
  i32And: [0x71],
  i32LtU: [0x49],
  i32GeU: [0x4f],
  f32Load: [0x2a, ...MEM],
  f32Store: [0x38, ...MEM],
  f32Add: [0x92],
  f32Sub: [0x93],
  f32Mul: [0x94],
  f32Max: [0x97],
  f32: (v: number) => {
    const b = new Uint8Array(new Float32Array([v]).buffer);
    return [0x43, ...b];
  },
  v128Load: [...simd(0x00), ...MEM],
  v128Store: [...simd(0x0b), ...MEM],
  v128Zero: [...simd(0x0c), ...new Array<number>(16).fill(0)],
  f32x4Splat: simd(0x13),
  f32x4Add: simd(0xe4),
  f32x4Sub: simd(0xe5),
  f32x4Mul: simd(0xe6),
  /** lane-wise max: NaN if either lane is NaN (not pmax, which is not NaN-propagating) */
  f32x4Max: simd(0xe9),
};

export interface FuncDef {
  name: string;
  /** number of i32 parameters */
  params: number;
  /** locals after the parameters, in order */
  locals: ValType[];
  body: number[][];
}

const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, content: number[]): number[] => [id, ...uleb(content.length), ...content];
const name = (s: string): number[] => {
  const b = [...Buffer.from(s, 'utf8')];
  return [...uleb(b.length), ...b];
};

/** The bytes of a module importing memory env.memory and exporting `funcs`. */
export function encodeModule(funcs: FuncDef[]): Uint8Array {
  const types = funcs.map((f) => [0x60, ...vec(new Array(f.params).fill([I32])), 0x00]);
  const importMemory = [...name('env'), ...name('memory'), 0x02, 0x00, ...uleb(1)]; // memory, limits {min 1}
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
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(2, vec([importMemory])),
    ...section(3, vec(funcs.map((_, i) => uleb(i)))),
    ...section(7, vec(funcs.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]))),
    ...section(10, vec(codes)),
  ];
  return Uint8Array.from(bytes);
}
