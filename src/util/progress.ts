/**
 * Progress reporting: `label done/total pct% elapsed ETA`.
 * On a TTY the line is redrawn in place (at most ~10 times a second); elsewhere (CI logs) a plain
 * line is printed at most every `logIntervalMs` and once at the end.
 */

/** Everything `formatProgress` needs; times are epoch milliseconds. */
export interface ProgressState {
  label: string;
  done: number;
  total: number;
  startedAt: number;
  note?: string;
}

/** Minimal output stream (process.stderr satisfies it). */
export interface ProgressStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressOptions {
  total: number;
  label: string;
  stream?: ProgressStream;
  /** Write nothing (state is still tracked). */
  quiet?: boolean;
  /** Minimum time between plain lines on a non-TTY stream; default 5000 ms. */
  logIntervalMs?: number;
  /** Clock, for tests; default Date.now. */
  now?: () => number;
}

export interface Progress {
  /** Records `n` more finished items; `note` (e.g. the current regime) is shown after the numbers. */
  tick(n?: number, note?: string): void;
  /** Changes the total (e.g. when more work is discovered). */
  setTotal(total: number): void;
  /** Prints the final line. Further calls are ignored. */
  done(): void;
  readonly state: Readonly<ProgressState>;
}

const TTY_REDRAW_MS = 100;
const TTY_BAR_WIDTH = 20;

/**
 * Formats one progress line, e.g. `train 10/40 25% elapsed 0:05 ETA 0:15 - note`.
 * ETA = remaining * elapsed / done (average rate so far); "?" before the first item.
 * With `barWidth` > 0 a `[####----]` bar follows the label.
 */
export function formatProgress(state: ProgressState, now: number, barWidth = 0): string {
  const { label, done, total, note } = state;
  const elapsed = Math.max(0, now - state.startedAt);
  const fraction = total > 0 ? Math.min(1, done / total) : 1;
  const remaining = Math.max(0, total - done);
  let eta: string;
  if (remaining === 0) eta = formatDuration(0);
  else if (done <= 0 || elapsed === 0) eta = '?';
  else eta = formatDuration((remaining * elapsed) / done);
  const parts = [label];
  if (barWidth > 0) {
    const filled = Math.floor(fraction * barWidth);
    parts.push(`[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}]`);
  }
  parts.push(`${done}/${total}`, `${Math.floor(fraction * 100)}%`, `elapsed ${formatDuration(elapsed)}`, `ETA ${eta}`);
  if (note) parts.push(`- ${note}`);
  return parts.join(' ');
}

/** `m:ss`, or `h:mm:ss` from one hour on (rounded to whole seconds). */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** Creates a reporter and shows its initial line (ETA "?"). */
export function createProgress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  const now = options.now ?? Date.now;
  const tty = stream.isTTY === true;
  const minGap = tty ? TTY_REDRAW_MS : (options.logIntervalMs ?? 5000);
  const state: ProgressState = { label: options.label, done: 0, total: options.total, startedAt: now() };
  let lastDraw = -Infinity;
  let lastLine = '';
  let finished = false;

  const draw = (force: boolean): void => {
    const t = now();
    if (options.quiet || (!force && t - lastDraw < minGap)) return;
    let line = formatProgress(state, t, tty ? TTY_BAR_WIDTH : 0);
    // A wrapped line cannot be redrawn with \r, so keep it within the terminal width.
    if (tty && stream.columns && line.length >= stream.columns) line = line.slice(0, stream.columns - 1);
    lastDraw = t;
    if (line === lastLine) return;
    lastLine = line;
    stream.write(tty ? `\r${line}\x1b[K` : `${line}\n`);
  };

  draw(true);
  return {
    state,
    tick(n = 1, note) {
      if (finished) return;
      state.done += n;
      state.note = note;
      draw(false);
    },
    setTotal(total) {
      if (finished) return;
      state.total = total;
      draw(false);
    },
    done() {
      if (finished) return;
      finished = true;
      draw(true);
      if (tty && !options.quiet) stream.write('\n');
    },
  };
}
