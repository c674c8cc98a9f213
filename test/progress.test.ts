import { describe, expect, it } from 'vitest';
import { createProgress, formatDuration, formatProgress, type ProgressStream } from '../src/util/progress';

describe('formatProgress', () => {
  const base = { label: 'train', startedAt: 1_000_000 };

  it('shows ETA "?" before the first tick', () => {
    expect(formatProgress({ ...base, done: 0, total: 40 }, base.startedAt + 3000)).toBe(
      'train 0/40 0% elapsed 0:03 ETA ?',
    );
  });

  it('computes ETA from the average rate so far', () => {
    // 10 done in 5 s -> 2/s; 30 left -> 15 s.
    expect(formatProgress({ ...base, done: 10, total: 40 }, base.startedAt + 5000)).toBe(
      'train 10/40 25% elapsed 0:05 ETA 0:15',
    );
    // 1 done in 2 min; 99 left -> 198 min.
    expect(formatProgress({ ...base, done: 1, total: 100, note: 'n=64' }, base.startedAt + 120_000)).toBe(
      'train 1/100 1% elapsed 2:00 ETA 3:18:00 - n=64',
    );
    expect(formatProgress({ ...base, done: 3, total: 3 }, base.startedAt + 61_400)).toBe(
      'train 3/3 100% elapsed 1:01 ETA 0:00',
    );
  });

  it('handles edge cases and draws a bar', () => {
    expect(formatProgress({ ...base, done: 199, total: 200 }, base.startedAt + 1000)).toContain(' 99% ');
    expect(formatProgress({ ...base, done: 5, total: 4 }, base.startedAt + 1000)).toContain('5/4 100% ');
    expect(formatProgress({ ...base, done: 0, total: 0 }, base.startedAt)).toBe('train 0/0 100% elapsed 0:00 ETA 0:00');
    expect(formatProgress({ ...base, done: 2, total: 4 }, base.startedAt, 10)).toBe(
      'train [#####-----] 2/4 50% elapsed 0:00 ETA ?',
    );
  });

  it('formats durations', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(59_600)).toBe('1:00');
    expect(formatDuration(3_599_000)).toBe('59:59');
    expect(formatDuration(3_600_000 + 61_000)).toBe('1:01:01');
  });
});

function fakeStream(isTTY: boolean, columns?: number): ProgressStream & { out: string[] } {
  const out: string[] = [];
  return { out, isTTY, columns, write: (s: string) => out.push(s) };
}

describe('createProgress', () => {
  it('prints plain lines at most every logIntervalMs on a non-TTY, and at the end', () => {
    let t = 0;
    const stream = fakeStream(false);
    const p = createProgress({ total: 100, label: 'run', stream, now: () => t, logIntervalMs: 5000 });
    for (let i = 0; i < 100; i++) {
      t += 100; // 100 ticks over 10 s
      p.tick();
    }
    p.done();
    p.done();
    p.tick();
    expect(stream.out).toEqual([
      'run 0/100 0% elapsed 0:00 ETA ?\n',
      'run 50/100 50% elapsed 0:05 ETA 0:05\n',
      'run 100/100 100% elapsed 0:10 ETA 0:00\n',
    ]);
  });

  it('redraws a single line on a TTY, throttled, fitting the width', () => {
    let t = 0;
    const stream = fakeStream(true, 60);
    const p = createProgress({ total: 10, label: 'tty', stream, now: () => t });
    for (let i = 0; i < 10; i++) {
      t += 50;
      p.tick(1, `step ${i}`);
    }
    p.done();
    const draws = stream.out.filter((s) => s.startsWith('\r'));
    // Initial draw, then every 100 ms over 500 ms; done() at t=500 would repeat the last line, so skips it.
    expect(draws.length).toBe(1 + 5);
    for (const d of draws) {
      expect(d.endsWith('\x1b[K')).toBe(true);
      expect(d.length - '\r\x1b[K'.length).toBeLessThan(60);
      expect(d).not.toContain('\n');
    }
    expect(draws[0]).toBe('\rtty [--------------------] 0/10 0% elapsed 0:00 ETA ?\x1b[K');
    expect(draws[draws.length - 1]).toMatch(/^\rtty \[#{20}\] 10\/10 100% elapsed 0:01 ETA 0:00/);
    expect(stream.out[stream.out.length - 1]).toBe('\n');
  });

  it('supports a growing total and quiet mode', () => {
    let t = 0;
    const stream = fakeStream(false);
    const p = createProgress({ total: 2, label: 'q', stream, now: () => t, quiet: true });
    t = 1000;
    p.tick(2);
    p.setTotal(4);
    expect(formatProgress(p.state, t)).toBe('q 2/4 50% elapsed 0:01 ETA 0:01');
    p.done();
    expect(stream.out).toEqual([]);
  });
});
