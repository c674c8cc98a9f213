import { afterAll, describe, expect, it } from 'vitest';
import {
  expectedFixtures,
  fixtureName,
  formatDrift,
  GOLDEN_ENGINES,
  GOLDEN_FORMAT,
  listFixtureFiles,
  loadFixture,
  precisionOf,
  replayFixture,
  TOLERANCES,
  type DriftReport,
} from '../bench/recordGolden';
import { presetNames } from '../src/training/presets';
import { VERSION } from '../src/version';

/**
 * Golden trajectories (fixtures/golden/README.md): every preset x engine, 30 steps, replayed
 * through train() and compared metric by metric with the recording. Tolerances are those of
 * TOLERANCES in bench/recordGolden.ts: float32 engines 1e-4 relative (losses; other real metrics
 * on the trajectory's scale), 0-1 errors exact except for samples at a near-zero margin;
 * reference engine 1e-9. A failure prints the drift of every metric (max abs / max rel).
 * Timings are never asserted here.
 */
const files = listFixtureFiles();
const summary: { report: DriftReport; seconds: number }[] = [];

describe('golden trajectories', () => {
  it('exist for every preset and engine, and only for those', () => {
    const expected = expectedFixtures().map((e) => e.file).sort();
    const missing = expected.filter((f) => !files.includes(f));
    const orphans = files.filter((f) => !expected.includes(f));
    expect(
      { missing, orphans },
      `fixtures/golden is out of step with the presets (${presetNames().length} presets x ${GOLDEN_ENGINES.length} engines): run npm run golden:record`,
    ).toEqual({ missing: [], orphans: [] });
  });

  it('are well-formed and record what they claim', () => {
    for (const file of files) {
      const fx = loadFixture(file);
      expect(fx.format, file).toBe(GOLDEN_FORMAT);
      expect(file, file).toBe(fixtureName(fx.preset, fx.engine));
      expect(fx.precision, file).toBe(precisionOf(fx.engine));
      expect(fx.config.steps, file).toBe(fx.overrides.steps);
      expect(fx.trajectory.length, file).toBeGreaterThan(1);
      expect(fx.trajectory.some((m) => 'perSample' in m), file).toBe(false);
      expect(typeof fx.claimcheckVersion, file).toBe('string');
      expect(fx.backend === 'js-float64', `${file}: backend ${fx.backend}`).toBe(fx.engine === 'reference');
    }
    expect(TOLERANCES.float32.lossRel).toBeLessThanOrEqual(1e-4);
    expect(TOLERANCES.float64.lossRel).toBeLessThanOrEqual(1e-9);
  });

  it.each(files)('%s replays within tolerance', async (file) => {
    const fx = loadFixture(file);
    const { report, seconds } = await replayFixture(fx);
    summary.push({ report, seconds });
    const versionNote = fx.claimcheckVersion === VERSION ? '' : `\n  (recorded with claimcheck ${fx.claimcheckVersion}, now ${VERSION})`;
    expect(report.ok, `\n${formatDrift(report)}${versionNote}\n  If the change is intended: npm run golden:record, review the drift, commit the fixtures.\n`).toBe(true);
  });

  afterAll(() => {
    if (summary.length === 0) return;
    const lines = summary.map(({ report: r, seconds }) => {
      const worst = r.metrics.reduce((a, m) => (m.maxRel > a.maxRel ? m : a), r.metrics[0]);
      const w = worst && worst.maxRel > 0 ? `max rel ${worst.maxRel.toExponential(1)} (${worst.metric})` : 'identical';
      return `  ${r.fixture.padEnd(36)} ${r.ok ? 'ok  ' : 'DRIFT'} ${r.replayedBackend.padEnd(10)} ${w.padEnd(34)} ${seconds.toFixed(1)} s`;
    });
    process.stdout.write(`golden drift (replay vs fixture):\n${lines.join('\n')}\n`);
  });
});
