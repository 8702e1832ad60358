import 'uplot/dist/uPlot.min.css';
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import { graphql } from '../__generated__/gql.ts';
import type { StatsSubscription } from '../__generated__/graphql.ts';
import type { Api } from '../api.ts';

const STATS = graphql(`subscription Stats($id: String!) {
  containerStats(ref: $id) {
    read cpuPercent memoryUsage networkRxBytes networkTxBytes blockReadBytes blockWriteBytes
  }
}`);

type Sample = StatsSubscription['containerStats'];

/** Seconds of history the plots show (and the page keeps). */
const WINDOW = 300;

type Column = (number | null)[];

/** Bytes per second between samples; a counter that went back (a restart) has no rate. */
function rate(samples: Sample[], pick: (sample: Sample) => number): Column {
  return samples.map((sample, index) => {
    const before = samples[index - 1];
    if (!before) return null;
    const seconds = (Date.parse(sample.read) - Date.parse(before.read)) / 1000;
    const delta = pick(sample) - pick(before);
    return seconds > 0 && delta >= 0 ? delta / seconds : null;
  });
}

function bytes(value: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[unit]}`;
}

/** HH:MM:SS: one line per tick, narrow enough for five minutes on a small plot. */
function clock(seconds: number): string {
  return new Date(seconds * 1000).toTimeString().slice(0, 8);
}

interface Chart {
  title: string;
  series: { label: string; stroke: string }[];
  format: (value: number) => string;
  columns: (samples: Sample[]) => Column[];
}

const BLUE = '#0a58ca';
const RED = '#a40e26';

const CHARTS: Chart[] = [
  {
    title: 'CPU',
    series: [{ label: 'CPU', stroke: BLUE }],
    format: (value) => `${value.toFixed(value < 10 ? 1 : 0)}%`,
    columns: (samples) => [samples.map((s) => s.cpuPercent)],
  },
  {
    title: 'Memory',
    series: [{ label: 'used', stroke: '#116329' }],
    format: bytes,
    columns: (samples) => [samples.map((s) => s.memoryUsage)],
  },
  {
    title: 'Network',
    series: [
      { label: 'rx', stroke: BLUE },
      { label: 'tx', stroke: RED },
    ],
    format: (value) => `${bytes(value)}/s`,
    columns: (samples) => [
      rate(samples, (s) => s.networkRxBytes),
      rate(samples, (s) => s.networkTxBytes),
    ],
  },
  {
    title: 'Block I/O',
    series: [
      { label: 'read', stroke: BLUE },
      { label: 'write', stroke: RED },
    ],
    format: (value) => `${bytes(value)}/s`,
    columns: (samples) => [
      rate(samples, (s) => s.blockReadBytes),
      rate(samples, (s) => s.blockWriteBytes),
    ],
  },
];

const HEIGHT = 160;

/** Two plots a row, the grid's gap between them; never narrower than a readable plot. */
function plotWidth(grid: HTMLElement): number {
  return Math.max(280, Math.floor(grid.clientWidth / 2) - 12);
}

function options(chart: Chart, syncKey: string, width: number): uPlot.Options {
  const format = (value: number | null) => (value === null ? '–' : chart.format(value));
  return {
    title: chart.title,
    width,
    height: HEIGHT,
    // The same last five minutes on every plot, and one cursor across them.
    scales: { x: { time: true, range: (_plot, _min, max) => [max - WINDOW, max] } },
    cursor: { sync: { key: syncKey } },
    series: [
      { label: 'time' },
      ...chart.series.map((series) => ({
        ...series,
        width: 1.5,
        value: (_: uPlot, v: number | null) => format(v),
      })),
    ],
    axes: [
      { space: 70, values: (_plot, splits) => splits.map(clock) },
      { size: 80, values: (_plot, splits) => splits.map(chart.format) },
    ],
  };
}

/** CPU, memory, network and block I/O of a running container over the last five minutes. */
export function StatsPanel(props: { api: Api; id: string }) {
  const grid = useRef<HTMLDivElement>(null);
  const [count, setCount] = useState(0);
  const [end, setEnd] = useState<string | null>(null);
  useEffect(() => {
    const box = grid.current;
    if (!box) return;
    let width = plotWidth(box);
    const syncKey = `stats:${props.id}`;
    const plots = CHARTS.map((chart) => {
      const cell = document.createElement('div');
      box.append(cell);
      return new uPlot(options(chart, syncKey, width), [[], ...chart.series.map(() => [])], cell);
    });
    // The plots follow the page's width; a change of height alone (the plots' own) is no resize.
    const resizes = new ResizeObserver(() => {
      const next = plotWidth(box);
      if (next === width) return;
      width = next;
      for (const plot of plots) plot.setSize({ width, height: HEIGHT });
    });
    resizes.observe(box);
    const samples: Sample[] = [];
    const stop = props.api.stream(
      STATS,
      { id: props.id },
      (result) => {
        const sample = result.data?.containerStats;
        if (!sample) return;
        samples.push(sample);
        const since = Date.parse(sample.read) - WINDOW * 1000;
        while (samples[0] && Date.parse(samples[0].read) < since) samples.shift();
        const times = samples.map((s) => Date.parse(s.read) / 1000);
        CHARTS.forEach((chart, index) => {
          plots[index]?.setData([times, ...chart.columns(samples)]);
        });
        setCount(samples.length);
      },
      (errors) => setEnd(errors?.[0]?.message ?? 'the container stopped'),
    );
    return () => {
      stop();
      resizes.disconnect();
      for (const plot of plots) plot.destroy();
      box.replaceChildren();
    };
  }, [props.api, props.id]);
  return (
    <section class="stats" aria-label="Stats">
      <h2>
        Stats <span class="count">last 5 minutes</span>
        {end && <span class="stats-end"> · ended: {end}</span>}
      </h2>
      <div ref={grid} class="stats-plots" data-samples={count} />
    </section>
  );
}
