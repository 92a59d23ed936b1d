// Small inline-SVG charts: horizontal bars, stacked when there are several series.
import { svg } from "./dom.js";

const COLORS = ["#1f4e79", "#c77c02", "#a11d1d", "#116b35", "#6a3d9a", "#555"];

/// rows: [{label, values: [n, …]}]; series: names of the values (a legend is drawn when > 1).
export function barChart({ title, rows, series = ["count"], max = null, width = 520 }) {
  const barH = 18, gap = 8, labelW = Math.min(220, width * 0.45), top = series.length > 1 ? 24 : 4;
  const height = top + rows.length * (barH + gap) + 4;
  const peak = max || Math.max(1, ...rows.map((r) => r.values.reduce((a, b) => a + b, 0)));
  const scale = (width - labelW - 40) / peak;
  const node = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "chart", role: "img", "aria-label": title, width: "100%" });
  node.append(svg("title", { text: title }));
  if (series.length > 1) {
    series.forEach((s, i) => {
      node.append(svg("rect", { x: labelW + i * 110, y: 4, width: 12, height: 12, fill: COLORS[i % COLORS.length] }));
      node.append(svg("text", { x: labelW + i * 110 + 16, y: 14, text: s }));
    });
  }
  rows.forEach((row, r) => {
    const y = top + r * (barH + gap);
    const label = row.label.length > 34 ? row.label.slice(0, 33) + "…" : row.label;
    node.append(svg("text", { x: 0, y: y + barH - 5, text: label }));
    let x = labelW;
    row.values.forEach((v, i) => {
      if (v > 0) node.append(svg("rect", { x, y, width: Math.max(2, v * scale), height: barH, fill: COLORS[i % COLORS.length] }));
      x += v * scale;
    });
    node.append(svg("text", { x: x + 4, y: y + barH - 5, text: row.values.join(" / ") }));
  });
  return node;
}
