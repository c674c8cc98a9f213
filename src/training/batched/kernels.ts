import * as tf from '@tensorflow/tfjs-core';

/**
 * Column copies the batched program needs every step and tfjs-wasm does not provide at a usable
 * cost: gathering column ranges of a 2-D tensor into several outputs (one per data set, for the
 * Gram products) and scattering column ranges of several inputs into one output. tfjs-wasm's
 * Slice first copies the *whole* input out of the wasm heap (readSync: ~0.4 ms for the paper
 * size's state), and its Concat allocates a typed-array view per row and input; these kernels copy
 * row segments inside the wasm heap with copyWithin (no allocation per row). On other backends
 * they are built from tf.slice / tf.concat.
 *
 * A range is [start, width] in columns; a placement is [sourceStart, destinationStart, width].
 */
const GATHER = 'ClaimcheckGatherColumns';
const SCATTER = 'ClaimcheckScatterColumns';

export type Range = [number, number];
export type Placement = [number, number, number];

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  dataIdMap: { get(dataId: tf.DataId): { memoryOffset: number } };
  wasm: { HEAPU8: Uint8Array };
}

let heapView: Float32Array | null = null;
/** A float32 view of the whole wasm heap (made again after the memory grew). */
function heap(b: WasmBackendLike): Float32Array {
  const buf = b.wasm.HEAPU8.buffer;
  if (!heapView || heapView.buffer !== buf) heapView = new Float32Array(buf);
  return heapView;
}

function offsetOf(b: WasmBackendLike, t: tf.TensorInfo): number {
  return b.dataIdMap.get(t.dataId).memoryOffset >>> 2;
}

let registered = false;

function register(): void {
  if (registered) return;
  registered = true;
  if (!tf.getKernel(GATHER, 'wasm')) {
    tf.registerKernel({
      kernelName: GATHER,
      backendName: 'wasm',
      kernelFunc: ({ inputs, backend, attrs }) => {
        const x = inputs.x as tf.TensorInfo;
        const parts = (attrs as unknown as { parts: Range[][] }).parts;
        const b = backend as unknown as WasmBackendLike;
        const [rows, cols] = x.shape;
        const widths = parts.map((rs) => rs.reduce((a, r) => a + r[1], 0));
        // Allocate every output first: an allocation may grow the wasm memory (and move the views).
        const outs = widths.map((w) => b.makeOutput([rows, w], 'float32'));
        const h = heap(b);
        const src = offsetOf(b, x);
        outs.forEach((o, p) => {
          const w = widths[p];
          const dst = offsetOf(b, o);
          let c0 = 0;
          for (const [start, width] of parts[p]) {
            for (let r = 0; r < rows; r++) {
              const from = src + r * cols + start;
              h.copyWithin(dst + r * w + c0, from, from + width);
            }
            c0 += width;
          }
        });
        return outs;
      },
    });
  }
  if (!tf.getKernel(SCATTER, 'wasm')) {
    tf.registerKernel({
      kernelName: SCATTER,
      backendName: 'wasm',
      kernelFunc: ({ inputs, backend, attrs }) => {
        const { cols, placements } = attrs as unknown as { cols: number; placements: Placement[][] };
        const xs = placements.map((_, i) => inputs[String(i)] as tf.TensorInfo);
        const b = backend as unknown as WasmBackendLike;
        const rows = xs[0].shape[0];
        const out = b.makeOutput([rows, cols], 'float32');
        const h = heap(b);
        const dst = offsetOf(b, out);
        xs.forEach((x, i) => {
          const w = x.shape[1];
          const src = offsetOf(b, x);
          for (const [from, to, width] of placements[i]) {
            for (let r = 0; r < rows; r++) h.copyWithin(dst + r * cols + to, src + r * w + from, src + r * w + from + width);
          }
        });
        return out;
      },
    });
  }
}

function onWasm(xs: tf.Tensor[]): boolean {
  return tf.getBackend() === 'wasm' && xs.every((x) => x.dtype === 'float32');
}

/** Each output p is the concatenation of x's column ranges parts[p]. */
export function gatherColumns(x: tf.Tensor2D, parts: Range[][]): tf.Tensor2D[] {
  const cols = x.shape[1];
  for (const rs of parts) for (const [s, w] of rs) if (!(Number.isInteger(s) && Number.isInteger(w) && s >= 0 && w > 0 && s + w <= cols)) throw new Error(`gatherColumns: bad range [${s}, ${w}] of ${cols} columns`);
  if (!onWasm([x])) {
    return parts.map((rs) => {
      const pieces = rs.map(([s, w]) => tf.slice(x, [0, s], [x.shape[0], w]));
      return (pieces.length === 1 ? pieces[0] : tf.concat(pieces, 1)) as tf.Tensor2D;
    });
  }
  register();
  return tf.engine().runKernel(GATHER, { x }, { parts } as unknown as tf.NamedAttrMap) as unknown as tf.Tensor2D[];
}

/** x (rows x cols) -> column blocks of the given widths, in order. */
export function splitColumns(x: tf.Tensor2D, widths: number[]): tf.Tensor2D[] {
  if (widths.length === 1) return [x];
  let s = 0;
  return gatherColumns(x, widths.map((w) => {
    const r: Range[] = [[s, w]];
    s += w;
    return r;
  }));
}

/** One rows x cols output; input i's columns [from, from + width) go to [to, to + width). Unset columns are 0. */
export function scatterColumns(xs: tf.Tensor2D[], cols: number, placements: Placement[][]): tf.Tensor2D {
  const rows = xs[0].shape[0];
  if (xs.some((x) => x.shape[0] !== rows) || placements.length !== xs.length) throw new Error('scatterColumns: inputs and placements do not match');
  const covered = new Uint8Array(cols);
  placements.forEach((ps, i) => {
    for (const [from, to, w] of ps) {
      if (!(from >= 0 && to >= 0 && w > 0 && from + w <= xs[i].shape[1] && to + w <= cols)) throw new Error(`scatterColumns: bad placement [${from}, ${to}, ${w}]`);
      covered.fill(1, to, to + w);
    }
  });
  if (!onWasm(xs) || covered.includes(0)) {
    // generic path (and the case of columns no input covers, which stay 0)
    const pieces: { to: number; t: tf.Tensor2D }[] = [];
    placements.forEach((ps, i) => ps.forEach(([from, to, w]) => pieces.push({ to, t: tf.slice(xs[i], [0, from], [rows, w]) })));
    pieces.sort((a, b) => a.to - b.to);
    const all: tf.Tensor2D[] = [];
    let c = 0;
    for (const p of pieces) {
      if (p.to > c) all.push(tf.zeros([rows, p.to - c]));
      all.push(p.t);
      c = p.to + p.t.shape[1];
    }
    if (c < cols) all.push(tf.zeros([rows, cols - c]));
    return (all.length === 1 ? all[0] : tf.concat(all, 1)) as tf.Tensor2D;
  }
  register();
  const inputs: Record<string, tf.Tensor> = {};
  xs.forEach((x, i) => (inputs[String(i)] = x));
  return tf.engine().runKernel(SCATTER, inputs as unknown as tf.NamedTensorMap, { cols, placements } as unknown as tf.NamedAttrMap) as tf.Tensor2D;
}

/** [rows x w_0, rows x w_1, ...] -> rows x (w_0 + w_1 + ...). */
export function concatColumns(xs: tf.Tensor2D[]): tf.Tensor2D {
  if (xs.length === 1) return xs[0];
  let c = 0;
  const placements = xs.map((x) => {
    const p: Placement[] = [[0, c, x.shape[1]]];
    c += x.shape[1];
    return p;
  });
  return scatterColumns(xs, c, placements);
}
