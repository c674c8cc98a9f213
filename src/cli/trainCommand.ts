import { atomicWriteFile, checkWritableFile } from '../util/atomicWrite';
import { describeError, RunError } from '../util/errors';
import { checkModelRange, checkResources, parseAllow } from '../training/limits';
import { createProgress } from '../util/progress';
import { ConfigError, DEFAULT_CONFIG, EngineChoice, parseFieldValue, resolveConfig, TrainConfig } from '../training/config';
import { loadPreset } from '../training/presets';
// the trainers (tfjs) are loaded when a training starts: sweep takes configFromFlags from here
import { chooseEngine } from '../training/engineChoice';
import type { TrainResult } from '../training/train';
import type { SmallNetOptions } from '../training/smallNet';
import { FlagSpec, parseArgs, UsageError, usage } from './args';

export const TRAIN_FLAGS: Record<string, FlagSpec> = {
  preset: { kind: 'string', help: 'start from a preset (claimcheck presets lists them: properties/<paper>/presets, fixtures/presets)' },
  set: { kind: 'list', help: 'key=value override, repeatable (n nTest d m q A sigmaP sigma0 eta steps evalEvery p tauPlus tauMinus a b alpha noise signalPatch seed divergeLoss momentum samRho K model hidden source normalization); q is any real in [1, 8] (e.g. 2.0001); momentum=beta in [0, 1): v <- beta v + (1 - beta) grad, W <- W - eta v (default 0, plain GD); samRho=r >= 0: full-batch SAM, the gradient at W + r grad/||grad||_F (default 0, off); K=integer >= 2: one signal patch and K - 1 noise patches (default 2); model=two-layer|three-layer: three-layer (paper A, appendix E.1) puts a trained first layer relu(V x_p), V in R^{hidden x d}, under the two-layer head and trains on the autodiff engine (engine auto; its maxGamma/maxRho/ratio are the first layer\'s signal and noise projections, src/model/threeLayer.ts); hidden=H, integer in [1, 4096]: that first layer\'s width (default 64: the paper does not state it; 64 >= the head\'s 2m = 40 filters at its m = 20, and cheap); source=synthetic|mnist: mnist makes the signal patch a real digit 0 (y = -1) or 1 (y = +1), needs d=784 and noise=isotropic, trains on the gram engine (engine auto; maxGamma and ratio are null: there is no single mu), preset paper-a-mnist; normalization=N > 0: source mnist divides pixels in [0, 255] by it (default 80)' },
  'small-net': { kind: 'boolean', help: 'train the small MNIST network instead (one-hidden-layer ReLU MLP on digits 0/1, symmetric fixed flips at rate tauPlus, full-batch Adam; src/training/smallNet.ts); uses --set n nTest eta steps evalEvery seed normalization tauPlus (defaults n=300 nTest=500 eta=0.01 steps=300 evalEvery=25 tauPlus=0.2 seed=1 normalization=80)' },
  'small-net-hidden': { kind: 'string', help: 'hidden ReLU units of --small-net (default 64)' },
  'small-net-optimizer': { kind: 'string', help: 'adam (default) | gd, for --small-net' },
  algo: { kind: 'string', help: 'gd | lngd | lngd-gauss[:a,b] | lngd-uniform[:a,b] | smoothing[:alpha]' },
  engine: { kind: 'string', default: 'auto', help: 'auto | weight | coefficient | reference' },
  'per-sample': { kind: 'boolean', help: 'include per-sample losses and coefficients in the trajectory' },
  json: { kind: 'boolean', help: 'print one JSON object' },
  out: { kind: 'string', help: 'also write the JSON to FILE' },
  allow: { kind: 'list', help: 'run settings outside the papers\' model: tau (tauPlus or tauMinus >= 1/2); repeatable or comma-separated' },
  quiet: { kind: 'boolean', help: 'no progress line' },
  help: { kind: 'boolean', help: 'this help' },
};

/** `--set k=v` pairs into a settings object; a pair without `=` or an unknown key names itself. */
export function parseSets(sets: string[]): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const s of sets) {
    const eq = s.indexOf('=');
    if (eq <= 0) throw new UsageError(`--set ${JSON.stringify(s)}: expected key=value`);
    const key = s.slice(0, eq).trim();
    out[key] = parseFieldValue(key, s.slice(eq + 1));
  }
  return out;
}

const ENGINES = ['auto', 'weight', 'coefficient', 'reference'];

/** The resolved configuration of `--preset`, `--set` and `--algo`, in that order. */
export function configFromFlags(flags: Record<string, unknown>): TrainConfig {
  const base = typeof flags.preset === 'string' ? loadPreset(flags.preset).config : DEFAULT_CONFIG;
  const sets = parseSets((flags.set as string[] | undefined) ?? []);
  const algo = typeof flags.algo === 'string' ? { algo: flags.algo } : {};
  return resolveConfig(base, sets, algo);
}

function summary(r: TrainResult): string {
  const cols = ['step', 'trainLoss', 'trainLossObserved', 'trainError', 'testError', 'maxGamma', 'maxRho', 'ratio'] as const;
  const fmt = (v: number) => (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : v.toFixed(4));
  const rows = r.trajectory.map((m) => cols.map((c) => (c === 'step' ? String(m.step) : fmt(m[c] as number)).padStart(12)).join(''));
  const head = cols.map((c) => c.padStart(12)).join('');
  const d = r.final.diverged;
  const div = d ? `\nDIVERGED at step ${d.step} (${d.reason}${d.where && d.where !== 'loss' ? ' in ' + d.where : ''}, loss ${d.loss})` : '';
  return `algo ${r.config.algo}  engine ${r.engine}  backend ${r.backend}  ${r.seconds.toFixed(2)} s\n${head}\n${rows.join('\n')}${div}\n`;
}

export async function trainCommand(argv: string[]): Promise<number> {
  const { flags } = parseArgs(argv, TRAIN_FLAGS, 'train');
  if (flags.help) {
    process.stdout.write(usage('train', '[--preset NAME] [--set key=value ...] [--algo A] [--engine E] [--json] [--out FILE] | --small-net [--set key=value ...]', TRAIN_FLAGS));
    return 0;
  }
  if (flags['small-net']) return smallNetCommand(flags);
  const engine = flags.engine as string;
  if (!ENGINES.includes(engine)) throw new UsageError(`--engine must be one of ${ENGINES.join(', ')} (got ${JSON.stringify(engine)})`);
  const config = configFromFlags(flags);
  checkModelRange(config, parseAllow(flags.allow));
  checkResources(config, chooseEngine(config, engine as EngineChoice), { perSample: Boolean(flags['per-sample']) });
  const out = typeof flags.out === 'string' ? flags.out : undefined;
  if (out !== undefined) checkWritableFile(out, '--out');
  const progress = createProgress({ total: config.steps, label: `train ${config.algo}`, quiet: Boolean(flags.quiet) });
  const { train } = await import('../training/train');
  const result = await train(config, {
    engine: engine as EngineChoice,
    perSample: Boolean(flags['per-sample']),
    onStep: (t) => (t % 50 === 0 ? progress.tick(Math.min(50, config.steps - progress.state.done)) : undefined),
  });
  progress.done();
  const json = JSON.stringify(result);
  let failed: unknown = null;
  if (out !== undefined) {
    try {
      atomicWriteFile(out, json + '\n');
    } catch (e) {
      failed = e;
    }
  }
  // a run that computed something always prints it, even when --out could not be written
  process.stdout.write(flags.json || failed ? json + '\n' : summary(result));
  if (failed) throw new RunError(`--out ${out}: the result could not be written (${describeError(failed)}); it was printed to stdout`);
  return 0;
}

/** The --set keys `train --small-net` reads, as options of trainSmallNet (tauPlus is the symmetric flip rate tau). */
const SMALL_NET_KEYS: Record<string, keyof SmallNetOptions> = { n: 'n', nTest: 'nTest', eta: 'eta', steps: 'steps', evalEvery: 'evalEvery', seed: 'seed', normalization: 'normalization', tauPlus: 'tau' };

/** `train --small-net`: the small MNIST network of review row 19 (src/training/smallNet.ts). */
async function smallNetCommand(flags: Record<string, unknown>): Promise<number> {
  for (const f of ['preset', 'algo'] as const) if (flags[f] !== undefined) throw new UsageError(`--${f} does not apply to --small-net (set its keys with --set)`);
  if ((flags.engine as string) !== 'auto') throw new UsageError('--engine does not apply to --small-net (it trains with tfjs)');
  const sets = parseSets((flags.set as string[] | undefined) ?? []);
  // validated like any config (names the key on error), then only the keys the small net has are read
  resolveConfig(DEFAULT_CONFIG, { ...sets, ...(sets.tauPlus !== undefined && sets.tauPlus !== 0 && sets.tauMinus === undefined ? { tauMinus: sets.tauPlus } : {}) });
  const options: Partial<SmallNetOptions> & Pick<SmallNetOptions, 'n' | 'nTest' | 'tau' | 'seed'> = { n: 300, nTest: 500, tau: 0.2, seed: 1 };
  for (const [k, v] of Object.entries(sets)) {
    if (k === 'tauMinus') {
      if (v !== (sets.tauPlus ?? 0.2)) throw new ConfigError('tauMinus', `--small-net flips both classes at rate tauPlus (leave tauMinus out or equal to it; got ${v})`);
      continue;
    }
    if (!(k in SMALL_NET_KEYS)) throw new ConfigError(k, `does not apply to --small-net (it reads ${Object.keys(SMALL_NET_KEYS).join(' ')})`);
    (options as Record<string, unknown>)[SMALL_NET_KEYS[k]] = v;
  }
  if (flags['small-net-hidden'] !== undefined) {
    const h = Number(flags['small-net-hidden']);
    if (!Number.isInteger(h) || h < 1 || h > 4096) throw new UsageError(`--small-net-hidden must be an integer in [1, 4096] (got ${JSON.stringify(flags['small-net-hidden'])})`);
    options.hidden = h;
  }
  if (flags['small-net-optimizer'] !== undefined) {
    const o = flags['small-net-optimizer'];
    if (o !== 'adam' && o !== 'gd') throw new UsageError(`--small-net-optimizer must be adam or gd (got ${JSON.stringify(o)})`);
    options.optimizer = o;
  }
  const out = typeof flags.out === 'string' ? flags.out : undefined;
  if (out !== undefined) checkWritableFile(out, '--out');
  const r = await (await import('../training/smallNet')).trainSmallNet(options);
  const json = JSON.stringify(r);
  if (out !== undefined) atomicWriteFile(out, json + '\n');
  if (flags.json) process.stdout.write(json + '\n');
  else {
    const rows = r.trajectory.map((e) => {
      const flippedLoss = e.perSampleLoss.filter((_, i) => e.flipped[i]);
      const mean = flippedLoss.length ? flippedLoss.reduce((a, b) => a + b, 0) / flippedLoss.length : NaN;
      return [String(e.step), e.trainLoss.toFixed(4), e.trainError.toFixed(4), e.testError.toFixed(4), mean.toFixed(4)].map((s) => s.padStart(14)).join('');
    });
    const head = ['step', 'trainLoss', 'trainError', 'testError', 'lossFlipped'].map((s) => s.padStart(14)).join('');
    const o = r.options;
    process.stdout.write(`small-net n ${o.n} hidden ${o.hidden} ${o.optimizer} eta ${o.eta} tau ${o.tau}  backend ${r.backend}  ${r.seconds.toFixed(2)} s\n${head}\n${rows.join('\n')}\n`);
  }
  return 0;
}

export { ConfigError };
