/**
 * The Results screen's state: kept results from the host, the run opened in detail, and the PnL report asked
 * for. Only the latest answer of each kind is kept, so a slow answer never replaces a newer one; a failed
 * refresh keeps what was shown and says it failed.
 */
import { create } from 'zustand';
import type { PnlReport, ResultAccount, ResultDetail, ResultSummary } from '@protocol/results';
import { api } from '../api';
import { hostError, type HostError } from './live-store';

export type ReportPeriod = PnlReport['period'];

interface ResultsStore {
  runs: ResultSummary[];
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: HostError | null;
  /** The run shown in detail, with its curve and fills. */
  detail: ResultDetail | null;
  detailError: HostError | null;
  report: PnlReport | null;
  reportStatus: 'idle' | 'loading' | 'ready' | 'error';
  reportError: HostError | null;
  account: ResultAccount;
  period: ReportPeriod;
  load(): Promise<void>;
  open(id: number): Promise<void>;
  remove(id: number): Promise<void>;
  choose(change: { account?: ResultAccount; period?: ReportPeriod }): void;
  loadReport(): Promise<void>;
}

let latest = 0;
let latestDetail = 0;
let latestReport = 0;

export const useResults = create<ResultsStore>((set, get) => ({
  runs: [],
  status: 'idle',
  error: null,
  detail: null,
  detailError: null,
  report: null,
  reportStatus: 'idle',
  reportError: null,
  account: 'replay',
  period: 'day',
  async load() {
    const mine = ++latest;
    set({ status: 'loading' });
    try {
      const { runs } = await api.invoke('results.list', {});
      if (mine === latest) set({ runs, status: 'ready', error: null });
    } catch (err) {
      if (mine === latest) set({ status: 'error', error: hostError(err) });
    }
  },
  async open(id) {
    const mine = ++latestDetail;
    try {
      const detail = await api.invoke('results.get', { id });
      if (mine === latestDetail) set({ detail, detailError: null });
    } catch (err) {
      if (mine === latestDetail) set({ detailError: hostError(err) });
    }
  },
  async remove(id) {
    try {
      await api.invoke('results.delete', { id });
      if (get().detail?.id === id) set({ detail: null });
      await get().load();
    } catch (err) {
      set({ error: hostError(err) });
    }
  },
  choose(change) {
    set({ ...change, report: null, reportStatus: 'idle', reportError: null });
  },
  async loadReport() {
    const mine = ++latestReport;
    const { account, period } = get();
    set({ reportStatus: 'loading' });
    try {
      const report = await api.invoke('reports.pnl', { account, period });
      if (mine === latestReport) set({ report, reportStatus: 'ready', reportError: null });
    } catch (err) {
      if (mine === latestReport) set({ reportStatus: 'error', reportError: hostError(err) });
    }
  },
}));
