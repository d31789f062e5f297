/**
 * Tiny server-side charts: pure functions that turn numbers into SVG geometry. The partials
 * views/partials/bar-chart.ejs and line-chart.ejs draw it, escaping every text through `<%= %>`.
 * Readable without colour: each bar and point carries its value as text, series differ by dash
 * pattern and marker shape, and the svg has a <title> and a <desc> listing every number.
 */
export interface BarInput {
  label: string;
  value: number;
}

export interface BarChartModel {
  width: number;
  height: number;
  title: string;
  desc: string;
  labelWidth: number;
  bars: { label: string; value: number; valueText: string; x: number; y: number; w: number; h: number; textY: number; valueX: number }[];
}

const BAR_ROW = 28;
const BAR_HEIGHT = 18;
const PAD = 8;

function fmt(value: number, unit: string): string {
  const v = Number.isInteger(value) ? String(value) : value.toFixed(1);
  return unit ? `${v} ${unit}` : v;
}

/** Horizontal bars (long Chinese labels fit on the left); lengths proportional to the largest value. */
export function barChartModel(opts: { title: string; bars: BarInput[]; unit?: string; width?: number; labelWidth?: number }): BarChartModel {
  const width = opts.width ?? 560;
  const labelWidth = opts.labelWidth ?? 150;
  const unit = opts.unit ?? '';
  const valueSpace = 70;
  const plot = width - labelWidth - valueSpace - PAD;
  const max = Math.max(0, ...opts.bars.map((b) => b.value));
  const bars = opts.bars.map((b, i) => {
    const w = max > 0 ? Math.round((Math.max(0, b.value) / max) * plot * 10) / 10 : 0;
    const y = PAD + i * BAR_ROW;
    return {
      label: b.label,
      value: b.value,
      valueText: fmt(b.value, unit),
      x: labelWidth,
      y,
      w,
      h: BAR_HEIGHT,
      textY: y + BAR_HEIGHT - 4,
      valueX: labelWidth + w + 6,
    };
  });
  return {
    width,
    height: PAD * 2 + Math.max(1, opts.bars.length) * BAR_ROW,
    title: opts.title,
    desc: opts.bars.length ? opts.bars.map((b) => `${b.label} ${fmt(b.value, unit)}`).join('；') : '无数据',
    labelWidth,
    bars,
  };
}

export interface SeriesInput {
  name: string;
  values: number[];
}

export interface LineChartModel {
  width: number;
  height: number;
  title: string;
  desc: string;
  axis: { x1: number; x2: number; y: number; top: number };
  xLabels: { text: string; x: number; y: number }[];
  series: {
    name: string;
    /** stroke-dasharray: solid, dashed, dotted … so series differ without colour. */
    dash: string;
    marker: 'circle' | 'square' | 'diamond';
    path: string;
    points: { x: number; y: number; value: number; labelY: number }[];
    legend: { x: number; y: number };
  }[];
}

const DASHES = ['none', '6 4', '2 3'];
const MARKERS = ['circle', 'square', 'diamond'] as const;

/** One line per series over the categories (months); y from 0 to the largest value. */
export function lineChartModel(opts: { title: string; categories: string[]; series: SeriesInput[]; width?: number }): LineChartModel {
  const width = opts.width ?? 560;
  const height = 240;
  const left = 30;
  const right = width - 20;
  const top = 44;
  const bottom = height - 30;
  const max = Math.max(0, ...opts.series.flatMap((s) => s.values));
  const n = opts.categories.length;
  const xOf = (i: number) => (n <= 1 ? (left + right) / 2 : left + ((right - left) * i) / (n - 1));
  const yOf = (v: number) => (max > 0 ? bottom - ((bottom - top) * Math.max(0, v)) / max : bottom);
  const r = (v: number) => Math.round(v * 10) / 10;
  return {
    width,
    height,
    title: opts.title,
    desc:
      opts.categories
        .map((c, i) => `${c}：${opts.series.map((s) => `${s.name} ${s.values[i] ?? 0}`).join('，')}`)
        .join('；') || '无数据',
    axis: { x1: left, x2: right, y: bottom, top },
    xLabels: opts.categories.map((c, i) => ({ text: c, x: r(xOf(i)), y: height - 10 })),
    series: opts.series.map((s, k) => {
      const points = opts.categories.map((_, i) => {
        const value = s.values[i] ?? 0;
        const y = r(yOf(value));
        return { x: r(xOf(i)), y, value, labelY: r(y - 8 - k * 12) };
      });
      return {
        name: s.name,
        dash: DASHES[k % DASHES.length],
        marker: MARKERS[k % MARKERS.length],
        path: points.map((p, i) => `${i ? 'L' : 'M'}${p.x} ${p.y}`).join(' '),
        points,
        legend: { x: left + k * 150, y: 16 },
      };
    }),
  };
}
