import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import type { Regime, Tier, Verdict } from '../claims/types';
import { TIERS, VERDICTS } from '../claims/types';
import type { ClaimSummary, Counterexample } from '../engine/summary';
import { atomicWriteFile } from '../util/atomicWrite';
import { barChartSpec, heatmapSpec, lineChartSpec, verdictMapSpec, writeFigure } from './figures';
import type { AuditEntry, ClaimDeclaration, CrossRegionMatrix, DynamicsFigure, MorrisClaimResult, PhaseDiagram, ProfileInfo, RunInfo, VerifySummary } from './model';

/**
 * Renders a verify run (VerifySummary) into `report.md` (GitHub Markdown), `report.html` (one
 * self-contained page) and `figures/*.svg|png`. Both documents are produced from the same list of
 * blocks, so they always say the same thing. The output depends only on the summary (no clock, no
 * absolute paths): re-rendering a run folder gives byte-identical files. Every file is written
 * atomically, figures first, so a report never points at a figure that is not there yet.
 *
 * The first half of this file is the small document model and the formatting helpers shared with
 * renderSweep.ts.
 */

// ---------------------------------------------------------------------------------------------
// Document model: inline spans and blocks, rendered to Markdown and to HTML.

export type Span =
  | { t: 'text' | 'code' | 'strong' | 'alert'; s: string }
  | { t: 'verdict'; s: Verdict }
  | { t: 'link'; s: string; href: string };
export type Rich = string | Span | readonly (string | Span)[];
export type Align = 'l' | 'r';

export type Block =
  | { k: 'h'; level: 1 | 2 | 3 | 4; text: string; id?: string }
  | { k: 'p'; body: Rich }
  | { k: 'list'; items: Rich[] }
  | { k: 'table'; head: string[]; align?: Align[]; rows: Rich[][] }
  | { k: 'code'; text: string; lang?: string }
  | { k: 'figure'; name: string; alt: string };

export const code = (s: string): Span => ({ t: 'code', s });
export const strong = (s: string): Span => ({ t: 'strong', s });
export const alert = (s: string): Span => ({ t: 'alert', s });
export const verdict = (v: Verdict): Span => ({ t: 'verdict', s: v });
export const link = (s: string, href: string): Span => ({ t: 'link', s, href });

function spans(r: Rich): Span[] {
  if (typeof r === 'string') return [{ t: 'text', s: r }];
  if (Array.isArray(r)) return (r as readonly (string | Span)[]).map((x) => (typeof x === 'string' ? { t: 'text', s: x } : x));
  return [r as Span];
}

/** Whitespace (newlines included) collapsed to single spaces: every span is one line of text. */
function oneLine(s: string): string {
  return String(s).replace(/\s+/g, ' ');
}

const isAlnum = (c: string | undefined) => c !== undefined && /[A-Za-z0-9]/.test(c);

/** Escapes text for GitHub Markdown, leaving it as readable as possible as plain text. */
export function mdEscape(s: string, inTable = false): string {
  let out = oneLine(s)
    .replace(/[\\`$~]/g, '\\$&')
    // '<' only where it could open an HTML tag, comment or autolink ("p < 0.05" and "<=" stay as they are)
    .replace(/<(?=[A-Za-z/!?])/g, '\\<')
    // brackets only where they could make a link, a reference or a footnote (no definitions are ever emitted)
    .replace(/\[(?=\^)|\](?=[([:])/g, '\\$&')
    .replace(/&(?=#?[A-Za-z0-9]+;)/g, '\\&')
    // '*' and '_' only matter next to non-space (emphasis); '_' not between letters (GFM intraword rule)
    .replace(/\*/g, (m, i: number, str: string) => (/\s/.test(str[i - 1] ?? ' ') && /\s/.test(str[i + 1] ?? ' ') ? m : '\\*'))
    .replace(/_/g, (m, i: number, str: string) => (isAlnum(str[i - 1]) && isAlnum(str[i + 1]) ? m : '\\_'));
  if (inTable) out = out.replace(/\|/g, '\\|');
  return out;
}

/** Escapes text for HTML element content and attribute values. */
export function htmlEscape(s: string): string {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

function mdCode(s: string, inTable: boolean): string {
  let text = oneLine(s);
  if (inTable) text = text.replace(/\|/g, '\\|');
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

function mdInline(r: Rich, inTable = false): string {
  return spans(r)
    .map((sp) => {
      switch (sp.t) {
        case 'text':
        case 'verdict':
          return mdEscape(sp.s, inTable);
        case 'code':
          return mdCode(sp.s, inTable);
        case 'strong':
        case 'alert':
          return `**${mdEscape(sp.s, inTable)}**`;
        case 'link':
          return `[${mdEscape(sp.s, inTable)}](${sp.href.replace(/[()\s]/g, (c) => encodeURIComponent(c))})`;
      }
    })
    .join('');
}

/** A line that Markdown would read as a heading, quote, list or rule is escaped at its start. */
function mdBlockStart(line: string): string {
  const num = /^(\d+)([.)])(\s|$)/.exec(line);
  if (num) return `${num[1]}\\${line.slice(num[1].length)}`;
  return /^[>#+=[-]/.test(line) ? `\\${line}` : line;
}

function htmlInline(r: Rich): string {
  return spans(r)
    .map((sp) => {
      switch (sp.t) {
        case 'text':
          return htmlEscape(oneLine(sp.s));
        case 'code':
          return `<code>${htmlEscape(oneLine(sp.s))}</code>`;
        case 'strong':
          return `<strong>${htmlEscape(oneLine(sp.s))}</strong>`;
        case 'alert':
          return `<strong class="alert">${htmlEscape(oneLine(sp.s))}</strong>`;
        case 'verdict':
          return `<span class="v v-${htmlEscape(sp.s)}">${htmlEscape(sp.s)}</span>`;
        case 'link':
          return `<a href="${htmlEscape(sp.href)}">${htmlEscape(oneLine(sp.s))}</a>`;
      }
    })
    .join('');
}

export function toMarkdown(blocks: readonly Block[]): string {
  const out = blocks.map((b) => {
    switch (b.k) {
      case 'h':
        return `${'#'.repeat(b.level)} ${mdEscape(b.text)}`;
      case 'p':
        return mdBlockStart(mdInline(b.body));
      case 'list':
        return b.items.map((it) => `- ${mdBlockStart(mdInline(it))}`).join('\n');
      case 'table': {
        const align = b.head.map((_, i) => (b.align?.[i] === 'r' ? '---:' : ':---'));
        const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
        return [
          row(b.head.map((h) => mdEscape(h, true))),
          row(align),
          ...b.rows.map((r) => row(b.head.map((_, i) => (r[i] === undefined ? '' : mdInline(r[i], true))))),
        ].join('\n');
      }
      case 'code': {
        const longest = Math.max(0, ...[...b.text.matchAll(/^`+/gm)].map((m) => m[0].length));
        const fence = '`'.repeat(Math.max(3, longest + 1));
        return `${fence}${b.lang ?? ''}\n${b.text}\n${fence}`;
      }
      case 'figure':
        return `![${mdEscape(b.alt)}](figures/${b.name}.png)`;
    }
  });
  return out.join('\n\n') + '\n';
}

const CSS = `
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; line-height: 1.5; color: #1f2328; max-width: 1180px; margin: 2em auto; padding: 0 1.5em; }
h1, h2 { border-bottom: 1px solid #d0d7de; padding-bottom: .3em; }
h2 { margin-top: 2em; }
.tw { overflow-x: auto; }
table { border-collapse: collapse; margin: .8em 0 1.2em; font-size: 14px; }
th, td { border: 1px solid #d0d7de; padding: 4px 9px; vertical-align: top; text-align: left; }
th { background: #f6f8fa; }
tr:nth-child(even) td { background: #fbfcfd; }
th.r, td.r { text-align: right; font-variant-numeric: tabular-nums; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 88%; background: #f3f4f6; padding: .1em .3em; border-radius: 4px; }
pre { background: #f6f8fa; padding: 10px 12px; overflow-x: auto; border-radius: 6px; }
pre code { background: none; padding: 0; font-size: 85%; }
figure { margin: 1em 0; }
img { max-width: 100%; height: auto; }
.v { font-weight: 600; }
.v-holds { color: #1a7f37; } .v-breaks { color: #cf222e; } .v-inconclusive { color: #6e7781; }
.v-vacuous { color: #0969da; } .v-diverged { color: #000000; } .v-budget { color: #bc4c00; }
.alert { color: #cf222e; }
`.trim();

export function toHtml(title: string, blocks: readonly Block[]): string {
  const body = blocks.map((b) => {
    switch (b.k) {
      case 'h':
        return `<h${b.level}${b.id ? ` id="${htmlEscape(b.id)}"` : ''}>${htmlEscape(oneLine(b.text))}</h${b.level}>`;
      case 'p':
        return `<p>${htmlInline(b.body)}</p>`;
      case 'list':
        return `<ul>\n${b.items.map((it) => `<li>${htmlInline(it)}</li>`).join('\n')}\n</ul>`;
      case 'table': {
        const cls = (i: number) => (b.align?.[i] === 'r' ? ' class="r"' : '');
        const head = b.head.map((h, i) => `<th${cls(i)}>${htmlEscape(oneLine(h))}</th>`).join('');
        const rows = b.rows.map((r) => `<tr>${b.head.map((_, i) => `<td${cls(i)}>${r[i] === undefined ? '' : htmlInline(r[i])}</td>`).join('')}</tr>`);
        return `<div class="tw"><table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table></div>`;
      }
      case 'code':
        return `<pre><code>${htmlEscape(b.text)}</code></pre>`;
      case 'figure':
        return `<figure><img src="figures/${htmlEscape(b.name)}.svg" alt="${htmlEscape(oneLine(b.alt))}"></figure>`;
    }
  });
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${htmlEscape(oneLine(title))}</title>`,
    `<style>\n${CSS}\n</style>`,
    '</head>',
    '<body>',
    '<main>',
    ...body,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
export function anchor(text: string): string {
  return text.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
}

/** A section heading (h2) with the anchor GitHub gives it, so the contents links work in both formats. */
export function section(text: string): Block {
  return { k: 'h', level: 2, text, id: anchor(text) };
}

export function contents(titles: string[]): Block {
  return { k: 'p', body: ['Contents: ', ...titles.flatMap((t, i) => [...(i ? [' · '] : []), link(t, `#${anchor(t)}`)])] };
}

// ---------------------------------------------------------------------------------------------
// Number and value formatting.

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

export function fmtDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '—';
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

/** Figure names for writeFigure: filesystem-safe (`A.separation` -> `A-separation`) and unique within one report. */
export class FigureNames {
  private readonly used = new Set<string>();
  name(prefix: string, id: string): string {
    const slug = `${prefix}-${id}`.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/-{2,}/g, '-').replace(/^-+|-+$/g, '') || 'figure';
    let name = slug;
    for (let i = 2; this.used.has(name.toLowerCase()); i++) name = `${slug}-${i}`;
    this.used.add(name.toLowerCase());
    return name;
  }
}

/** Writes figures while the blocks are built and collects their files; a figure whose data cannot be drawn becomes a note in the report. */
export class FigureWriter {
  readonly files: string[] = [];
  readonly names = new FigureNames();
  constructor(readonly dir: string) {}

  async figure(prefix: string, id: string, alt: string, build: () => TopLevelSpec): Promise<Block[]> {
    const name = this.names.name(prefix, id);
    let spec: TopLevelSpec;
    try {
      spec = build();
    } catch (err) {
      // data the figure cannot show (e.g. a non-positive value on a log axis): say so in place of the figure
      return [{ k: 'p', body: [alert('Figure not drawn:'), ` ${(err as Error).message}`] }];
    }
    // rendering and file-system errors are real failures and propagate
    const paths = await writeFigure(join(this.dir, 'figures'), name, spec);
    this.files.push(paths.svg, paths.png);
    return [{ k: 'figure', name, alt }];
  }
}

/** Writes report.md and report.html (after the figures, which the FigureWriter has already written). */
export function writeDocuments(dir: string, title: string, blocks: readonly Block[], figures: FigureWriter): { files: string[] } {
  const md = join(dir, 'report.md');
  const html = join(dir, 'report.html');
  atomicWriteFile(md, toMarkdown(blocks));
  atomicWriteFile(html, toHtml(title, blocks));
  return { files: [...figures.files, md, html] };
}

// ---------------------------------------------------------------------------------------------
// Sections shared by verify and sweep reports.

/** The run facts every report starts with (everything a reader needs to know where the numbers come from). */
export function runInfoItems(run: RunInfo): Rich[] {
  const items: Rich[] = [
    ['Run: ', code(run.runId ?? '—'), ` (${run.kind})`],
    ['Date: ', `${fmtDate(run.startedAt)} to ${fmtDate(run.finishedAt)}; run time ${fmtDuration(run.seconds)}`],
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

/** Rows (y, descending, as in the picture) by columns (x) of a phase diagram's values, when it is a small full grid. */
function phaseGridTable(p: PhaseDiagram): Block[] {
  const xs = [...new Set(p.cells.map((c) => c.x))].sort((a, b) => a - b);
  const ys = [...new Set(p.cells.map((c) => c.y))].sort((a, b) => b - a);
  const at = new Map<string, PhaseDiagram['cells'][number]>();
  for (const c of p.cells) {
    const k = `${c.x}|${c.y}`;
    if (at.has(k)) return [];
    at.set(k, c);
  }
  if (xs.length === 0 || xs.length > 10 || ys.length > 16) return [];
  const cell = (c: PhaseDiagram['cells'][number] | undefined): Rich =>
    !c ? '' : p.kind === 'verdict' ? (c.verdict ? verdict(c.verdict) : '—') : fmtNum(c.value);
  return [
    { k: 'p', body: `${p.kind === 'verdict' ? 'Verdicts' : `Values (${p.colorLabel})`} as plotted: rows are ${p.yLabel}, columns ${p.xLabel}.` },
    {
      k: 'table',
      head: [`${p.yLabel} \\ ${p.xLabel}`, ...xs.map((x) => fmtNum(x))],
      align: ['r', ...xs.map((): Align => 'r')],
      rows: ys.map((y) => [strong(fmtNum(y)), ...xs.map((x) => cell(at.get(`${x}|${y}`)))]),
    },
  ];
}

export async function phaseBlocks(phases: readonly PhaseDiagram[], figures: FigureWriter): Promise<Block[]> {
  const out: Block[] = [];
  for (const p of phases) {
    out.push({ k: 'h', level: 3, text: p.title });
    if (p.kind === 'verdict') {
      const points = p.cells.flatMap((c) => (c.verdict ? [{ x: c.x, y: c.y, verdict: c.verdict }] : []));
      const missing = p.cells.length - points.length;
      out.push(
        ...(points.length
          ? await figures.figure('phase', p.id, p.title, () =>
              verdictMapSpec({ title: p.title, xLabel: p.xLabel, yLabel: p.yLabel, points, xLog: p.xLog, yLog: p.yLog }),
            )
          : [{ k: 'p' as const, body: 'No cell of this diagram has a verdict; nothing to draw.' }]),
      );
      if (missing > 0 && points.length) out.push({ k: 'p', body: `${missing} cell(s) without a verdict are not drawn.` });
    } else {
      out.push(
        ...(p.cells.length
          ? await figures.figure('phase', p.id, p.title, () =>
              heatmapSpec({
                title: p.title, xLabel: p.xLabel, yLabel: p.yLabel, colorLabel: p.colorLabel,
                cells: p.cells.map((c) => ({ x: c.x, y: c.y, value: c.value, ...(c.label !== undefined ? { label: c.label } : {}) })),
                xLog: p.xLog, yLog: p.yLog, ...(p.colorDomain ? { colorDomain: p.colorDomain } : {}),
              }),
            )
          : [{ k: 'p' as const, body: 'This diagram has no cells; nothing to draw.' }]),
      );
    }
    if (p.note) out.push({ k: 'p', body: p.note });
    out.push(...phaseGridTable(p));
    out.push({ k: 'p', body: 'Reproduce:' }, { k: 'code', text: p.command, lang: 'sh' });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The verify report.

const SECTIONS = {
  verdicts: 'Verdicts',
  regions: 'Working regions and their provenance',
  calibrated: 'Calibrated constants',
  joint: 'Joint claims',
  cross: 'Cross-region matrices',
  audit: 'Assumption audit',
  phases: 'Phase diagrams',
  dynamics: 'Training dynamics',
  morris: 'Morris sensitivity',
  counterexamples: 'Minimal counterexamples',
  profile: 'Constants profile',
} as const;

const VERDICT_ORDER: readonly Verdict[] = VERDICTS;

/** e.g. "holds 100% [95, 100] (72 decisive of 72 units, 6 regimes)" or "infeasible (1 unit)"; inconclusive says what would settle it. */
function verdictCell(s: ClaimSummary | undefined): Span[] {
  if (!s) return [{ t: 'text', s: '—' }];
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  const units = s.decisive === s.units || s.decisive === 0 ? `(${plural(s.units, 'unit')}, ${plural(s.runs, 'regime')})` : `(${s.decisive} decisive of ${plural(s.units, 'unit')}, ${plural(s.runs, 'regime')})`;
  const rate = s.holdRate === null ? '' : ` ${fmtPct(s.holdRate)} ${fmtCi(s.ci)}`;
  const why = s.holdRate === null && s.notes?.length ? `: ${s.notes.join('; ')}` : '';
  const settle = s.verdict === 'inconclusive' && s.unitsToSettle ? `; ~${s.unitsToSettle} more decisive units would settle it` : '';
  const derived = s.derivedFrom ? ` — derived from ${s.derivedFrom}, not independent evidence` : '';
  return [verdict(s.verdict), { t: 'text', s: `${rate} ${units}${why}${settle}${derived}` }];
}

function robustnessCell(s: ClaimSummary | undefined): Span[] {
  if (!s) return [{ t: 'text', s: '—' }];
  const h = s.byHypotheses;
  return [...verdictCell(s), { t: 'text', s: `; breaks: ${h.inside.breaks} inside, ${h.outside.breaks} outside the hypotheses` }];
}

function otherVerdicts(s: ClaimSummary): string {
  const rest = VERDICT_ORDER.filter((v) => v !== 'holds' && v !== 'breaks' && (s.counts?.[v] ?? 0) > 0);
  return rest.length ? rest.map((v) => `${s.counts[v]} ${v}`).join(', ') : '—';
}

function groupClaims(claims: readonly ClaimSummary[]): { id: string; tiers: Partial<Record<Tier, ClaimSummary>> }[] {
  const out = new Map<string, Partial<Record<Tier, ClaimSummary>>>();
  for (const c of claims) {
    const tiers = out.get(c.id) ?? {};
    tiers[c.tier] = c;
    out.set(c.id, tiers);
  }
  return [...out].map(([id, tiers]) => ({ id, tiers }));
}

const TIER_TEXT: Record<Tier, string> = {
  literal: "the paper's hypotheses with the profile's explicit constants; `infeasible` where they cannot be met at an affordable size (with the size they need)",
  paper: 'the settings where the paper or its review thread says the claim was observed (named presets), over drawn seeds',
  working: "a region the suite chose where the literal hypotheses are unaffordable: NOT the paper's hypotheses (its bounds and their provenance are listed below)",
  robustness: 'across and beyond the hypotheses (small widths, step sizes over decades, other noise levels, q and flip rates): where the claim stops holding',
};

function verdictBlocks(summary: VerifySummary): Block[] {
  const out: Block[] = [section(SECTIONS.verdicts)];
  if (!summary.claims.length) return [...out, { k: 'p', body: 'No claim was checked in this run.' }];
  const settings = summary.profile?.settings;
  const groups = groupClaims(summary.claims);
  out.push({
    k: 'table',
    head: ['Claim', 'Source', 'Title', ...TIERS.map((t) => `${t[0].toUpperCase()}${t.slice(1)} tier`)],
    align: ['l', 'l', 'l', 'l', 'l', 'l', 'l'],
    rows: groups.map(({ id, tiers }) => {
      const any = (TIERS.map((t) => tiers[t]).find(Boolean)) as ClaimSummary;
      return [code(id), any.source, any.title, ...TIERS.map((t) => (t === 'robustness' ? robustnessCell(tiers[t]) : verdictCell(tiers[t])))];
    }),
  });
  out.push({ k: 'list', items: TIERS.map((t) => [{ t: 'strong', s: t } as Span, { t: 'text', s: `: ${TIER_TEXT[t]}` } as Span]) });
  if (settings) {
    const k = summary.claims[0]?.judgedTogether ?? 1;
    out.push({
      k: 'p',
      body:
        `A unit is one regime and seed (a deterministic claim has one unit per regime). Hold rate = holds / (holds + breaks + not-reached) ` +
        `over the units; a unit whose event was not reached counts against the claim. The interval in brackets is the Clopper-Pearson ` +
        `interval at confidence 1 - ${fmtNum(settings.alpha)}/${k} (${k} verdicts were judged together in this run: Bonferroni, so all ` +
        `intervals cover jointly with probability at least ${fmtPct(1 - settings.alpha)}). A claim holds only when the lower bound reaches ` +
        `${fmtPct(settings.holdRateTarget)}, breaks when the upper bound is below it, and is otherwise inconclusive, with the number of ` +
        `further decisive units that would settle it at the observed rate. Tiers are reported separately and never merged.`,
    });
  }
  out.push({ k: 'h', level: 3, text: 'Verdict counts' });
  out.push({
    k: 'table',
    head: ['Claim', 'Tier', 'Regimes', 'Units', 'Holds', 'Breaks', 'Not reached', 'Other', 'To settle', 'Counterexamples', 'CPU time', 'Backends'],
    align: ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'l', 'r', 'r', 'r', 'l'],
    rows: summary.claims.map((s) => [
      code(s.id), s.tier, fmtNum(s.runs), fmtNum(s.units ?? s.runs), fmtNum(s.counts?.holds ?? 0), fmtNum(s.counts?.breaks ?? 0), fmtNum(s.counts?.['not-reached'] ?? 0),
      otherVerdicts(s).replace(/\b(\d+) not-reached, ?/, ''), s.verdict === 'inconclusive' && s.unitsToSettle ? fmtNum(s.unitsToSettle) : '—',
      fmtNum(s.counterexamples?.length ?? 0), fmtDuration(s.seconds), (s.backends ?? []).join(', '),
    ]),
  });
  return out;
}

function regionBlocks(decls: readonly ClaimDeclaration[]): Block[] {
  const out: Block[] = [
    section(SECTIONS.regions),
    {
      k: 'p',
      body:
        "The working tier draws from regions the suite chose where the papers' literal hypotheses are unaffordable. They are not the " +
        "papers' hypotheses. Each bound says where it comes from: paper (the clause it reads) or chosen (why); a chosen bound picked by " +
        'looking at results is also marked calibrated (fitted on the calibration seed stream, never on the seeds scored here). A claim ' +
        'that holds only inside bounds we tuned is reported as exactly that.',
    },
  ];
  for (const d of decls) {
    const notes: Rich[] = [['Tiers: ', d.tiers.join(', ')]];
    if (d.paperNote) notes.push(['Paper tier: ', d.paperNote]);
    if (d.links) notes.push(['Links (checked on the same runs): ', d.links.join(' -> ')]);
    if (d.derivedFrom) notes.push(['Derived from ', code(d.derivedFrom), ': reported, not counted as independent evidence']);
    if (d.undeclared.length) notes.push([alert('Constants without a declared provenance: '), d.undeclared.join(', ')]);
    if (!d.region.length && notes.length === 1 && !d.undeclared.length) continue;
    out.push({ k: 'h', level: 3, text: `${d.id}: region`, id: anchor(`${d.id} region`) });
    out.push({ k: 'list', items: notes });
    if (d.region.length) {
      out.push({
        k: 'table',
        head: ['Bound', 'Value', 'Provenance', 'Calibrated', 'Source or reason'],
        align: ['l', 'r', 'l', 'l', 'l'],
        rows: d.region.map((b) => [code(b.name), fmtNum(b.value), b.provenance ?? alert('undeclared'), b.calibrated ? strong('calibrated') : 'no', b.source ?? '—']),
      });
    }
  }
  return out;
}

function calibratedBlocks(decls: readonly ClaimDeclaration[]): Block[] {
  const rows = decls.flatMap((d) => d.calibrated.map((c) => [code(d.id), code(c.name), fmtNum(c.value), c.source ?? '—'] as Rich[]));
  return [
    section(SECTIONS.calibrated),
    {
      k: 'p',
      body: [
        'Constants chosen by looking at results. ', code('claimcheck calibrate <id>'), ' re-derives them on the calibration seed stream ',
        '(seeds above 2^30, never used to score) and writes a profile; the verdicts above were scored with the values below.',
      ],
    },
    rows.length ? { k: 'table', head: ['Claim', 'Constant', 'Value used', 'How it was chosen'], align: ['l', 'l', 'r', 'l'], rows } : { k: 'p', body: 'No claim in this run declares a calibrated constant.' },
  ];
}

function jointBlocks(claims: readonly ClaimSummary[]): Block[] {
  const out: Block[] = [
    section(SECTIONS.joint),
    { k: 'p', body: "A paper's chain of results checked on the same runs: each link at its own time point, a verdict per link and for the chain (a unit holds when every link holds on it)." },
  ];
  const joint = claims.filter((c) => c.links && Object.keys(c.links).length);
  if (!joint.length) return [...out, { k: 'p', body: 'No joint claim was checked in this run.' }];
  for (const c of joint) {
    out.push({ k: 'h', level: 3, text: `${c.id} (${c.tier} tier)`, id: anchor(`${c.id} ${c.tier} links`) });
    out.push({
      k: 'table',
      head: ['Link', 'Verdict', 'Hold rate', 'Units', 'Other'],
      align: ['l', 'l', 'l', 'r', 'l'],
      rows: [
        ...Object.entries(c.links ?? {}).map(([id, l]) => [code(id), verdict(l.claimVerdict), l.rate === null ? '—' : `${fmtPct(l.rate)} ${fmtCi(l.ci)}`, fmtNum(l.decisive), Object.entries(l.counts).filter(([v, n]) => n > 0 && v !== 'holds' && v !== 'breaks').map(([v, n]) => `${n} ${v}`).join(', ') || '—'] as Rich[]),
        [strong('chain'), verdict(c.verdict), c.holdRate === null ? '—' : `${fmtPct(c.holdRate)} ${fmtCi(c.ci)}`, fmtNum(c.decisive), otherVerdicts(c)],
      ],
    });
  }
  return out;
}

function crossBlocks(matrices: readonly CrossRegionMatrix[]): Block[] {
  const out: Block[] = [
    section(SECTIONS.cross),
    {
      k: 'p',
      body:
        "Each row's predicate evaluated on regimes drawn from the column claim's working region (the row claim's hypotheses reported, " +
        'not enforced). The diagonal is the claim\'s own working tier (corrected for multiplicity); off-diagonal cells are descriptive ' +
        '(uncorrected 1 - alpha intervals). Links of a chain that hold on the diagonal but break off it hold in disjoint regions at these sizes.',
    },
  ];
  if (!matrices.length) return [...out, { k: 'p', body: 'No cross-region matrix in this run.' }];
  for (const m of matrices) {
    out.push({ k: 'h', level: 3, text: `Paper ${m.paper}`, id: anchor(`cross region paper ${m.paper}`) });
    out.push({
      k: 'table',
      head: ['Predicate (row) in the region of (column)', ...m.claims],
      align: ['l', ...m.claims.map(() => 'l' as Align)],
      rows: m.claims.map((x) => [code(x), ...m.claims.map((y) => {
        const c = m.cells.find((q) => q.claim === x && q.region === y);
        if (!c || c.verdict === 'not run') return '—';
        const rate = c.holdRate === null ? '' : ` ${fmtPct(c.holdRate)} (${(c.counts.holds ?? 0)}/${(c.counts.holds ?? 0) + (c.counts.breaks ?? 0) + (c.counts['not-reached'] ?? 0)})`;
        return [verdict(c.verdict as Verdict), rate] as Rich;
      })]),
    });
    const disjoint = m.claims.flatMap((x) => m.claims.filter((y) => y !== x).map((y) => [x, y] as const)).filter(([x, y]) => {
      const own = m.cells.find((q) => q.claim === x && q.region === x);
      const other = m.cells.find((q) => q.claim === x && q.region === y);
      return own?.verdict === 'holds' && other && (other.counts.breaks ?? 0) + (other.counts['not-reached'] ?? 0) > 0;
    });
    if (disjoint.length) {
      out.push({ k: 'p', body: ['Finding: ', ...disjoint.flatMap(([x, y], i) => [...(i ? ['; '] : []), code(x), ' holds in its own region but breaks in ', code(y), "'s"]), '.'] });
    }
  }
  return out;
}

function auditBlocks(audits: readonly AuditEntry[]): Block[] {
  const out: Block[] = [
    section(SECTIONS.audit),
    { k: 'p', body: "The claims' hypotheses evaluated, clause by clause, at the papers' own settings (presets)." },
  ];
  if (!audits.length) return [...out, { k: 'p', body: 'No preset was audited in this run.' }];
  for (const a of audits) {
    out.push({ k: 'h', level: 3, text: `Preset ${a.preset}` });
    out.push({ k: 'p', body: [a.description ? `${a.description}. ` : '', `SNR = ${fmtNum(a.snr)}, n·SNR² = ${fmtNum(a.nSnr2)}.`] });
    if (!a.audits.length) {
      out.push({ k: 'p', body: 'No claim was audited at this preset.' });
      continue;
    }
    out.push({
      k: 'list',
      items: a.audits.map((c) => [
        code(c.claim), ` ${c.title}: `,
        ...(c.holds ? ['all hypotheses hold'] : [alert('FAIL'), ' (violated: ', ...c.violated.flatMap((v, i) => [...(i ? [', '] : []), code(v)]), ')']),
      ]),
    });
    out.push({
      k: 'table',
      head: ['Claim', 'Clause', 'Condition', 'lhs', 'rhs', 'Status'],
      align: ['l', 'l', 'l', 'r', 'r', 'l'],
      rows: a.audits.flatMap((c) =>
        c.clauses.map((cl) => [code(c.claim), code(cl.id), cl.text, fmtNum(cl.lhs), fmtNum(cl.rhs), cl.holds ? 'ok' : alert('FAIL')]),
      ),
    });
  }
  return out;
}

async function dynamicsBlocks(dynamics: readonly DynamicsFigure[], figures: FigureWriter): Promise<Block[]> {
  const out: Block[] = [section(SECTIONS.dynamics)];
  if (!dynamics.length) return [...out, { k: 'p', body: 'No dynamics figure in this run.' }];
  for (const d of dynamics) {
    out.push({ k: 'h', level: 3, text: d.title });
    out.push(
      ...(await figures.figure('dynamics', d.id, d.title, () =>
        lineChartSpec({
          title: d.title, xLabel: d.xLabel, yLabel: d.yLabel, logY: d.logY ?? false,
          series: d.series.map((s) => ({ name: s.name, points: s.points })),
        }),
      )),
    );
    if (d.source) out.push({ k: 'p', body: ['Source: ', d.source] });
    out.push({ k: 'p', body: 'Reproduce:' }, { k: 'code', text: d.command, lang: 'sh' });
  }
  return out;
}

function byMuStar(a: { name: string; muStar: number }, b: { name: string; muStar: number }): number {
  const ka = Number.isFinite(a.muStar) ? a.muStar : -Infinity;
  const kb = Number.isFinite(b.muStar) ? b.muStar : -Infinity;
  return kb - ka || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

async function morrisBlocks(morris: readonly MorrisClaimResult[], figures: FigureWriter): Promise<Block[]> {
  const out: Block[] = [
    section(SECTIONS.morris),
    {
      k: 'p',
      body:
        'Morris elementary effects of each knob on the claim\'s margin: μ* (mean absolute effect) ranks how much a knob moves the ' +
        'margin, μ its signed mean, σ how much the effect varies across the space (non-linearity or interaction). Effects are per ' +
        'unit of the knob\'s range on its scale.',
    },
  ];
  if (!morris.length) return [...out, { k: 'p', body: 'No sensitivity analysis in this run.' }];
  for (const m of morris) {
    const factors = [...m.factors].sort(byMuStar);
    out.push({ k: 'h', level: 3, text: `${m.claim}: ${m.output}` });
    out.push({
      k: 'p',
      body: `${fmtNum(m.trajectories)} trajectories, ${fmtNum(m.evaluations)} evaluations (${fmtNum(m.missing)} without a margin). Ranking: ${m.ranking.join(' > ') || '—'}.`,
    });
    out.push({ k: 'p', body: ['Base regime: ', code(fmtRegime(m.base))] });
    const bars = factors
      .filter((f) => Number.isFinite(f.muStar))
      .map((f) => ({
        label: f.name, value: f.muStar,
        ...(f.muStarCi && Number.isFinite(f.muStarCi[0]) && Number.isFinite(f.muStarCi[1]) ? { lo: f.muStarCi[0], hi: f.muStarCi[1] } : {}),
      }));
    const title = `Morris sensitivity of ${m.claim}`;
    if (bars.length) {
      out.push(...(await figures.figure('morris', m.claim, title, () => barChartSpec({ title, xLabel: 'factor', yLabel: 'μ* (with CI)', bars }))));
    }
    out.push({
      k: 'table',
      head: ['Factor', 'Range', 'Scale', 'μ', 'μ*', 'μ* CI', 'σ', 'n'],
      align: ['l', 'l', 'l', 'r', 'r', 'r', 'r', 'r'],
      rows: factors.map((f) => [
        code(f.name), `[${fmtNum(f.lo)}, ${fmtNum(f.hi)}]`, f.scale, fmtNum(f.mu), fmtNum(f.muStar),
        f.muStarCi ? `[${fmtNum(f.muStarCi[0])}, ${fmtNum(f.muStarCi[1])}]` : '—', fmtNum(f.sigma), fmtNum(f.n),
      ]),
    });
  }
  return out;
}

/** What shrinking changed, e.g. "d: 2000 -> 320, n: 40 -> 12". */
function shrinkChanges(from: Regime, to: Regime): string {
  const keys = [...new Set([...Object.keys(from), ...Object.keys(to)])];
  const changed = keys.filter((k) => from[k] !== to[k]).map((k) => `${k}: ${fmtNum(from[k])} -> ${fmtNum(to[k])}`);
  return changed.length ? changed.join(', ') : 'nothing (the draw was already minimal)';
}

function counterexampleBlocks(claims: readonly ClaimSummary[]): Block[] {
  const out: Block[] = [
    section(SECTIONS.counterexamples),
    {
      k: 'p',
      body: 'Breaking regimes found by the draws, shrunk by fast-check to a smaller regime that still breaks. Each replays with its command.',
    },
  ];
  const withCx = claims.filter((c) => c.counterexamples?.length);
  if (!withCx.length) return [...out, { k: 'p', body: 'No breaking regime was found in this run.' }];
  for (const c of withCx) {
    out.push({ k: 'h', level: 3, text: `${c.id} (${c.tier} tier): ${c.counterexamples.length} counterexample${c.counterexamples.length > 1 ? 's' : ''}` });
    c.counterexamples.forEach((x: Counterexample, i) => {
      out.push({ k: 'h', level: 4, text: `${c.id} ${c.tier} #${i + 1}` });
      const items: Rich[] = [
        ['Regime: ', code(fmtRegime(x.regime))],
        ['Verdict: ', verdict(x.verdict), `, margin ${fmtNum(x.margin)}`],
      ];
      if (x.note) items.push(['Note: ', x.note]);
      items.push(['Seed ', code(String(x.seed)), ', path ', code(x.path)]);
      if (x.from) {
        items.push(['Shrunk from path ', code(x.from.path), ` in ${fmtNum(x.shrinkEvaluations)} evaluations: `, code(fmtRegime(x.from.regime))]);
        items.push(['Changed by shrinking: ', shrinkChanges(x.from.regime, x.regime)]);
      }
      out.push({ k: 'list', items }, { k: 'code', text: x.replay, lang: 'sh' });
    });
  }
  return out;
}

function profileBlocks(profile: ProfileInfo): Block[] {
  const out: Block[] = [section(SECTIONS.profile)];
  if (!profile) return [...out, { k: 'p', body: 'The summary has no constants profile.' }];
  out.push({ k: 'p', body: ['Profile ', code(profile.name), ' from ', code(profile.file), '. Values are printed in full.'] });
  out.push({
    k: 'table',
    head: ['Setting', 'Value'],
    align: ['l', 'r'],
    rows: Object.entries(profile.settings ?? {}).map(([k, v]) => [code(k), String(v)]),
  });
  const rows = Object.entries(profile.claims ?? {}).flatMap(([claim, cs]) => Object.entries(cs).map(([k, v]) => [code(claim), code(k), String(v)]));
  out.push(
    rows.length
      ? { k: 'table', head: ['Claim', 'Constant', 'Value'], align: ['l', 'l', 'r'], rows }
      : { k: 'p', body: 'No claim constants in this profile.' },
  );
  return out;
}

/** Renders a verify run into `dir/report.md`, `dir/report.html` and `dir/figures/`. Returns every file written. */
export async function renderVerifyReport(dir: string, summary: VerifySummary): Promise<{ files: string[] }> {
  const figures = new FigureWriter(dir);
  const run = summary.run;
  const profile = summary.profile;
  const header: Block[] = [
    { k: 'h', level: 1, text: `claimcheck verify report: ${run.runId}` },
    {
      k: 'list',
      items: [
        ...runInfoItems(run),
        profile ? ['Constants profile: ', code(profile.name), ' (', code(profile.file), ')'] : 'Constants profile: —',
      ],
    },
    contents(Object.values(SECTIONS)),
  ];
  const blocks: Block[] = [
    ...header,
    ...verdictBlocks(summary),
    ...regionBlocks(summary.declarations ?? []),
    ...calibratedBlocks(summary.declarations ?? []),
    ...jointBlocks(summary.claims ?? []),
    ...crossBlocks(summary.crossRegion ?? []),
    ...auditBlocks(summary.audits ?? []),
    section(SECTIONS.phases),
    ...((summary.phases ?? []).length ? await phaseBlocks(summary.phases, figures) : [{ k: 'p' as const, body: 'No phase diagram in this run.' }]),
    ...(await dynamicsBlocks(summary.dynamics ?? [], figures)),
    ...(await morrisBlocks(summary.morris ?? [], figures)),
    ...counterexampleBlocks(summary.claims ?? []),
    ...profileBlocks(profile),
  ];
  return writeDocuments(dir, `claimcheck verify report: ${run.runId}`, blocks, figures);
}
