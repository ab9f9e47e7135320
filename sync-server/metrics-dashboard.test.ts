/**
 * The Grafana dashboard in docs/grafana/sync-server.json reads only series the server's /metrics prints: every
 * metric name in every panel's query and variable is checked against the families a running server lists
 * (`# TYPE` lines, with a histogram's _bucket, _sum and _count), and each role names itself in
 * `lpj_server_info`, which the dashboard's role and instance variables are built from.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { http } from './testing/harness';
import { serverPerTest } from './testing/per-test';
import { Metrics } from './metrics';

const t = serverPerTest();

interface Dashboard {
  panels: { type: string; title: string; targets?: { expr: string }[] }[];
  templating: { list: { name: string; query?: string | { query: string } }[] };
}

const dashboard = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', 'docs', 'grafana', 'sync-server.json'), 'utf8'),
) as Dashboard;

/** PromQL words that are not metric names. */
const PROMQL = new Set(['rate', 'increase', 'sum', 'histogram_quantile', 'clamp_min']);

/** The metric names a PromQL expression reads: what is left once strings, matchers, ranges and groupings are out. */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"[^"]*"/g, '')
    // label_values(metric, label): the second argument names a label.
    .replace(/label_values\(([^,)]*),[^)]*\)/g, '$1')
    .replace(/\b\d[\d.]*(e[-+]?\d+)?/gi, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring)\s*\([^)]*\)/g, ' ')
    .replace(/\$\w+/g, ' ');
  return (bare.match(/[a-zA-Z_:][a-zA-Z0-9_:]*/g) ?? []).filter((w) => !PROMQL.has(w));
}

/** The series names a /metrics text can hold: each family, and a histogram's or summary's derived series. */
function seriesNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(name);
    if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(name + s);
    if (type === 'summary') for (const s of ['_sum', '_count']) names.add(name + s);
  }
  return names;
}

const queries = [
  ...dashboard.panels.flatMap((p) => (p.targets ?? []).map((target) => ({ where: p.title, expr: target.expr }))),
  ...dashboard.templating.list
    .filter((v) => v.query !== undefined && typeof v.query !== 'string')
    .map((v) => ({ where: `variable ${v.name}`, expr: (v.query as { query: string }).query })),
];

describe('the Grafana dashboard', () => {
  it("reads only series a running server's /metrics lists", async () => {
    await t.start();
    const metrics = await http(t.server.url, 'GET', '/metrics');
    const served = seriesNames(metrics.text);
    const missing = queries.flatMap(({ where, expr }) =>
      metricNames(expr)
        .filter((name) => !served.has(name))
        .map((name) => `${where}: ${name}`),
    );
    expect(missing).toEqual([]);
    // The check checked something: each panel has a query, and the queries name the server's own series.
    const used = new Set(queries.flatMap(({ expr }) => metricNames(expr)));
    expect(queries.length).toBeGreaterThan(20);
    for (const name of ['lpj_ws_connections', 'lpj_order_ack_seconds_bucket', 'lpj_db_commit_seconds_bucket'])
      expect(used).toContain(name);
    expect(metrics.text).toMatch(/^lpj_server_info\{role="single"\} 1$/m);
  });

  it('picks instances by the role each process names in lpj_server_info', async () => {
    const variables = Object.fromEntries(
      dashboard.templating.list.map((v) => [v.name, typeof v.query === 'string' ? v.query : v.query?.query]),
    );
    expect(variables.role).toBe('label_values(lpj_server_info, role)');
    expect(variables.instance).toBe('label_values(lpj_server_info{role="$role"}, instance)');
    const panels = dashboard.panels.filter((p) => p.type !== 'row');
    expect(panels.every((p) => (p.targets ?? []).every((q) => q.expr.includes('instance=~"$instance"')))).toBe(true);
    // A core and a gateway serve the same Metrics with their own role.
    for (const role of ['core', 'gateway'] as const)
      expect(await new Metrics(role).registry.metrics()).toMatch(
        new RegExp(`^lpj_server_info\\{role="${role}"\\} 1$`, 'm'),
      );
  });
});
