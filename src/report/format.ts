/** Number and value formatting shared by every report (numbers, rates, intervals, times, regimes, shell words). */

function trimZeros(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

function trimExp(s: string): string {
  const [m, e] = s.split('e');
  return `${trimZeros(m)}e${Number(e)}`;
}

/** A number with about `digits` significant digits: integers as they are, exponents when very large or small. */
export function fmtNum(x: number | string | null | undefined, digits = 4): string {
  if (x === null || x === undefined) return '—';
  if (typeof x !== 'number') return String(x);
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '-∞';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (Number.isInteger(x) && a < 1e7) return String(x);
  if (a >= 1e6 || a < 1e-3) return trimExp(x.toExponential(digits - 1));
  const p = x.toPrecision(digits);
  return p.includes('e') ? String(Math.round(x)) : trimZeros(p);
}

/** A rate in [0, 1] as a percentage with at most one decimal; never rounds to 0% or 100% when it is not. */
export function fmtPct(r: number | null | undefined): string {
  if (r === null || r === undefined || !Number.isFinite(r)) return '—';
  const s = trimZeros((r * 100).toFixed(1));
  if (s === '100' && r < 1) return '>99.9%';
  if (s === '0' && r > 0) return '<0.1%';
  return `${s}%`;
}

/** A confidence interval of a rate in whole percent, rounded outwards (never narrower than computed). */
export function fmtCi(ci: readonly [number, number] | null | undefined): string {
  if (!ci) return '';
  const lo = Math.max(0, Math.floor(ci[0] * 100 + 1e-9));
  const hi = Math.min(100, Math.ceil(ci[1] * 100 - 1e-9));
  return `[${lo}, ${hi}]`;
}

export function fmtP(p: number | null | undefined): string {
  if (p === null || p === undefined || Number.isNaN(p)) return '—';
  if (p === 0) return '0';
  if (p >= 0.001) return trimZeros(p.toPrecision(2));
  return trimExp(p.toExponential(1));
}

/** A duration: seconds with one decimal below a minute (two significant digits below 0.1 s), then min s, then h min. */
export function fmtDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '—';
  if (seconds > 0 && seconds < 0.095) return `${fmtNum(Number(seconds.toPrecision(2)))} s`;
  if (seconds < 59.95) return `${trimZeros(seconds.toFixed(1))} s`;
  const s = Math.round(seconds);
  const pad = (n: number) => String(n).padStart(2, '0');
  if (s < 3600) return `${Math.floor(s / 60)} min ${pad(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${pad(Math.floor((s % 3600) / 60))} min`;
}

/** An ISO time as "YYYY-MM-DD HH:MM:SS UTC" (or as given when it is not a date). */
export function fmtDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

/** A regime (or any flat record) as a compact "k=v, k=v" list, numbers to 4 significant digits. */
export function fmtRegime(r: Record<string, number | string> | null | undefined): string {
  if (!r) return '—';
  const entries = Object.entries(r);
  return entries.length ? entries.map(([k, v]) => `${k}=${fmtNum(v)}`).join(', ') : '(none)';
}

/** Quotes a command-line argument for a POSIX shell when it needs it. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * The commands of a 'Reproduce' block, one per line so each can be pasted into a shell: older
 * summaries joined several commands with " / " or " ; " on one line.
 */
export function commandLines(command: string): string {
  return command.split(/\n| \/ (?=(?:npx |node |claimcheck ))| ; (?=(?:npx |node |claimcheck ))/).map((c) => c.trim()).filter(Boolean).join('\n');
}
