import { SlaReport, SloResult } from './report-model';

const pct = (x: number | undefined, digits = 3): string => (x === undefined ? 'no data' : `${(x * 100).toFixed(digits)}%`);
const verdict = (r: SloResult): string => (r.metTarget === undefined ? 'no data' : r.metTarget ? 'met' : 'MISSED');

function durationText(minutes: number): string {
  const h = Math.floor(minutes / 60);
  return h > 0 ? `${h} h ${minutes % 60} min` : `${minutes} min`;
}

export function renderMarkdown(r: SlaReport): string {
  const breaches = r.slos.filter((s) => s.slaBreached);
  const lines = [
    `# SLA report: ${r.projectId}`,
    '',
    `Period: ${r.from} to ${r.to}. Contractual SLA: ${r.contractualSla}% (applies to SLOs matching "${r.slaMatch}").`,
    '',
    breaches.length === 0
      ? '**No SLA breach in the period.**'
      : `**SLA breached** by ${breaches.map((b) => `${b.slo.displayName} (${pct(b.attainment)})`).join(', ')}.`,
    '',
    '## Attainment per SLO',
    '',
    '| SLO | Service | Target | Attainment | Objective | Error budget spent | Good | Bad | SLA |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...r.slos.map(
      (s) =>
        `| ${s.slo.displayName} | ${s.slo.service} | ${pct(s.slo.goal, 2)} | ${pct(s.attainment)} | ${verdict(s)} | ${pct(s.budgetSpent, 1)} | ${s.good} | ${s.bad} | ${s.underSla ? (s.slaBreached ? 'BREACHED' : 'ok') : 'n/a'} |`,
    ),
    '',
    '## Incidents',
    '',
    ...(r.incidents.length === 0
      ? ['No burn-rate alert fired in the period.']
      : [
          '| Policy | Severity | Start | End | Duration |',
          '| --- | --- | --- | --- | --- |',
          ...r.incidents.map(
            (i) =>
              `| ${i.policy} | ${i.severity} | ${i.start} | ${i.openAtEnd ? `${i.end} (still open)` : i.end} | ${durationText(i.durationMinutes)} |`,
          ),
        ]),
    '',
    `Total incident time: ${durationText(r.incidents.reduce((s, i) => s + i.durationMinutes, 0))}.`,
    '',
    "Incidents are reconstructed from each burn-rate policy's own conditions on the recorded series (the Monitoring API does not list incidents).",
    '',
  ];
  return lines.join('\n');
}

const escape = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Daily attainment as an inline SVG line chart, with the target as a dashed line. */
export function attainmentChart(s: SloResult, width = 640, height = 200): string {
  const days = s.daily.filter((d) => d.good + d.bad > 0);
  const values = days.map((d) => d.good / (d.good + d.bad));
  const lowest = Math.min(s.slo.goal, ...values);
  const floor = Math.max(0, lowest - (1 - lowest) * 0.5);
  const pad = 32;
  const x = (i: number): number => pad + (days.length <= 1 ? 0 : (i * (width - 2 * pad)) / (days.length - 1));
  const y = (v: number): number => height - pad - ((v - floor) / (1 - floor || 1)) * (height - 2 * pad);
  const line = values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  const dots = values
    .map(
      (v, i) =>
        `<circle cx="${x(i).toFixed(1)}" cy="${y(v).toFixed(1)}" r="3" fill="${v < s.slo.goal ? '#c5221f' : '#1a73e8'}"><title>${escape(days[i].day.slice(0, 10))}: ${pct(v)}</title></circle>`,
    )
    .join('');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img" aria-label="Daily attainment of ${escape(s.slo.displayName)}">`,
    `<line x1="${pad}" x2="${width - pad}" y1="${y(s.slo.goal).toFixed(1)}" y2="${y(s.slo.goal).toFixed(1)}" stroke="#888" stroke-dasharray="4 4"/>`,
    `<text x="${width - pad}" y="${(y(s.slo.goal) - 4).toFixed(1)}" font-size="11" text-anchor="end" fill="#555">target ${pct(s.slo.goal, 2)}</text>`,
    `<text x="4" y="${pad - 8}" font-size="11" fill="#555">100%</text><text x="4" y="${height - pad + 14}" font-size="11" fill="#555">${pct(floor, 1)}</text>`,
    values.length > 1 ? `<polyline points="${line}" fill="none" stroke="#1a73e8" stroke-width="2"/>` : '',
    dots,
    '</svg>',
  ].join('');
}

/** Error budget spent as a horizontal bar (red past 100%). */
function budgetBar(s: SloResult): string {
  const spent = s.budgetSpent ?? 0;
  const w = Math.min(spent, 1.5) * 200;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="320" height="20" role="img" aria-label="Error budget spent"><rect x="0" y="4" width="300" height="12" fill="#eee"/><rect x="0" y="4" width="${w.toFixed(1)}" height="12" fill="${spent > 1 ? '#c5221f' : '#34a853'}"/><line x1="200" x2="200" y1="0" y2="20" stroke="#555"/></svg>`;
}

/** A self-contained page: inline CSS and SVG, no scripts, no external requests. */
export function renderHtml(r: SlaReport): string {
  const rows = r.slos
    .map(
      (s) => `<section class="slo">
<h3>${escape(s.slo.displayName)}</h3>
<p>Service ${escape(s.slo.service)} · target ${pct(s.slo.goal, 2)} · attainment <strong>${pct(s.attainment)}</strong> (${verdict(s)}) · error budget spent ${pct(s.budgetSpent, 1)} ${budgetBar(s)}${
        s.underSla
          ? ` · SLA ${r.contractualSla}%: <strong class="${s.slaBreached ? 'bad' : 'ok'}">${s.slaBreached ? 'BREACHED' : 'ok'}</strong>`
          : ''
      }</p>
${attainmentChart(s)}
</section>`,
    )
    .join('\n');
  const incidents =
    r.incidents.length === 0
      ? '<p>No burn-rate alert fired in the period.</p>'
      : `<table><thead><tr><th>Policy</th><th>Severity</th><th>Start</th><th>End</th><th>Duration (min)</th></tr></thead><tbody>${r.incidents
          .map(
            (i) =>
              `<tr><td>${escape(i.policy)}</td><td>${escape(i.severity)}</td><td>${i.start}</td><td>${i.end}${i.openAtEnd ? ' (still open)' : ''}</td><td>${i.durationMinutes}</td></tr>`,
          )
          .join('')}</tbody></table>`;
  const breaches = r.slos.filter((s) => s.slaBreached);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>SLA report ${escape(r.projectId)} ${escape(r.from)} – ${escape(r.to)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:60rem;color:#202124}table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.3rem .6rem;text-align:left}.bad{color:#c5221f}.ok{color:#188038}.slo{margin:1.5rem 0}</style>
</head><body>
<h1>SLA report: ${escape(r.projectId)}</h1>
<p>Period ${escape(r.from)} to ${escape(r.to)} · contractual SLA ${r.contractualSla}% (SLOs matching “${escape(r.slaMatch)}”)</p>
<p class="${breaches.length ? 'bad' : 'ok'}"><strong>${breaches.length ? `SLA breached by ${breaches.map((b) => escape(b.slo.displayName)).join(', ')}` : 'No SLA breach in the period'}</strong></p>
<h2>Attainment per SLO</h2>
${rows}
<h2>Incidents</h2>
${incidents}
</body></html>
`;
}
