import type { TopLevelSpec } from 'vega-lite';
import type { Verdict } from '../../claims/types';

/**
 * The document model every report is built from: inline spans and blocks. The Markdown and HTML
 * renderers (markdown.ts, html.ts) turn the same list of blocks into both documents, so they always
 * say the same thing (fast-check's split of a result from its formatters).
 */

export type Span =
  | { t: 'text' | 'code' | 'strong' | 'alert'; s: string }
  | { t: 'verdict'; s: Verdict }
  | { t: 'link'; s: string; href: string };
export type Rich = string | Span | readonly (string | Span)[];
export type Align = 'l' | 'r';

/** A figure: its files are figures/<name>.svg|png; `spec` (the Vega-Lite spec) is embedded live in the HTML report. */
export interface FigureBlock {
  k: 'figure';
  name: string;
  alt: string;
  spec?: TopLevelSpec;
}

export type Block =
  | { k: 'h'; level: 1 | 2 | 3 | 4; text: string; id?: string }
  | { k: 'p'; body: Rich }
  | { k: 'list'; items: Rich[] }
  /** `ids`: an anchor per row (HTML only), so a link can land on one row */
  | { k: 'table'; head: string[]; align?: Align[]; rows: Rich[][]; ids?: (string | undefined)[] }
  | { k: 'code'; text: string; lang?: string }
  | FigureBlock
  /** figures side by side (wrapping on narrow pages) */
  | { k: 'figures'; items: FigureBlock[] };

export const text = (s: string): Span => ({ t: 'text', s });
export const code = (s: string): Span => ({ t: 'code', s });
export const strong = (s: string): Span => ({ t: 'strong', s });
export const alert = (s: string): Span => ({ t: 'alert', s });
export const verdict = (v: Verdict): Span => ({ t: 'verdict', s: v });
export const link = (s: string, href: string): Span => ({ t: 'link', s, href });

/** The spans of a rich text (plain strings become text spans). */
export function spans(r: Rich): Span[] {
  if (typeof r === 'string') return [{ t: 'text', s: r }];
  if (Array.isArray(r)) return (r as readonly (string | Span)[]).map((x) => (typeof x === 'string' ? { t: 'text', s: x } : x));
  return [r as Span];
}

/** Whitespace (newlines included) collapsed to single spaces: every span is one line of text. */
export function oneLine(s: string): string {
  return String(s).replace(/\s+/g, ' ');
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
export function anchor(text: string): string {
  return text.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
}

/** A link to the heading with this text (its GitHub anchor, which the HTML report uses as its id). */
export function linkTo(label: string, headingText: string): Span {
  return link(label, `#${anchor(headingText)}`);
}

/** A heading whose anchor is the one GitHub gives it, so links work in both formats. */
export function heading(level: 1 | 2 | 3 | 4, text: string): Block {
  return { k: 'h', level, text, id: anchor(text) };
}

/** A section heading (h2). */
export function section(text: string): Block {
  return heading(2, text);
}

export function contents(titles: readonly string[]): Block {
  return { k: 'p', body: ['Contents: ', ...titles.flatMap((t, i) => [...(i ? [' · '] : []), linkTo(t, t)])] };
}

/**
 * Every heading gets an id: its own, or its GitHub anchor, with "-1", "-2", ... on repeats as GitHub
 * does, so every sub-heading of either document can be linked to.
 */
export function withAnchors(blocks: readonly Block[]): Block[] {
  const used = new Map<string, number>();
  return blocks.map((b) => {
    if (b.k !== 'h') return b;
    const base = b.id ?? anchor(b.text);
    const n = used.get(base) ?? 0;
    used.set(base, n + 1);
    return { ...b, id: n ? `${base}-${n}` : base };
  });
}

/** The id of a figure's element in the HTML report. */
export function figureId(name: string): string {
  return `fig-${name}`;
}
