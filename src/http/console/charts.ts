// Charts drawn on the server as SVG: nothing to download, nothing to run.
// Each is an image with a title and a description for screen readers, and
// the same figures as a table just below it.
import { html, type SafeHtml } from '../pages/html.js';

export interface Series {
  name: string;
  /** A class from console.css that colours it (chart-a, chart-b, chart-c). */
  tone: string;
  values: number[];
}

export interface ChartInput {
  id: string;
  title: string;
  description: string;
  labels: string[];
  series: Series[];
  kind: 'bars' | 'stacked' | 'line';
  /** Heading of the table's first column. */
  labelName: string;
  /** How to write a value in the table (rates as percentages). */
  format?: (value: number) => string;
}

const WIDTH = 720;
const HEIGHT = 220;
const PAD = { top: 12, right: 12, bottom: 28, left: 44 };

function niceMax(value: number): number {
  if (value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 5, 10].map((m) => m * magnitude).find((m) => m >= value) ?? value;
}

function plot(input: ChartInput): SafeHtml[] {
  const n = input.labels.length;
  const innerW = WIDTH - PAD.left - PAD.right;
  const innerH = HEIGHT - PAD.top - PAD.bottom;
  const totals = input.labels.map((_, i) =>
    input.kind === 'stacked'
      ? input.series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0)
      : Math.max(0, ...input.series.map((s) => s.values[i] ?? 0)),
  );
  const max = niceMax(Math.max(0, ...totals));
  const y = (value: number) => PAD.top + innerH - (value / max) * innerH;
  const step = innerW / Math.max(n, 1);
  const parts: SafeHtml[] = [];
  for (const tick of [0, max / 2, max]) {
    parts.push(
      html`<line class="chart-grid" x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${y(tick)}" y2="${y(tick)}"/>`,
    );
    parts.push(
      html`<text class="chart-axis" x="${PAD.left - 6}" y="${y(tick) + 4}" text-anchor="end">${input.format ? input.format(tick) : Math.round(tick)}</text>`,
    );
  }
  const labelEvery = Math.max(1, Math.ceil(n / 8));
  input.labels.forEach((label, i) => {
    if (i % labelEvery === 0)
      parts.push(
        html`<text class="chart-axis" x="${PAD.left + step * i + step / 2}" y="${HEIGHT - 8}" text-anchor="middle">${label.slice(5)}</text>`,
      );
  });
  if (input.kind === 'line') {
    for (const s of input.series) {
      const points = s.values
        .map((v, i) => `${(PAD.left + step * i + step / 2).toFixed(1)},${y(v).toFixed(1)}`)
        .join(' ');
      parts.push(html`<polyline class="chart-line ${s.tone}" points="${points}"/>`);
    }
    return parts;
  }
  const barW = Math.max(1, step * 0.7);
  input.labels.forEach((_, i) => {
    let base = 0;
    input.series.forEach((s, k) => {
      const value = s.values[i] ?? 0;
      if (!value) return;
      const width = input.kind === 'stacked' ? barW : barW / input.series.length;
      const x = PAD.left + step * i + (step - barW) / 2 + (input.kind === 'stacked' ? 0 : width * k);
      const top = y(base + value);
      parts.push(
        html`<rect class="${s.tone}" x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${width.toFixed(1)}" height="${(y(base) - top).toFixed(1)}"/>`,
      );
      if (input.kind === 'stacked') base += value;
    });
  });
  return parts;
}

export function renderChart(input: ChartInput): SafeHtml {
  const format = input.format ?? String;
  const legend = input.series.map(
    (s) => html`<li><span class="swatch ${s.tone}" aria-hidden="true"></span>${s.name}</li>`,
  );
  const rows = input.labels.map(
    (label, i) =>
      html`<tr><th scope="row">${label}</th>${input.series.map((s) => html`<td>${format(s.values[i] ?? 0)}</td>`)}</tr>`,
  );
  return html`<figure class="chart">
<svg viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-labelledby="${input.id}-title ${input.id}-desc" preserveAspectRatio="none">
<title id="${input.id}-title">${input.title}</title>
<desc id="${input.id}-desc">${input.description}</desc>
${plot(input)}
</svg>
${input.series.length > 1 ? html`<ul class="chart-legend">${legend}</ul>` : ''}
<details class="chart-table"><summary>${input.title}: the figures</summary>
<div class="table-scroll"><table><thead><tr><th scope="col">${input.labelName}</th>${input.series.map((s) => html`<th scope="col">${s.name}</th>`)}</tr></thead><tbody>${rows}</tbody></table></div>
</details>
</figure>`;
}
