import { type Block, type Rich, oneLine, spans, withAnchors } from './model';

/** The GitHub Markdown rendering of the document model (report.md): figures as PNG images. */

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

function mdImage(alt: string, name: string): string {
  return `![${mdEscape(alt)}](figures/${name}.png)`;
}

export function toMarkdown(blocks: readonly Block[]): string {
  const out = withAnchors(blocks).map((b) => {
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
        return mdImage(b.alt, b.name);
      case 'figures':
        // images in one paragraph sit side by side on GitHub
        return b.items.map((f) => mdImage(f.alt, f.name)).join('\n');
    }
  });
  return out.join('\n\n') + '\n';
}
