import path from 'node:path';
import ejs from 'ejs';
import { VIEWS_DIR } from '../../src/paths';
import { barChartModel, lineChartModel } from '../../src/web/charts';

const render = (partial: string, data: object) => ejs.renderFile(path.join(VIEWS_DIR, 'partials', `${partial}.ejs`), data);

describe('SVG charts', () => {
  it('when bars are drawn, then lengths are proportional to the largest value and zero is an empty bar', () => {
    const m = barChartModel({ title: 't', bars: [{ label: 'a', value: 10 }, { label: 'b', value: 5 }, { label: 'c', value: 0 }], width: 560, labelWidth: 150 });
    const plot = 560 - 150 - 70 - 8;
    expect(m.bars.map((b) => b.w)).toEqual([plot, plot / 2, 0]);
    expect(m.bars.map((b) => b.y)).toEqual([8, 36, 64]);
    expect(m.height).toBe(8 * 2 + 3 * 28);
    expect(m.bars[1].valueX).toBe(150 + plot / 2 + 6);
  });

  it('when every value is zero or there are no bars, then nothing divides by zero', () => {
    expect(barChartModel({ title: 't', bars: [{ label: 'a', value: 0 }] }).bars[0].w).toBe(0);
    expect(barChartModel({ title: 't', bars: [] })).toMatchObject({ bars: [], desc: '无数据' });
    const line = lineChartModel({ title: 't', categories: ['2026-11'], series: [{ name: 's', values: [0] }] });
    expect(line.series[0].points[0]).toMatchObject({ x: 285, y: line.axis.y });
  });

  it('when a bar chart is rendered, then it is an accessible svg with every label and value as text', async () => {
    const chart = barChartModel({ title: '当前各阶段办件数', bars: [{ label: '已收件', value: 3 }, { label: '审查中', value: 1.25 }], unit: '件' });
    const svg = await render('bar-chart', { chart, id: 'c1' });
    expect(svg).toContain('role="img"');
    expect(svg).toContain('aria-labelledby="c1-title c1-desc"');
    expect(svg).toContain('<title id="c1-title">当前各阶段办件数</title>');
    expect(svg).toContain('<desc id="c1-desc">已收件 3 件；审查中 1.3 件</desc>');
    expect(svg).toMatch(/>已收件<\/text>/);
    expect(svg).toMatch(/>3 件<\/text>/);
    expect(svg).not.toMatch(/style=|<script/);
  });

  it('when labels carry markup, then it is escaped in labels, title and description', async () => {
    const evil = '<script>alert("x")</script>&';
    const bar = await render('bar-chart', { chart: barChartModel({ title: evil, bars: [{ label: evil, value: 1 }] }), id: 'c2' });
    const line = await render('line-chart', {
      chart: lineChartModel({ title: evil, categories: [evil], series: [{ name: evil, values: [1] }] }),
      id: 'c3',
    });
    for (const svg of [bar, line]) {
      expect(svg).not.toContain('<script>');
      expect(svg).toContain('&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&amp;');
    }
  });

  it('when a line chart is drawn, then the largest value sits at the top, series differ by dash and marker, and points are labelled', async () => {
    const chart = lineChartModel({
      title: '每月收件与办结',
      categories: ['2026-09', '2026-10', '2026-11'],
      series: [
        { name: '收件数', values: [1, 4, 2] },
        { name: '办结数', values: [2, 0, 1] },
      ],
    });
    expect(chart.series[0].points[1].y).toBe(chart.axis.top);
    expect(chart.series[1].points[1].y).toBe(chart.axis.y);
    expect(chart.series[0].points.map((p) => p.x)).toEqual([30, 285, 540]);
    expect(chart.series.map((s) => [s.dash, s.marker])).toEqual([
      ['none', 'circle'],
      ['6 4', 'square'],
    ]);
    expect(chart.series[0].path).toBe(`M30 ${chart.series[0].points[0].y} L285 44 L540 ${chart.series[0].points[2].y}`);
    const svg = await render('line-chart', { chart, id: 't' });
    expect(svg).toContain('<desc id="t-desc">2026-09：收件数 1，办结数 2；2026-10：收件数 4，办结数 0；2026-11：收件数 2，办结数 1</desc>');
    expect(svg).toMatch(/>收件数<\/text>/);
    expect(svg).toMatch(/>2026-10<\/text>/);
    expect((svg.match(/class="chart-value"/g) ?? []).length).toBe(6);
  });
});
