import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { LagSample } from './lag-sampler';
import { EndpointSummary, Recorder } from './recorder';
import { lineChart } from './svg-chart';

export interface RunReport {
  readonly generatedAt: string;
  readonly parameters: Record<string, unknown>;
  readonly machine: Record<string, unknown>;
  readonly population: Record<string, number>;
  readonly phases: Record<string, { operations: number; seconds: number; perSecond: number }>;
  readonly endpoints: Record<string, EndpointSummary>;
  readonly skipped: Record<string, number>;
  readonly errorSamples: readonly string[];
  /** Completed operations per second, per endpoint, from the start of the run. */
  readonly throughput: readonly Record<string, number>[];
  readonly lag: readonly LagSample[];
  readonly drained: { seconds: number | null; finalLag: Record<string, number> };
}

export function buildReport(parts: Omit<RunReport, 'endpoints' | 'skipped' | 'errorSamples' | 'throughput' | 'generatedAt'>, recorder: Recorder): RunReport {
  return {
    generatedAt: new Date().toISOString(),
    ...parts,
    endpoints: recorder.summaries(),
    skipped: Object.fromEntries(recorder.skipped),
    errorSamples: recorder.errorSamples,
    throughput: recorder.perSecond,
  };
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function table(head: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cell = (v: string | number) => `<td>${esc(typeof v === 'number' ? v.toLocaleString('en-US') : v)}</td>`;
  return `<table><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>${rows.map((r) => `<tr>${r.map(cell).join('')}</tr>`).join('')}</table>`;
}

/** A self-contained page: tables and inline SVG charts, no scripts or external resources. */
export function renderHtml(report: RunReport): string {
  const endpoints = Object.keys(report.endpoints);
  const throughput = lineChart(
    'Completed operations per second',
    'seconds since start',
    'operations/s',
    endpoints.map((name) => ({ name, points: report.throughput.map((sec, t) => [t, sec[name] ?? 0] as const) })),
  );
  const consumers = [...new Set(report.lag.flatMap((s) => Object.keys(s.lag)))];
  const lag = lineChart(
    'Consumer lag (messages behind the log end)',
    'seconds since start',
    'messages',
    consumers.map((name) => ({ name, points: report.lag.map((s) => [s.t, s.lag[name] ?? 0] as const) })),
  );
  const latencyRows = Object.entries(report.endpoints).map(([name, s]) => [name, s.count, s.errors, s.p50, s.p90, s.p99, s.p999, s.max, s.mean]);
  const kv = (o: Record<string, unknown>) =>
    table(
      ['', ''],
      Object.entries(o).map(([k, v]) => [k, typeof v === 'number' ? v : String(JSON.stringify(v))]),
    );
  return `<!doctype html><html><head><meta charset="utf-8"><title>generate report ${esc(report.generatedAt)}</title>
<style>body{font-family:sans-serif;margin:24px;max-width:1000px}table{border-collapse:collapse;margin:8px 0 20px}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}td:first-child,th:first-child{text-align:left}h2{margin-top:28px}</style></head><body>
<h1>Load generation report</h1><p>${esc(report.generatedAt)}</p>
<h2>Latency per endpoint (ms, HDR histogram)</h2>${table(['endpoint', 'count', 'errors', 'p50', 'p90', 'p99', 'p99.9', 'max', 'mean'], latencyRows)}
<h2>Throughput over time</h2>${throughput}
<h2>Projection lag over time</h2>${lag}
<p>Drained: ${report.drained.seconds === null ? 'not within the wait' : `${report.drained.seconds} s after the last operation`}</p>
<h2>Phases</h2>${table(
    ['phase', 'operations', 'seconds', 'per second'],
    Object.entries(report.phases).map(([k, p]) => [k, p.operations, p.seconds, p.perSecond]),
  )}
<h2>Population</h2>${kv(report.population)}
<h2>Parameters</h2>${kv(report.parameters)}
<h2>Machine</h2>${kv(report.machine)}
${Object.keys(report.skipped).length ? `<h2>Skipped</h2>${kv(report.skipped)}` : ''}
${report.errorSamples.length ? `<h2>First errors</h2><pre>${esc(report.errorSamples.join('\n'))}</pre>` : ''}
</body></html>`;
}

export function writeReport(dir: string, report: RunReport): { json: string; html: string } {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, 'report.json');
  const html = join(dir, 'report.html');
  writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(html, renderHtml(report));
  return { json, html };
}
