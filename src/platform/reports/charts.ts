import * as echarts from 'echarts';
import type { ReportChart, ReportColumn, ReportRow } from './types.js';

/** Chart size in PDF points; the SVG is drawn at this size and placed 1:1. */
export const CHART_WIDTH = 500;
export const CHART_HEIGHT = 260;

const numberOf = (value: unknown): number => {
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : 0;
};

/**
 * The chart as SVG, drawn by ECharts' server-side renderer (no browser, no canvas): the same
 * library and options a web client would use, so a chart looks alike in the app and the PDF.
 */
export function chartSvg(chart: ReportChart, columns: readonly ReportColumn[], rows: readonly ReportRow[]) {
  const shown = rows.slice(0, chart.limit ?? 30);
  const labelOf = (key: string) => columns.find((c) => c.key === key)?.label ?? key;
  const categories = shown.map((row) => String(row[chart.category] ?? ''));
  const instance = echarts.init(null, null, {
    renderer: 'svg',
    ssr: true,
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
  });
  const base = {
    animation: false,
    textStyle: { fontFamily: 'Helvetica' },
    title: { text: chart.title, left: 'center', textStyle: { fontSize: 13 } },
  };
  if (chart.kind === 'pie') {
    const key = chart.series[0]!;
    instance.setOption({
      ...base,
      legend: { bottom: 0, type: 'plain' },
      series: [
        {
          type: 'pie',
          radius: '55%',
          center: ['50%', '52%'],
          // No halo around the labels: svg-to-pdfkit ignores paint-order and would paint the white
          // halo over the glyphs, leaving the labels blank in the PDF.
          label: { formatter: '{b}: {d}%', textBorderColor: 'transparent', textBorderWidth: 0 },
          data: shown.map((row, i) => ({ name: categories[i], value: numberOf(row[key]) })),
        },
      ],
    });
  } else {
    instance.setOption({
      ...base,
      legend: { bottom: 0 },
      grid: { left: 50, right: 20, top: 40, bottom: 60 },
      xAxis: { type: 'category', data: categories, axisLabel: { rotate: categories.length > 8 ? 45 : 0 } },
      yAxis: { type: 'value' },
      series: chart.series.map((key) => ({
        type: chart.kind,
        name: labelOf(key),
        data: shown.map((row) => numberOf(row[key])),
      })),
    });
  }
  const svg = instance.renderToSVGString();
  instance.dispose();
  return svg;
}
