import Handlebars from 'handlebars';

const esc = Handlebars.escapeExpression;

export interface Bar {
  label: string;
  value: number;
}

/**
 * Simple charts drawn on the server as SVG: no chart library, no CDN, readable without script.
 * Each carries a title and a description for screen readers; the page shows the numbers as a table too.
 */
export function barChart(title: string, bars: Bar[], unit = ''): string {
  const width = 420;
  const rowHeight = 26;
  const labelWidth = 90;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const rows = bars
    .map((b, i) => {
      const w = Math.round(((width - labelWidth - 50) * b.value) / max);
      const y = i * rowHeight;
      return `<text x="0" y="${y + 17}" class="chart-label">${esc(b.label)}</text><rect x="${labelWidth}" y="${y + 4}" width="${w}" height="${rowHeight - 8}" class="chart-bar" rx="2"></rect><text x="${labelWidth + w + 6}" y="${y + 17}" class="chart-value">${b.value}${esc(unit)}</text>`;
    })
    .join('');
  const description = bars.map((b) => `${b.label}: ${b.value}${unit}`).join(', ');
  return `<svg class="chart" viewBox="0 0 ${width} ${bars.length * rowHeight}" role="img" aria-label="${esc(`${title}. ${description}`)}"><title>${esc(title)}</title>${rows}</svg>`;
}

/** A line over time, e.g. the weekly average touch score; `max` fixes the scale (100 for a score). */
export function lineChart(title: string, points: Array<{ label: string; value: number }>, max = 100): string {
  const width = 420;
  const height = 160;
  const pad = 24;
  if (points.length === 0) return `<p class="empty">${esc(title)}: nothing to show yet.</p>`;
  const x = (i: number) => pad + (points.length === 1 ? (width - 2 * pad) / 2 : (i * (width - 2 * pad)) / (points.length - 1));
  const y = (v: number) => height - pad - ((height - 2 * pad) * v) / max;
  const path = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ');
  const dots = points
    .map((p, i) => `<circle cx="${x(i).toFixed(1)}" cy="${y(p.value).toFixed(1)}" r="3" class="chart-dot"><title>${esc(`${p.label}: ${p.value}`)}</title></circle>`)
    .join('');
  const axis = `<line x1="${pad}" y1="${height - pad}" x2="${width - pad}" y2="${height - pad}" class="chart-axis"></line><text x="0" y="${y(max) + 4}" class="chart-label">${max}</text><text x="0" y="${height - pad + 4}" class="chart-label">0</text>`;
  const ends = `<text x="${pad}" y="${height - 6}" class="chart-label">${esc(points[0]!.label)}</text><text x="${width - pad}" y="${height - 6}" class="chart-label" text-anchor="end">${esc(points[points.length - 1]!.label)}</text>`;
  const description = points.map((p) => `${p.label}: ${p.value}`).join(', ');
  return `<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(`${title}. ${description}`)}"><title>${esc(title)}</title>${axis}<path d="${path}" class="chart-line"></path>${dots}${ends}</svg>`;
}
