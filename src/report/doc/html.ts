import type { Config } from 'vega-lite';
import { type Block, type FigureBlock, type Rich, figureId, oneLine, spans, withAnchors } from './model';

/**
 * The HTML rendering of the document model (report.html): one page with every heading anchored.
 * A figure is its static SVG, replaced in the browser by a live Vega view of the same Vega-Lite spec
 * (tooltips, zoom) when the scripts in `assets/` load; nothing is loaded from the network, so the
 * folder works offline. Without scripts the static SVGs stay.
 */

/** The browser builds that draw the live figures, copied into `<run>/assets/` (see figureWriter.ts). */
export const EMBED_SCRIPTS = ['vega.min.js', 'vega-lite.min.js', 'vega-embed.min.js'] as const;

/** Escapes text for HTML element content and attribute values. */
export function htmlEscape(s: string): string {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** JSON safe inside a <script> element (no "</script>" or "<!--" can occur in it). */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
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

const CSS = `
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; line-height: 1.5; color: #1f2328; max-width: 1320px; margin: 2em auto; padding: 0 1.5em; }
h1, h2 { border-bottom: 1px solid #d0d7de; padding-bottom: .3em; }
h2 { margin-top: 2em; }
h2 a.self, h3 a.self, h4 a.self { visibility: hidden; margin-left: .3em; color: #8c959f; text-decoration: none; }
h2:hover a.self, h3:hover a.self, h4:hover a.self { visibility: visible; }
:target { scroll-margin-top: 1em; }
h2:target, h3:target, h4:target, tr:target td { background: #fff8c5; }
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
.figrow { display: flex; flex-wrap: wrap; gap: 0 1.5em; align-items: flex-start; }
.figrow figure { margin: .5em 0; }
img { max-width: 100%; height: auto; }
.v { font-weight: 600; }
.v-holds { color: #1a7f37; } .v-breaks { color: #cf222e; } .v-inconclusive { color: #6e7781; }
.v-vacuous { color: #0969da; } .v-diverged { color: #000000; } .v-budget { color: #bc4c00; }
.alert { color: #cf222e; }
#vg-tooltip-element { font-size: 12px; }
`.trim();

/** Draws every figure live with vega-embed (tooltips; zoom where the spec binds its scales); errors go to the console. */
const EMBED = `
(function () {
  if (typeof vegaEmbed !== 'function') return;
  var config = JSON.parse(document.getElementById('figure-config').textContent);
  document.querySelectorAll('figure[data-spec]').forEach(function (fig) {
    var spec = JSON.parse(document.getElementById(fig.getAttribute('data-spec')).textContent);
    var host = document.createElement('div');
    fig.insertBefore(host, fig.firstChild);
    vegaEmbed(host, spec, { actions: false, renderer: 'svg', config: config, tooltip: { theme: 'light' } })
      .then(function () { var img = fig.querySelector('img'); if (img) img.remove(); fig.classList.add('live'); })
      .catch(function (err) { host.remove(); console.error('figure ' + fig.id + ': ' + err); });
  });
})();
`.trim();

function figureHtml(f: FigureBlock): string {
  const id = figureId(f.name);
  const data = f.spec ? ` data-spec="spec-${htmlEscape(f.name)}"` : '';
  return `<figure id="${htmlEscape(id)}"${data}><img src="figures/${htmlEscape(f.name)}.svg" alt="${htmlEscape(oneLine(f.alt))}"></figure>`;
}

export function toHtml(title: string, blocks: readonly Block[], figureConfig: Config = {}): string {
  const anchored = withAnchors(blocks);
  const figures = anchored.flatMap((b) => (b.k === 'figure' ? [b] : b.k === 'figures' ? b.items : [])).filter((f) => f.spec);
  const body = anchored.map((b) => {
    switch (b.k) {
      case 'h': {
        const id = htmlEscape(b.id as string);
        const self = b.level > 1 ? `<a class="self" href="#${id}" aria-label="link to this section">#</a>` : '';
        return `<h${b.level} id="${id}">${htmlEscape(oneLine(b.text))}${self}</h${b.level}>`;
      }
      case 'p':
        return `<p>${htmlInline(b.body)}</p>`;
      case 'list':
        return `<ul>\n${b.items.map((it) => `<li>${htmlInline(it)}</li>`).join('\n')}\n</ul>`;
      case 'table': {
        const cls = (i: number) => (b.align?.[i] === 'r' ? ' class="r"' : '');
        const head = b.head.map((h, i) => `<th${cls(i)}>${htmlEscape(oneLine(h))}</th>`).join('');
        const rows = b.rows.map((r, j) => {
          const id = b.ids?.[j] ? ` id="${htmlEscape(b.ids[j] as string)}"` : '';
          return `<tr${id}>${b.head.map((_, i) => `<td${cls(i)}>${r[i] === undefined ? '' : htmlInline(r[i])}</td>`).join('')}</tr>`;
        });
        return `<div class="tw"><table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table></div>`;
      }
      case 'code':
        return `<pre><code>${htmlEscape(b.text)}</code></pre>`;
      case 'figure':
        return figureHtml(b);
      case 'figures':
        return `<div class="figrow">\n${b.items.map(figureHtml).join('\n')}\n</div>`;
    }
  });
  const scripts = figures.length
    ? [
        `<script type="application/json" id="figure-config">${scriptJson(figureConfig)}</script>`,
        ...figures.map((f) => `<script type="application/json" id="spec-${htmlEscape(f.name)}">${scriptJson(f.spec)}</script>`),
        ...EMBED_SCRIPTS.map((s) => `<script src="assets/${s}"></script>`),
        `<script>\n${EMBED}\n</script>`,
      ]
    : [];
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
    ...scripts,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
