import { createHash } from 'node:crypto';
import { AnalyticsData } from './collect';
import { ChartSpec } from './chart-spec';
import { chartSpecs } from './charts';
import { count, percent, score } from './format';
import { escapeHtml, jsonForScript } from './html';
import { sections } from './sections';

/**
 * Draws every chart from the inlined specs, then sets `data-charts-rendered` on <body> to the
 * number drawn (animation is off, so a chart is drawn when its constructor returns): the marker
 * tests and headless screenshots wait for.
 */
export const BOOTSTRAP_SCRIPT = `(function () {
  'use strict';
  var specs = JSON.parse(document.getElementById('chart-specs').textContent);
  var rendered = 0;
  specs.forEach(function (spec) {
    new window.Chart(document.getElementById('chart-' + spec.id), spec.config);
    rendered++;
  });
  document.body.dataset.chartsRendered = String(rendered);
})();`;

const STYLE = `body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:64rem;padding:0 1rem;color:#202124}
h2{margin-top:2.5rem;border-bottom:1px solid #dadce0}
.chart{position:relative;height:20rem}
table{border-collapse:collapse;margin:1rem 0;font-size:.9rem}caption{text-align:left;font-weight:600;padding:.3rem 0}
td,th{border:1px solid #dadce0;padding:.25rem .5rem;text-align:left;vertical-align:top}td.num,th.num{text-align:right}
.summary td{font-weight:600}.empty{color:#5f6368}figure{margin:1rem 0}`;

const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

function summaryTable(d: AnalyticsData): string {
  const s = d.summary;
  const cells: Array<[string, string]> = [
    ['Turns', count(s.turns)],
    ['Conversations', count(s.conversations)],
    ['Mean quality', score(s.meanQuality)],
    ['No-match rate', percent(s.noMatchRate)],
    ['Escalation rate', percent(s.escalationRate)],
    ['Feedback', count(s.feedback)],
    ['Mean feedback score', score(s.meanFeedbackScore)],
    ['Negative comments', count(s.negativeComments)],
  ];
  return `<table class="summary"><caption>The period at a glance</caption><tbody>${cells
    .map(([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th><td class="num">${escapeHtml(v)}</td></tr>`)
    .join('')}</tbody></table>`;
}

function figure(spec: ChartSpec | undefined, title: string): string {
  if (!spec) return `<p class="empty">No data in the period for this chart.</p>`;
  return `<figure><div class="chart"><canvas id="chart-${escapeHtml(spec.id)}" role="img" aria-label="${escapeHtml(spec.ariaLabel)}"></canvas></div><figcaption>${escapeHtml(title)}: the table below has the numbers.</figcaption></figure>`;
}

/**
 * The whole report as one HTML file: Chart.js and the data inlined, no request to anything. A
 * Content-Security-Policy allows only the two scripts written here (by hash) and the stylesheet,
 * so markup that ever slipped past escaping still could not run.
 */
export function renderAnalyticsHtml(d: AnalyticsData, chartLibrary: string): string {
  const charts = chartSpecs(d);
  const body = sections(d)
    .map(
      (s) => `<section id="${escapeHtml(s.id)}" aria-labelledby="${escapeHtml(s.id)}-title">
<h2 id="${escapeHtml(s.id)}-title">${escapeHtml(s.title)}</h2>
<p>${escapeHtml(s.description)}</p>
${figure(charts.get(s.id), s.title)}
${s.tables}
</section>`,
    )
    .join('\n');
  const csp = [`default-src 'none'`, `script-src ${sha256(chartLibrary)} ${sha256(BOOTSTRAP_SCRIPT)}`, `style-src ${sha256(STYLE)}`].join(
    '; ',
  );
  const title = `Conversation analytics ${d.from.slice(0, 10)} to ${d.to.slice(0, 10)}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head><body>
<h1>Conversation analytics</h1>
<p>Period ${escapeHtml(d.from)} to ${escapeHtml(d.to)} (end exclusive; days in UTC). Comments are shown as stored: redacted before they were written.</p>
${summaryTable(d)}
${body}
<script type="application/json" id="chart-specs">${jsonForScript([...charts.values()])}</script>
<script>${chartLibrary}</script>
<script>${BOOTSTRAP_SCRIPT}</script>
</body></html>
`;
}
