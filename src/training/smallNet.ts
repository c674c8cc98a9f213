import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../backend/backend';
import { makeDataset } from '../data/signalNoise';
import { logistic } from '../model/activation';
import { fillNormal, stream } from '../util/rng';
import { DEFAULT_CONFIG, MNIST_D, resolveConfig } from './config';

/**
 * A small network on MNIST 0 vs 1 with fixed label flips: the MNIST analogue of paper B's CIFAR-10
 * experiment (review row 19: a network that memorizes its flipped labels, whose flipped samples keep
 * a larger loss early on). The network is a one-hidden-layer ReLU MLP on the raw digit
 * (pixels / normalization, 784 inputs, no noise patch):
 *     f(x) = v^T relu(W x + b) + c,
 * trained full batch on the mean logistic loss l(yobs f) of the observed (flipped) labels, with
 * Adam (default; beta1 0.9, beta2 0.999, eps 1e-8) or plain GD. Gradients are written out (tfjs
 * ops, no autodiff): with g_i = dl/df_i,
 *     dv = h^T g, dc = sum g, dH = (g v^T) .* 1(h > 0), dW^T = X^T dH, db = sum_i dH_i.
 * Every matMul is a plain 2-D product on pre-transposed copies (X and X^T). The data are those of
 * makeDataset with source mnist: the same seeded split (train and test share no digit), balanced
 * labels and symmetric fixed flips at rate tau on both classes; the initial weights (He init for W,
 * N(0, 1/hidden) for v, zero biases) come from the seed's own stream, so a run is deterministic.
 */
export interface SmallNetOptions {
  /** training samples (flipped at rate tau) */ n: number;
  /** clean test samples */ nTest: number;
  /** hidden ReLU units */ hidden: number;
  /** step size (Adam's learning rate, or GD's) */ eta: number;
  steps: number;
  /** evaluate every this many steps (and at the end) */ evalEvery: number;
  /** symmetric fixed flip rate of the training labels (both classes) */ tau: number;
  seed: number;
  /** pixels in [0, 255] divided by this (paper A: 80) */ normalization: number;
  optimizer?: 'adam' | 'gd';
}

export interface SmallNetEvaluation {
  step: number;
  /** mean logistic loss on the observed (flipped) training labels */
  trainLoss: number;
  /** 0-1 error against the observed labels (0 = every flip memorized) */
  trainError: number;
  /** 0-1 error of sign(f) on the clean test set */
  testError: number;
  /** l(yobs_i f_i) per training sample */
  perSampleLoss: number[];
  /** 1 where the training label was flipped (the set S_f), the same at every evaluation */
  flipped: number[];
}

export interface SmallNetResult {
  options: Required<SmallNetOptions>;
  backend: string;
  seconds: number;
  trajectory: SmallNetEvaluation[];
}

export const SMALL_NET_DEFAULTS: Omit<Required<SmallNetOptions>, 'n' | 'nTest' | 'tau' | 'seed'> = {
  hidden: 64, eta: 0.01, steps: 300, evalEvery: 25, normalization: 80, optimizer: 'adam',
};

const ADAM = { beta1: 0.9, beta2: 0.999, eps: 1e-8 };

function checkOptions(o: Required<SmallNetOptions>): void {
  const ints: [keyof SmallNetOptions, number][] = [['n', 1], ['nTest', 1], ['hidden', 1], ['steps', 0], ['evalEvery', 1], ['seed', 0]];
  for (const [k, min] of ints) {
    const v = o[k] as number;
    if (!Number.isInteger(v) || v < min) throw new Error(`${k}: must be an integer >= ${min} (got ${v})`);
  }
  if (!(o.eta > 0) || !Number.isFinite(o.eta)) throw new Error(`eta: must be > 0 (got ${o.eta})`);
  if (!(o.tau >= 0 && o.tau <= 1)) throw new Error(`tau: must be in [0, 1] (got ${o.tau})`);
  if (!(o.normalization > 0) || !Number.isFinite(o.normalization)) throw new Error(`normalization: must be > 0 (got ${o.normalization})`);
  if (o.optimizer !== 'adam' && o.optimizer !== 'gd') throw new Error(`optimizer: must be adam or gd (got ${JSON.stringify(o.optimizer)})`);
}

function toF32(a: Float64Array): Float32Array {
  return Float32Array.from(a);
}

/** Train the small network; every tensor it makes is disposed before it returns (or throws). */
export async function trainSmallNet(options: Partial<SmallNetOptions> & Pick<SmallNetOptions, 'n' | 'nTest' | 'tau' | 'seed'>): Promise<SmallNetResult> {
  const o = { ...SMALL_NET_DEFAULTS, ...options } as Required<SmallNetOptions>;
  checkOptions(o);
  const backend = await initBackend();
  const t0 = process.hrtime.bigint();
  const config = resolveConfig(DEFAULT_CONFIG, {
    source: 'mnist', d: MNIST_D, noise: 'isotropic', n: o.n, nTest: o.nTest, seed: o.seed,
    normalization: o.normalization, tauPlus: o.tau, tauMinus: o.tau,
  });
  const data = makeDataset(config);
  const { n, nTest, hidden: H } = o;
  const d = MNIST_D;
  const flipped = Array.from(data.flipped);
  const init = stream(o.seed, 'small-net-init');
  const W0 = fillNormal(init, new Float64Array(d * H), Math.sqrt(2 / d));
  const v0 = fillNormal(init, new Float64Array(H), Math.sqrt(1 / H));

  const X = tf.tensor2d(toF32(data.train.signal!), [n, d]);
  const Xt = tf.transpose(X) as tf.Tensor2D;
  const Xtest = tf.tensor2d(toF32(data.test.signal!), [nTest, d]);
  const yObs = tf.tensor2d(toF32(data.yObs), [n, 1]);
  // parameters: Wt (d x H, so the forward pass is X Wt), b (1 x H), v (H x 1), c (1 x 1)
  let params: tf.Tensor2D[] = [tf.tensor2d(toF32(W0), [d, H]), tf.zeros([1, H]), tf.tensor2d(toF32(v0), [H, 1]), tf.zeros([1, 1])];
  let moments: tf.Tensor2D[][] = o.optimizer === 'adam' ? [params.map((p) => tf.zerosLike(p)), params.map((p) => tf.zerosLike(p))] : [];
  const outputs = (x: tf.Tensor2D, p: tf.Tensor2D[]) => {
    const h = tf.relu(tf.add(tf.matMul(x, p[0]), p[1]));
    return { h, f: tf.add(tf.matMul(h, p[2]), p[3]) as tf.Tensor2D };
  };
  const trajectory: SmallNetEvaluation[] = [];
  try {
    for (let t = 0; t <= o.steps; t++) {
      if (t % o.evalEvery === 0 || t === o.steps) {
        const [fTrain, fTest] = tf.tidy(() => [outputs(X, params).f.dataSync(), outputs(Xtest, params).f.dataSync()]);
        const perSampleLoss = Array.from(fTrain, (f, i) => logistic(data.yObs[i] * f));
        let trainWrong = 0, testWrong = 0;
        fTrain.forEach((f, i) => (trainWrong += f * data.yObs[i] > 0 ? 0 : 1));
        fTest.forEach((f, i) => (testWrong += f * data.test.y[i] > 0 ? 0 : 1));
        trajectory.push({
          step: t, trainLoss: perSampleLoss.reduce((a, b) => a + b, 0) / n, trainError: trainWrong / n,
          testError: testWrong / nTest, perSampleLoss, flipped,
        });
      }
      if (t === o.steps) break;
      const next = tf.tidy(() => {
        const { h, f } = outputs(X, params);
        // l(z) = log(1 + e^-z), z = yobs f: dl/df = -yobs sigmoid(-yobs f); the mean over n
        const g = tf.div(tf.neg(tf.mul(yObs, tf.sigmoid(tf.neg(tf.mul(yObs, f))))), n) as tf.Tensor2D;
        const dH = tf.mul(tf.matMul(g, tf.transpose(params[2])), tf.cast(tf.greater(h, 0), 'float32')) as tf.Tensor2D;
        const grads = [tf.matMul(Xt, dH), tf.sum(dH, 0, true), tf.matMul(tf.transpose(h), g), tf.sum(g, 0, true)] as tf.Tensor2D[];
        if (o.optimizer === 'gd') return { params: params.map((p, k) => tf.sub(p, tf.mul(grads[k], o.eta)) as tf.Tensor2D), moments: [] as tf.Tensor2D[][] };
        const [m1, m2] = moments;
        const nm1 = m1.map((m, k) => tf.add(tf.mul(m, ADAM.beta1), tf.mul(grads[k], 1 - ADAM.beta1)) as tf.Tensor2D);
        const nm2 = m2.map((m, k) => tf.add(tf.mul(m, ADAM.beta2), tf.mul(tf.square(grads[k]), 1 - ADAM.beta2)) as tf.Tensor2D);
        const c1 = 1 - Math.pow(ADAM.beta1, t + 1);
        const c2 = 1 - Math.pow(ADAM.beta2, t + 1);
        const np = params.map((p, k) => tf.sub(p, tf.div(tf.mul(nm1[k], o.eta / c1), tf.add(tf.sqrt(tf.div(nm2[k], c2)), ADAM.eps))) as tf.Tensor2D);
        return { params: np, moments: [nm1, nm2] };
      });
      tf.dispose([params, moments]);
      params = next.params;
      moments = next.moments;
    }
  } finally {
    tf.dispose([X, Xt, Xtest, yObs, params, moments]);
  }
  return { options: o, backend, seconds: Number(process.hrtime.bigint() - t0) / 1e9, trajectory };
}
