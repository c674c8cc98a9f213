import { atomicWriteFile, checkWritableFile } from '../util/atomicWrite';
import { describeError, RunError } from '../util/errors';
import { checkModelRange, checkResources, parseAllow } from '../training/limits';
import { createProgress } from '../util/progress';
import { ConfigError, DEFAULT_CONFIG, EngineChoice, parseFieldValue, resolveConfig, TrainConfig } from '../training/config';
import { loadPreset } from '../training/presets';
import { chooseEngine, train, TrainResult } from '../training/train';
import { FlagSpec, parseArgs, UsageError, usage } from './args';

export const TRAIN_FLAGS: Record<string, FlagSpec> = {
  preset: { kind: 'string', help: 'start from fixtures/presets/NAME.json (claimcheck presets lists them)' },
  set: { kind: 'list', help: 'key=value override, repeatable (n nTest d m q A sigmaP sigma0 eta steps evalEvery p tauPlus tauMinus a b alpha noise signalPatch seed divergeLoss momentum samRho K); q is any real in [1, 8] (e.g. 2.0001); momentum=beta in [0, 1): v <- beta v + (1 - beta) grad, W <- W - eta v (default 0, plain GD); samRho=r >= 0: full-batch SAM, the gradient at W + r grad/||grad||_F (default 0, off); K=integer >= 2: one signal patch and K - 1 noise patches (default 2)' },
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
    process.stdout.write(usage('train', '[--preset NAME] [--set key=value ...] [--algo A] [--engine E] [--json] [--out FILE]', TRAIN_FLAGS));
    return 0;
  }
  const engine = flags.engine as string;
  if (!ENGINES.includes(engine)) throw new UsageError(`--engine must be one of ${ENGINES.join(', ')} (got ${JSON.stringify(engine)})`);
  const config = configFromFlags(flags);
  checkModelRange(config, parseAllow(flags.allow));
  checkResources(config, chooseEngine(config, engine as EngineChoice), { perSample: Boolean(flags['per-sample']) });
  const out = typeof flags.out === 'string' ? flags.out : undefined;
  if (out !== undefined) checkWritableFile(out, '--out');
  const progress = createProgress({ total: config.steps, label: `train ${config.algo}`, quiet: Boolean(flags.quiet) });
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

export { ConfigError };
