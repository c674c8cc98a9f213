import type { Rich } from '../doc/model';
import { code } from '../doc/model';
import { fmtDate, fmtDuration, fmtNum, shellQuote } from '../format';
import type { RunInfo } from '../model';

/** The run facts every report starts with (everything a reader needs to know where the numbers come from). */
export function runInfoItems(run: RunInfo): Rich[] {
  const items: Rich[] = [
    ['Run: ', code(run.runId ?? '—'), ` (${run.kind})`],
    ['Date: ', `${fmtDate(run.startedAt)} to ${fmtDate(run.finishedAt)}; run time ${fmtDuration(run.seconds)} (wall clock)`],
    ['claimcheck: ', `${run.version ?? '—'}, git revision `, run.gitRevision ? code(run.gitRevision) : 'unknown (not run from a git checkout)'],
    ['Backends: ', (run.backends ?? []).length ? (run.backends ?? []).join(', ') : '—'],
    ['Node: ', `${run.node ?? '—'} on ${run.platform ?? '—'}, ${fmtNum(run.cpus)} CPUs`],
    ...(run.libraries && Object.keys(run.libraries).length
      ? [['Libraries: ', Object.entries(run.libraries).map(([k, v]) => `${k} ${v}`).join(', ')] as Rich]
      : []),
    ['Seed: ', code(String(run.seed ?? '—')), `; budget: ${fmtNum(run.budget)}`],
  ];
  if (run.argv?.length) items.push(['Command: ', code(run.argv.map(shellQuote).join(' '))]);
  return items;
}
