// Small inline-SVG charts: horizontal bars, stacked when there are several series. Each chart
// draws its title, and keeps room on the right for the value labels so none is clipped.
import { svg } from "./dom.js";

const COLORS = ["#1f4e79", "#c77c02", "#a11d1d", "#116b35", "#6a3d9a", "#555"];
const CHAR_WIDTH = 6.6; // average width of a 12 px system-ui glyph, for truncating labels

/// rows: [{label, values: [n, …]}]; series: names of the values (a legend is drawn when > 1).
export function barChart({ title, rows, series = ["count"], max = null, width = 560 }) {
  const barH = 18, gap = 8, labelW = Math.min(230, width * 0.42);
  const valueW = Math.max(...rows.map((r) => r.values.join(" / ").length), 1) * CHAR_WIDTH + 12;
  const legendH = series.length > 1 ? 20 : 0, top = 24 + legendH;
  const height = top + rows.length * (barH + gap) + 4;
  const peak = max || Math.max(1, ...rows.map((r) => r.values.reduce((a, b) => a + b, 0)));
  const scale = (width - labelW - valueW) / peak;
  const node = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "chart", role: "img", "aria-label": title, width: "100%" });
  node.append(svg("title", { text: title }));
  node.append(svg("text", { x: 0, y: 15, class: "chart-heading", text: title }));
  let legendX = 0;
  series.length > 1 && series.forEach((s, i) => {
    node.append(svg("rect", { x: legendX, y: 24, width: 12, height: 12, fill: COLORS[i % COLORS.length] }));
    node.append(svg("text", { x: legendX + 16, y: 34, text: s }));
    legendX += 16 + s.length * CHAR_WIDTH + 14;
  });
  const maxChars = Math.floor((labelW - 8) / CHAR_WIDTH);
  rows.forEach((row, r) => {
    const y = top + r * (barH + gap);
    const label = row.label.length > maxChars ? row.label.slice(0, maxChars - 1) + "…" : row.label;
    node.append(svg("text", { x: 0, y: y + barH - 5, text: label }, svg("title", { text: row.label })));
    let x = labelW;
    row.values.forEach((v, i) => {
      if (v > 0) node.append(svg("rect", { x, y, width: Math.max(2, v * scale), height: barH, fill: COLORS[i % COLORS.length] }));
      x += v * scale;
    });
    node.append(svg("text", { x: x + 4, y: y + barH - 5, text: row.values.join(" / ") }));
  });
  return node;
}
