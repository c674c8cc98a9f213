import { UsageError } from '../util/errors';
import { FIELDS, TrainConfig } from '../training/config';
import type { SweepAxis } from '../report/model';

/**
 * Sweep axes, written `name=lo..hi[:log]`. A name is a numeric training key (n, m, eta, sigma0,
 * p, ...) or the derived `snr`, which sets A = snr * sigmaP * sqrt(d) (spec/model.md: SNR =
 * ||mu|| / (sigma_p sqrt d)). Integer keys give integer points.
 */
export const DERIVED_AXES = ['snr'] as const;

export function parseAxis(spec: string): SweepAxis {
  const m = /^([A-Za-z0-9]+)=([^.]+(?:\.\d+)?(?:e-?\d+)?)\.\.([^:]+)(?::(log|linear))?$/.exec(spec.trim());
  if (!m) throw new UsageError(`--axis ${JSON.stringify(spec)}: expected name=lo..hi or name=lo..hi:log`);
  const [, name, loS, hiS, scaleS] = m;
  const lo = Number(loS);
  const hi = Number(hiS);
  const isDerived = (DERIVED_AXES as readonly string[]).includes(name);
  const field = FIELDS[name as keyof TrainConfig];
  if (!isDerived && (!field || field.kind === 'enum')) {
    const numeric = Object.entries(FIELDS).filter(([, f]) => f.kind !== 'enum').map(([k]) => k);
    throw new UsageError(`--axis ${name}: not a numeric training key (use one of ${[...numeric, ...DERIVED_AXES].join(' ')})`);
  }
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new UsageError(`--axis ${name}: bounds must be numbers (got ${loS}..${hiS})`);
  if (!(lo < hi)) throw new UsageError(`--axis ${name}: need lo < hi (got ${lo}..${hi})`);
  const scale = (scaleS ?? 'linear') as SweepAxis['scale'];
  if (scale === 'log' && lo <= 0) throw new UsageError(`--axis ${name}: a log axis needs lo > 0 (got ${lo})`);
  const integer = !isDerived && field.kind === 'int';
  return { name, lo, hi, scale, integer };
}

/** Map u in [0, 1] onto the axis. */
export function axisValue(axis: SweepAxis, u: number): number {
  const v = axis.scale === 'log' ? Math.exp(Math.log(axis.lo) + u * (Math.log(axis.hi) - Math.log(axis.lo))) : axis.lo + u * (axis.hi - axis.lo);
  return axis.integer ? Math.round(v) : Number(v.toPrecision(6));
}

/** Training keys of a point: derived axes become training keys. */
export function pointToSettings(point: Record<string, number>, base: TrainConfig): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(point)) if (k !== 'snr') out[k] = v;
  if ('snr' in point) {
    const sigmaP = out.sigmaP ?? base.sigmaP;
    const d = out.d ?? base.d;
    out.A = point.snr * sigmaP * Math.sqrt(d);
  }
  return out;
}
