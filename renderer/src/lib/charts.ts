/**
 * lightweight-charts, loaded on first use: a chunk of its own, fetched and evaluated in a task of its own
 * rather than with the app's start-up script. Every chart component takes the library from here.
 */
export type ChartLib = typeof import('lightweight-charts');

let lib: Promise<ChartLib> | null = null;

export function loadChartLib(): Promise<ChartLib> {
  lib ??= import('lightweight-charts');
  return lib;
}
